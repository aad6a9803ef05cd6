import type pg from "pg";

import { wallClock } from "./load.ts";

/**
 * Waits until the worker's audit sealer has linked every event into its tenant's hash chain, and
 * says how long that took (seconds). A live system seals its events as they come, about twice a
 * second; a bulk fill inserts hundreds of thousands at once, and sealing them would otherwise run
 * beside the next measured section and be counted against it. Only where a worker runs: a section
 * run alone (`--only`) starts the API alone, and its events stay unsealed.
 */
export async function waitForSealedEvents(pool: pg.Pool, timeoutMs = 600_000): Promise<number> {
  const started = wallClock();
  for (;;) {
    const { rows } = await pool.query<{ any: boolean }>("SELECT EXISTS (SELECT 1 FROM action_event WHERE chain_seq IS NULL) AS any");
    if (!rows[0]?.any) return (wallClock() - started) / 1000;
    if (wallClock() - started > timeoutMs) throw new Error(`the worker had not sealed the audit events ${timeoutMs / 1000} s after the fill`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}
