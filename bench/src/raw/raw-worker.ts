import { Worker, type Job } from "bullmq";
import { Redis } from "ioredis";
import pg from "pg";

import { env } from "../env.ts";
import { RAW_QUEUE_NAME, RAW_QUEUE_PREFIX } from "./raw-schema.ts";

/**
 * The baseline's consumer: a bare BullMQ worker that, in one transaction per action, claims it,
 * updates its target row, keeps the row as it was (rollback data), writes an audit row and marks
 * the action executed. Same concurrency and pool size as the real worker's defaults.
 */
const databaseUrl = env.RAW_DATABASE_URL;
if (!databaseUrl) throw new Error("RAW_DATABASE_URL is required");
const concurrency = env.RAW_CONCURRENCY;
const pool = new pg.Pool({ connectionString: databaseUrl, max: env.RAW_POOL_SIZE });
const connection = new Redis(env.REDIS_URL, { maxRetriesPerRequest: null });

async function execute(job: Job<{ id: number }>): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query("BEGIN");
    const claimed = await client.query<{ target_id: number; parameters: Record<string, unknown> }>(
      "UPDATE raw_action SET status = 'executing' WHERE id = $1 AND status = 'approved' RETURNING target_id, parameters",
      [job.data.id],
    );
    const action = claimed.rows[0];
    if (!action) {
      await client.query("ROLLBACK");
      return;
    }
    const before = await client.query<{ data: unknown; version: number }>(
      `WITH old AS (SELECT id, data, version FROM raw_target WHERE id = $1 FOR UPDATE)
       UPDATE raw_target t SET data = t.data || $2::jsonb, version = t.version + 1, updated_at = now()
       FROM old WHERE t.id = old.id RETURNING old.data, old.version`,
      [action.target_id, JSON.stringify(action.parameters)],
    );
    await client.query(
      "UPDATE raw_action SET status = 'executed', executed_at = clock_timestamp(), rollback_data = $2, result = $3 WHERE id = $1",
      [job.data.id, JSON.stringify({ before: before.rows[0] ?? null }), JSON.stringify({ targetId: action.target_id })],
    );
    await client.query("INSERT INTO raw_audit (action_id, type, details) VALUES ($1, 'executed', $2)", [
      job.data.id,
      JSON.stringify({ attempt: 1 }),
    ]);
    await client.query("COMMIT");
  } catch (error) {
    await client.query("ROLLBACK");
    throw error;
  } finally {
    client.release();
  }
}

const worker = new Worker<{ id: number }>(RAW_QUEUE_NAME, execute, { connection, prefix: RAW_QUEUE_PREFIX, concurrency });
await worker.waitUntilReady();
process.stdout.write("ready\n");

const stop = async () => {
  await worker.close();
  connection.disconnect();
  await pool.end();
  process.exit(0);
};
process.on("SIGTERM", () => void stop());
process.on("SIGINT", () => void stop());
