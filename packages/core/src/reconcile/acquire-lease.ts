import { randomUUID } from "node:crypto";

import type { Db, DbTransaction } from "@leash/db";

export interface Lease {
  /**
   * Runs one step of the holder's work in its own transaction, which first renews the lease and
   * keeps its row locked until it commits, so no other process takes the lease over while a step
   * runs. Resolves to null, having done nothing, once the lease is no longer this holder's (it was
   * left to expire, by a stall longer than `ttlMs`, and another process took it).
   */
  step<T extends object>(work: (tx: DbTransaction) => Promise<T>): Promise<T | null>;
  /** Lets the lease go at once, if it is still this holder's. */
  release(): Promise<void>;
}

export interface LeaseOptions {
  /** What the lease guards; every process that does that work asks for the same name. */
  name: string;
  /** How long the lease lasts after each step begins: how long a crashed holder keeps others out. */
  ttlMs: number;
  /** A step's transaction is rolled back past this; keep it below `ttlMs`. */
  stepTimeoutMs: number;
}

/**
 * Takes the named lease (a row of worker_lease) if nobody holds it or its holder let it expire;
 * null when another process holds it. Expiry is reckoned by Postgres' clock, the one clock every
 * process shares. Unlike an advisory lock, the lease needs no connection or transaction kept open
 * between steps, so work done step by step in short transactions still runs one holder at a time.
 */
export async function acquireLease(db: Db, { name, ttlMs, stepTimeoutMs }: LeaseOptions): Promise<Lease | null> {
  const holder = randomUUID();
  const taken = await db.$queryRaw<{ holder: string }[]>`
    INSERT INTO worker_lease (name, holder, expires_at) VALUES (${name}, ${holder}::uuid, now() + ${ttlMs}::int * interval '1 millisecond')
    ON CONFLICT (name) DO UPDATE SET holder = EXCLUDED.holder, expires_at = EXCLUDED.expires_at
      WHERE worker_lease.expires_at <= now()
    RETURNING holder`;
  if (taken.length === 0) return null;
  return {
    step: (work) =>
      db.$transaction(
        async (tx) => {
          const renewed = await tx.$executeRaw`
            UPDATE worker_lease SET expires_at = now() + ${ttlMs}::int * interval '1 millisecond'
            WHERE name = ${name} AND holder = ${holder}::uuid`;
          return renewed === 0 ? null : work(tx);
        },
        { maxWait: 10_000, timeout: stepTimeoutMs },
      ),
    async release() {
      await db.$executeRaw`DELETE FROM worker_lease WHERE name = ${name} AND holder = ${holder}::uuid`;
    },
  };
}
