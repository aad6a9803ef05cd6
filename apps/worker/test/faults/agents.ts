/** One request of an agent, timed with Date.now() so a test can place it around a fault. */
export interface AgentRequest {
  startedAt: number;
  endedAt: number;
  /** The HTTP status, or null when no answer came (connection refused or cut). */
  status: number | null;
  /** The body of a 5xx answer, to check it tells nothing of the inside. */
  body?: string;
}

/** What a crowd of agents saw while proposing through the HTTP API. */
export interface AgentRun {
  /** idempotency key -> id of the action the API accepted (answered 200 for). */
  accepted: Map<string, number>;
  /** Every request sent, in the order they ended. */
  requests: AgentRequest[];
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
  const run: AgentRun = { accepted: new Map(), requests: [], serverErrors: 0, noAnswer: 0 };
  let next = 0;
  const agent = async () => {
    for (let index = next++; index < options.total; index = next++) {
      const key = `${options.label}-${index}`;
      for (let tries = 0; ; tries++) {
        if (tries > 2000) throw new Error(`proposal ${key} was never accepted`);
        const startedAt = Date.now();
        const outcome = await propose(options, key, index);
        run.requests.push({ startedAt, endedAt: Date.now(), status: outcome.status, ...(outcome.body === undefined ? {} : { body: outcome.body }) });
        if (typeof outcome.id === "number") {
          run.accepted.set(key, outcome.id);
          options.onAccepted?.(run.accepted.size);
          break;
        }
        if (outcome.status === null) run.noAnswer += 1;
        else if (outcome.status >= 500) run.serverErrors += 1;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, agent));
  return run;
}

/** The status (null without an answer), the accepted action's id on a 200, the body of a 5xx. */
async function propose(options: AgentCrowdOptions, key: string, index: number): Promise<{ status: number | null; id?: number; body?: string }> {
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
    return { status: null };
  }
  if (response.status === 200) {
    const body = (await response.json()) as { result: { data: { action: { id: number } } } };
    return { status: 200, id: body.result.data.action.id };
  }
  if (response.status >= 500) return { status: response.status, body: await response.text().catch(() => "(the answer was cut)") };
  await response.body?.cancel();
  if (response.status === 429) return { status: 429 };
  throw new Error(`proposal ${key} was refused with ${response.status}`);
}
