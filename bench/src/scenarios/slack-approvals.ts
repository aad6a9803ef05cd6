import { createHmac } from "node:crypto";

import type { HttpClient } from "../http-client.ts";
import { openLoop } from "../load.ts";
import type { Pipeline } from "../pipeline.ts";
import { executedTimes } from "../execution-watch.ts";
import { FAKE_TEAM } from "../slack/fake-slack-api.ts";
import { distribution, type Distribution } from "../stats.ts";

export interface SlackResult {
  samples: number;
  errors: number;
  firstError: string | null;
  /** From the scheduled click to the bot's HTTP answer (Bolt acks before doing the work). */
  ackMs: Distribution;
  /** From the scheduled click to the first harness poll that saw the action executed. */
  clickToExecutedMs: Distribution;
  /** The clicks sent first and not counted (`APPROVAL_WARMUP` of them): their ack. Missing from runs before it existed. */
  warmup?: { samples: number; ackMs: Distribution };
}

export const SLACK_APPROVER_ID = "UBENCHAPPROVER";

/** An Approve click on an approval card, as Slack posts it: a form-encoded `block_actions` payload. */
function approveClick(actionId: number, index: number): string {
  const payload = {
    type: "block_actions",
    user: { id: SLACK_APPROVER_ID, username: "approver", name: "approver", team_id: FAKE_TEAM.teamId },
    api_app_id: "ABENCH",
    token: "unused",
    container: { type: "message", message_ts: `1800000000.${index}`, channel_id: FAKE_TEAM.channelId, is_ephemeral: false },
    // One delivery per action: the bot drops a trigger id it has seen (a retry of the same delivery).
    trigger_id: `${Date.now()}.${actionId}.bench`,
    team: { id: FAKE_TEAM.teamId, domain: "bench" },
    enterprise: null,
    is_enterprise_install: false,
    channel: { id: FAKE_TEAM.channelId, name: "approvals" },
    message: { type: "message", user: FAKE_TEAM.botUserId, ts: `1800000000.${index}`, text: "card" },
    response_url: "http://127.0.0.1:9/unused",
    actions: [
      {
        type: "button",
        action_id: "leash_approve",
        block_id: "leash",
        text: { type: "plain_text", text: "Approve" },
        value: String(actionId),
        action_ts: `${Math.floor(Date.now() / 1000)}.${index}`,
      },
    ],
  };
  return `payload=${encodeURIComponent(JSON.stringify(payload))}`;
}

/** Signed Approve clicks on the bot's HTTP receiver at a steady rate: time to ack and click to executed. */
export async function measureSlackApprovals(options: {
  http: HttpClient;
  signingSecret: string;
  pipeline: Pipeline;
  /** Proposed with `pipeline.proposePending`, which answers once the bot has posted their cards: a person clicks on a card they see. */
  ids: readonly number[];
  ratePerSecond: number;
}): Promise<SlackResult> {
  const { http, ids } = options;
  const samples = await openLoop({
    ratePerSecond: options.ratePerSecond,
    durationMs: (ids.length / options.ratePerSecond) * 1000,
    call: async (index) => {
      const id = ids[index];
      if (id === undefined) throw new Error("no action left to click");
      const body = approveClick(id, index);
      const timestamp = Math.floor(Date.now() / 1000);
      const signature = `v0=${createHmac("sha256", options.signingSecret).update(`v0:${timestamp}:${body}`).digest("hex")}`;
      const answer = await http.send("POST", "/slack/events", {
        body,
        headers: { "content-type": "application/x-www-form-urlencoded", "x-slack-signature": signature, "x-slack-request-timestamp": String(timestamp) },
      });
      if (answer.status !== 200) throw new Error(`the bot answered ${answer.status}: ${answer.body.slice(0, 200)}`);
      options.pipeline.executions.add([id]);
      return id;
    },
  });
  const clicked = samples.flatMap((sample) => (sample.error === null && sample.value !== null ? [{ ...sample, value: sample.value }] : []));
  // A click the bot failed to act on leaves its action pending for good: wait a bounded time.
  const executed = executedTimes(await options.pipeline.executions.settled(
    clicked.map((sample) => sample.value),
    30_000,
  ));
  return {
    samples: clicked.length,
    errors: samples.length - clicked.length,
    firstError: samples.find((sample) => sample.error !== null)?.error ?? null,
    ackMs: distribution(clicked.map((sample) => sample.latencyMs)),
    clickToExecutedMs: distribution(
      clicked.flatMap((sample) => {
        const at = executed.get(sample.value);
        return at === undefined ? [] : [at - sample.scheduledAt];
      }),
    ),
  };
}
