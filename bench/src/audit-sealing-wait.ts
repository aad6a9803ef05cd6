import { measureSealingLag } from "@leash/core";
import { createDb } from "@leash/db";

import { wallClock } from "./load.ts";

/**
 * Waits until the worker's audit sealer has linked every event into its tenant's hash chain, and
 * says how long that took (seconds). A live system seals its events as they come, about twice a
 * second; a bulk fill inserts hundreds of thousands at once, and sealing them would otherwise run
 * beside the next measured section and be counted against it. Only where a worker runs: a section
 * run alone (`--only`) starts the API alone, and its events stay unsealed. It asks as the worker's
 * metrics do (`measureSealingLag`, one row through the unsealed-events index): an `EXISTS` would
 * scan the whole table while the fill's statistics still count every event unsealed.
 */
export async function waitForSealedEvents(databaseUrl: string, timeoutMs = 600_000): Promise<number> {
  const db = createDb({ connectionString: databaseUrl, maxConnections: 1 });
  const started = wallClock();
  try {
    for (;;) {
      if ((await measureSealingLag({ db, now: new Date() })) === null) return (wallClock() - started) / 1000;
      if (wallClock() - started > timeoutMs) throw new Error(`the worker had not sealed the audit events ${timeoutMs / 1000} s after the fill`);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  } finally {
    await db.$disconnect();
  }
}
