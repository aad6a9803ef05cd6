import type { Db } from "@leash/db";

/**
 * How far the audit sealer is behind, in seconds: the age of the oldest event not yet linked into
 * its tenant's chain, or null when every event is. Reads one row through the unsealed-events index.
 */
export async function measureSealingLag(deps: { db: Db; now: Date }): Promise<number | null> {
  const [oldest] = await deps.db.$queryRaw<{ createdAt: Date }[]>`
    SELECT created_at AS "createdAt" FROM action_event WHERE chain_seq IS NULL ORDER BY id LIMIT 1`;
  return oldest ? Math.max(0, (deps.now.getTime() - oldest.createdAt.getTime()) / 1000) : null;
}
