import { z } from "zod";

import { lateness, startExecutionWatch, type Ended } from "../execution-watch.ts";
import type { HttpClient } from "../http-client.ts";
import { closedLoop, wallClock } from "../load.ts";
import { distribution, type Distribution } from "../stats.ts";
import type { Proposal } from "../workload.ts";

export interface ProposeAndWaitResult {
  agents: number;
  samples: number;
  errors: number;
  firstError: string | null;
  /** The whole call, from its send to its answer: the proposal, its execution and the wait's wake-up. */
  callMs: Distribution;
  /**
   * From the first harness poll that saw the action executed to the agent receiving the answer
   * (both on the harness's clock). The commit lies up to one poll period before that poll
   * (`lateByAtMostMs`), so the time from the commit to the answer is this figure plus at most that.
   */
  answerAfterCommitMs: Distribution;
  lateByAtMostMs: Distribution;
}

const answerSchema = z.object({
  action: z.object({ id: z.number(), status: z.string() }),
  done: z.boolean(),
});

/**
 * Agents call `action.proposeAndWait` for auto-approved actions, one call at a time each, at low
 * load. The harness watches each action by its reason (known before the call, unlike its id) on
 * the rows created after the scenario starts, and times the answer against the commit it saw.
 */
export async function measureProposeAndWait(options: {
  http: HttpClient;
  databaseUrl: string;
  agentKeys: readonly string[];
  agents: number;
  samples: number;
  /** Action ids below this one are not looked at (the newest id when the scenario starts). */
  fromActionId: number;
  proposal: (index: number) => Proposal;
}): Promise<ProposeAndWaitResult> {
  const watch = await startExecutionWatch<string>(
    options.databaseUrl,
    "SELECT reason AS key, status::text AS status FROM agent_action WHERE id > $2 AND reason = ANY($1::text[]) AND status IN ('executed', 'failed', 'cancelled', 'rejected')",
    [options.fromActionId],
  );
  const calls: { callMs: number; answerAfterSeenMs: number; ended: Ended }[] = [];
  let remaining = options.samples;
  try {
    const samples = await closedLoop({
      agents: options.agents,
      durationMs: 300_000,
      stopWhen: () => remaining <= 0,
      call: async (index) => {
        remaining -= 1;
        const proposal = options.proposal(index);
        const reason = String(proposal.reason);
        watch.add([reason]);
        const sentAt = wallClock();
        const answer = answerSchema.parse(
          await options.http.mutation(
            "action.proposeAndWait",
            options.agentKeys[index % options.agentKeys.length] ?? "",
            { ...proposal, waitSeconds: 10 },
          ),
        );
        const answeredAt = wallClock();
        if (!answer.done || answer.action.status !== "executed")
          throw new Error(
            `action ${answer.action.id} answered ${answer.action.status}, done ${String(answer.done)}`,
          );
        const ended = await watch.ended(reason, 10_000);
        calls.push({ callMs: answeredAt - sentAt, answerAfterSeenMs: answeredAt - ended.seenAt, ended });
        return answer.action.id;
      },
    });
    return {
      agents: options.agents,
      samples: calls.length,
      errors: samples.filter((sample) => sample.error !== null).length,
      firstError: samples.find((sample) => sample.error !== null)?.error ?? null,
      callMs: distribution(calls.map((call) => call.callMs)),
      answerAfterCommitMs: distribution(calls.map((call) => call.answerAfterSeenMs)),
      lateByAtMostMs: lateness(calls.map((call) => call.ended)),
    };
  } finally {
    await watch.close();
  }
}
