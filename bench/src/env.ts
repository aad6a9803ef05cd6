import { z } from "zod";

const schema = z.object({
  /** The server the benchmark's own database (leash_bench) is dropped and re-created on. */
  BENCH_DATABASE_SERVER_URL: z.url().default("postgresql://postgres@127.0.0.1:5432/postgres"),
  REDIS_URL: z.url().default("redis://127.0.0.1:6379"),
  /** Reported with the results as given: the apps under test read them themselves. */
  WORKER_CONCURRENCY: z.string().optional(),
  DB_POOL_SIZE: z.string().optional(),
  /** The baseline worker's database, set by the harness when it starts it (src/raw/raw-worker.ts). */
  RAW_DATABASE_URL: z.url().optional(),
  /** The baseline worker's concurrency and pool: the real worker's defaults. */
  RAW_CONCURRENCY: z.coerce.number().int().min(1).default(16),
  RAW_POOL_SIZE: z.coerce.number().int().min(1).default(20),
  /** Where the `http` workload's receiver listens (src/http/invoice-receiver.ts). */
  BENCH_RECEIVER_PORT: z.coerce.number().int().min(1).max(65535).default(3194),
});

/**
 * The benchmark's settings, read once per process here: the harness and the baseline processes it
 * starts (the raw worker, the invoice receiver) import this module. An empty variable counts as unset.
 */
export const env = schema.parse(Object.fromEntries(Object.entries(process.env).filter(([, value]) => value !== "")));

/** The environment the harness was started with, passed on to every process it starts (the apps validate theirs in their own env modules). */
export const inheritedEnv: NodeJS.ProcessEnv = process.env;
