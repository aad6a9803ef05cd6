/** What a crowd of agents saw while proposing through the HTTP API. */
export interface AgentRun {
  /** idempotency key -> id of the action the API accepted (answered 200 for). */
  accepted: Map<string, number>;
  /** Answers with a 5xx status. */
  serverErrors: number;
  /** Requests that got no answer (connection refused or cut), retried with the same key. */
  noAnswer: number;
}

export interface AgentCrowdOptions {
  apiUrl: string;
  apiKey: string;
  /** The in_app recipient of the notifications proposed (a user of the key's tenant). */
  inbox: string;
  /** Proposals to get accepted, each with its own idempotency key. */
  total: number;
  concurrency: number;
  label: string;
  /** Called after every accepted proposal, with the count so far. */
  onAccepted?: (count: number) => void;
}

/**
 * Agents proposing one notify action per request, as a careful client does: a request that got no
 * answer, or a 5xx/429, is sent again with the same idempotency key until the API accepts it.
 */
export async function runAgentCrowd(options: AgentCrowdOptions): Promise<AgentRun> {
  const run: AgentRun = { accepted: new Map(), serverErrors: 0, noAnswer: 0 };
  let next = 0;
  const agent = async () => {
    for (let index = next++; index < options.total; index = next++) {
      const key = `${options.label}-${index}`;
      for (let tries = 0; ; tries++) {
        if (tries > 2000) throw new Error(`proposal ${key} was never accepted`);
        const outcome = await propose(options, key, index);
        if (typeof outcome === "number") {
          run.accepted.set(key, outcome);
          options.onAccepted?.(run.accepted.size);
          break;
        }
        if (outcome === "no answer") run.noAnswer += 1;
        if (outcome === "server error") run.serverErrors += 1;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, agent));
  return run;
}

async function propose(options: AgentCrowdOptions, key: string, index: number): Promise<number | "no answer" | "server error" | "try later"> {
  let response: Response;
  try {
    response = await fetch(`${options.apiUrl}/trpc/action.propose`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${options.apiKey}` },
      body: JSON.stringify({
        actionType: "notify",
        idempotencyKey: key,
        parameters: { channel: "in_app", recipient: options.inbox, message: `${options.label} ${index}` },
      }),
    });
  } catch {
    return "no answer";
  }
  if (response.status === 200) {
    const body = (await response.json()) as { result: { data: { action: { id: number } } } };
    return body.result.data.action.id;
  }
  await response.body?.cancel();
  if (response.status >= 500) return "server error";
  if (response.status === 429) return "try later";
  throw new Error(`proposal ${key} was refused with ${response.status}`);
}
