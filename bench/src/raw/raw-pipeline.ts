import { Queue } from "bullmq";
import { Redis } from "ioredis";
import pg from "pg";

import { createRunMaintenance } from "../run-maintenance.ts";
import { startExecutionWatch } from "../execution-watch.ts";
import type { Pipeline } from "../pipeline.ts";
import { sharedServices } from "../process-cpu.ts";
import { wallClock } from "../load.ts";
import { RAW_QUEUE_NAME, RAW_QUEUE_PREFIX, rawJobId } from "./raw-schema.ts";

const statuses = ["planned", "active", "at_risk", "done"] as const;

/** The baseline's producer: one transaction (one statement) per action inserting it and its audit row, then one enqueue. */
export async function createRawPipeline(options: { databaseUrl: string; redisUrl: string; targetCount: number; workerPids: readonly number[] }) {
  const pool = new pg.Pool({ connectionString: options.databaseUrl, max: 20 });
  const redis = new Redis(options.redisUrl, { maxRetriesPerRequest: 1, enableOfflineQueue: false });
  const queue = new Queue(RAW_QUEUE_NAME, { connection: redis, prefix: RAW_QUEUE_PREFIX });
  const jobOptions = (id: number) => ({ jobId: rawJobId(id), removeOnComplete: { count: 1000 }, removeOnFail: { count: 5000 } });
  const executions = await startExecutionWatch(options.databaseUrl, "SELECT id AS key, status FROM raw_action WHERE id = ANY($1::int[]) AND status = 'executed'");
  const targetOf = (index: number) => 1 + ((Math.imul(index, 2654435761) >>> 0) % options.targetCount);

  const insert = async (index: number, status: "approved" | "pending"): Promise<number> => {
    const { rows } = await pool.query<{ action_id: number }>(
      `WITH a AS (INSERT INTO raw_action (target_id, parameters, status, created_at) VALUES ($1, $2, $3, now()) RETURNING id)
       INSERT INTO raw_audit (action_id, type, details) SELECT id, 'proposed', $4 FROM a RETURNING action_id`,
      [targetOf(index), JSON.stringify({ status: statuses[index % statuses.length] }), status, JSON.stringify({ reason: `raw #${index}` })],
    );
    const id = rows[0]?.action_id;
    if (id === undefined) throw new Error("raw insert returned no id");
    return id;
  };

  const pipeline: Pipeline = {
    name: "raw",
    processes: [...options.workerPids.map((pid, index) => ({ name: index === 0 ? "worker" : `worker ${index + 1}`, pid })), ...sharedServices],
    executions,
    async propose(index) {
      const id = await insert(index, "approved");
      await queue.add("execute", { id }, jobOptions(id));
      executions.add([id]);
      return id;
    },
    async proposePending(count) {
      const { rows } = await pool.query<{ id: number }>(
        `INSERT INTO raw_action (target_id, parameters, status, created_at)
         SELECT 1 + n % $2, '{"status":"active"}'::jsonb, 'pending', now() FROM generate_series(1, $1) AS n RETURNING id`,
        [count, options.targetCount],
      );
      return rows.map((row) => row.id);
    },
    async approve(actionId) {
      const { rowCount } = await pool.query(
        `WITH a AS (UPDATE raw_action SET status = 'approved' WHERE id = $1 AND status = 'pending' RETURNING id)
         INSERT INTO raw_audit (action_id, type, details) SELECT id, 'approved', '{}'::jsonb FROM a`,
        [actionId],
      );
      if (rowCount !== 1) throw new Error(`raw action ${actionId} was not pending`);
      // Ahead of the jobs already waiting, as Leash enqueues an action that waited for a decision.
      await queue.add("execute", { id: actionId }, { ...jobOptions(actionId), lifo: true });
      executions.add([actionId]);
    },
    async burst(count) {
      const { rows } = await pool.query<{ id: number }>(
        `INSERT INTO raw_action (target_id, parameters, status, created_at)
         SELECT 1 + (n * 7919) % $2, '{"status":"done"}'::jsonb, 'approved', now() FROM generate_series(1, $1) AS n RETURNING id`,
        [count, options.targetCount],
      );
      const ids = rows.map((row) => row.id);
      const enqueuedAt = wallClock();
      executions.add(ids);
      await queue.addBulk(ids.map((id) => ({ name: "execute", data: { id }, opts: jobOptions(id) })));
      return { ids, enqueuedAt };
    },
    maintain: createRunMaintenance(pool),
    async backlog() {
      const { rows } = await pool.query<{ count: string }>("SELECT count(*) FROM raw_action WHERE status IN ('approved', 'executing')");
      return Number(rows[0]?.count ?? 0);
    },
  };
  return {
    pipeline,
    async close() {
      await executions.close();
      await queue.obliterate({ force: true }).catch(() => undefined);
      await queue.close();
      redis.disconnect();
      await pool.end();
    },
  };
}
