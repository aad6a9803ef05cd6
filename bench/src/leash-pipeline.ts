import { Redis } from "ioredis";
import pg from "pg";
import { z } from "zod";

import { createBullActionQueue } from "@leash/core";

import { createRunMaintenance } from "./run-maintenance.ts";
import type { BenchFixtures } from "./bench-database.ts";
import { startExecutionWatch } from "./execution-watch.ts";
import type { HttpClient } from "./http-client.ts";
import { sleep, wallClock } from "./load.ts";
import type { Pipeline } from "./pipeline.ts";
import type { MeasuredProcess } from "./process-cpu.ts";
import { BENCH_QUEUE_PREFIX } from "./stack.ts";
import { mixedProposal } from "./workload.ts";

const proposeAnswer = z.object({ action: z.object({ id: z.number(), status: z.string() }) });
const batchAnswer = z.object({ actions: z.array(z.object({ id: z.number() })) });

/** The actions among `$1` that ended for good, for an execution watch. */
export const LEASH_ENDED_SQL =
  "SELECT id AS key, status::text AS status FROM agent_action WHERE id = ANY($1::int[]) AND status IN ('executed', 'failed', 'cancelled', 'rejected')";

/**
 * Leash as agents and approvers see it: every call goes through the real API over HTTP; the
 * benchmark only reads the database to learn when actions executed.
 */
export async function createLeashPipeline(options: {
  http: HttpClient;
  fixtures: BenchFixtures;
  databaseUrl: string;
  redisUrl: string;
  tag: string;
  processes: MeasuredProcess[];
  /** A Slack bot runs: proposals that wait for a person are answered once it posted their cards. */
  slackCards: boolean;
}) {
  const { http, fixtures } = options;
  const pool = new pg.Pool({ connectionString: options.databaseUrl, max: 4 });
  const redis = new Redis(options.redisUrl, { maxRetriesPerRequest: 1, enableOfflineQueue: false });
  const queue = createBullActionQueue({ connection: redis, prefix: BENCH_QUEUE_PREFIX });
  const tenants = [fixtures.agents.id, fixtures.approvals.id];
  const executions = await startExecutionWatch(options.databaseUrl, LEASH_ENDED_SQL);
  let bursts = 0;

  // A person approves an action they were shown: the bot's posting of the cards (a load of its own)
  // is over before anyone clicks, as with the baseline, which has nothing to post.
  const cardsPosted = async (ids: readonly number[]) => {
    const deadline = wallClock() + 60_000;
    for (;;) {
      const { rows } = await pool.query<{ count: string }>("SELECT count(*) FROM agent_action WHERE id = ANY($1) AND slack_message_ts IS NOT NULL", [ids]);
      if (Number(rows[0]?.count ?? 0) >= ids.length) return;
      if (wallClock() > deadline) throw new Error(`the Slack bot had not posted the cards of ${ids.length} proposals after 60 s`);
      await sleep(100);
    }
  };

  const pipeline: Pipeline = {
    name: "leash",
    processes: options.processes,
    executions,
    async propose(index) {
      const key = fixtures.agents.agentKeys[index % fixtures.agents.agentKeys.length] ?? "";
      const answer = proposeAnswer.parse(await http.mutation("action.propose", key, mixedProposal(fixtures.agents.items, index, options.tag)));
      if (answer.action.status !== "approved") throw new Error(`action ${answer.action.id} was not auto-approved`);
      executions.add([answer.action.id]);
      return answer.action.id;
    },
    async proposePending(count) {
      const ids: number[] = [];
      for (let start = 0; start < count; start += 100) {
        const actions = Array.from({ length: Math.min(100, count - start) }, (_, offset) => {
          const index = start + offset;
          const item = fixtures.approvals.items[index % fixtures.approvals.items.length];
          return index % 2 === 0 || !item
            ? { actionType: "notify", parameters: { channel: "in_app", recipient: "ops@bench.test", message: `Approval sample ${index}` } }
            : { actionType: "update", targetType: item.kind, targetId: item.id, parameters: { title: `Approved sample ${index}` } };
        });
        const answer = batchAnswer.parse(await http.mutation("action.proposeBatch", fixtures.approvals.agentKey, { actions, reason: "approval benchmark" }));
        ids.push(...answer.actions.map((action) => action.id));
      }
      if (options.slackCards) await cardsPosted(ids);
      return ids;
    },
    async approve(actionId) {
      await http.mutation("action.approve", fixtures.approvals.approverKey, { actionId });
      executions.add([actionId]);
    },
    async burst(count) {
      bursts += 1;
      const proposals = Array.from({ length: count }, (_, index) => mixedProposal(fixtures.agents.items, index, `burst${bursts}-${options.tag}`));
      // Stored as approved rows, then enqueued in one call, as the API does for an approved batch.
      const { rows } = await pool.query<{ id: number; tenant_id: string }>(
        `INSERT INTO agent_action (tenant_id, proposer_label, action_type, target_type, target_id, parameters, reason, status,
                                   requires_approval, approved_at, decided_by_label, max_attempts, created_at, updated_at)
         SELECT $1::uuid, 'benchmark burst', p."actionType", p."targetType"::"TargetType", p."targetId", p.parameters, p.reason,
                'approved', false, now(), 'auto-approval', 3, now(), now()
         FROM jsonb_to_recordset($2::jsonb) AS p("actionType" text, "targetType" text, "targetId" int, parameters jsonb, reason text)
         RETURNING id, tenant_id`,
        [fixtures.agents.id, JSON.stringify(proposals)],
      );
      const enqueuedAt = wallClock();
      const ids = rows.map((row) => row.id);
      executions.add(ids);
      await queue.enqueueExecutions(rows.map((row) => ({ actionId: row.id, tenantId: row.tenant_id })));
      return { ids, enqueuedAt };
    },
    maintain: createRunMaintenance(pool),
    async backlog() {
      const { rows } = await pool.query<{ count: string }>(
        "SELECT count(*) FROM agent_action WHERE tenant_id = ANY($1::uuid[]) AND status IN ('approved', 'executing')",
        [tenants],
      );
      return Number(rows[0]?.count ?? 0);
    },
  };
  return {
    pipeline,
    async close() {
      await executions.close();
      await queue.close();
      redis.disconnect();
      await pool.end();
    },
  };
}
