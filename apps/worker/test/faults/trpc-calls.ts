/** What one call of the API answered: its HTTP status (null without an answer), and the procedure's data on a 200. */
export interface TrpcAnswer<T> {
  status: number | null;
  data: T | null;
}

/**
 * A tRPC mutation as a non-TypeScript agent sends it (plain JSON, no transformer): the fault suite
 * drives the real API processes over HTTP, as agents do, not through the typed client.
 */
export async function trpcMutation<T>(apiUrl: string, apiKey: string, path: string, input: unknown): Promise<TrpcAnswer<T>> {
  let response: Response;
  try {
    response = await fetch(`${apiUrl}/trpc/${path}`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${apiKey}` },
      body: JSON.stringify(input),
    });
  } catch {
    // Refused, or a kept-alive connection the server closed as the request went out (ECONNRESET).
    return { status: null, data: null };
  }
  if (response.status !== 200) {
    await response.body?.cancel();
    return { status: response.status, data: null };
  }
  const body = (await response.json()) as { result: { data: T } };
  return { status: 200, data: body.result.data };
}

/**
 * A mutation that must succeed, sent again as a careful client does after no answer, a 503 (the
 * database was busy or away: nothing was done) or a 429; anything else but a 200 fails the test,
 * naming the call (a decision sent again after its answer was lost would be refused 409: visible).
 * Proposals sent through here carry an idempotency key, so a retry never makes a second action.
 */
export async function mustMutate<T>(apiUrl: string, apiKey: string, path: string, input: unknown): Promise<T> {
  for (let tries = 1; ; tries++) {
    const answer = await trpcMutation<T>(apiUrl, apiKey, path, input);
    if (answer.data !== null) return answer.data;
    if ((answer.status !== null && answer.status !== 503 && answer.status !== 429) || tries >= 50) {
      throw new Error(`${path} ${JSON.stringify(input)} answered ${answer.status}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
