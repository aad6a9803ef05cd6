import type { Db } from "../client.ts";

/**
 * A digest of every row of every table of the database (but the migration history): equal before
 * and after a request exactly when the request wrote nothing. One round trip, for tests that check
 * that refused input changed nothing. The audit sealer's columns are left out: the worker fills
 * them in the background for events written earlier. So are worker leases, which running workers
 * take and renew on their own. So is an API key's `last_used_at`: a key presented with a request
 * that is then refused was still used, and the console shows when (written at most once a minute).
 */
export async function databaseFingerprint(db: Db): Promise<string> {
  const tables = await db.$queryRawUnsafe<{ name: string }[]>(
    "SELECT table_name AS name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE' AND table_name NOT IN ('_prisma_migrations', 'worker_lease') ORDER BY table_name",
  );
  const digests = tables.map(({ name }) => `SELECT '${name}' AS name, count(*)::text || ':' || coalesce(md5(string_agg((to_jsonb(t) - 'chain_seq' - 'prev_hash' - 'hash' - 'last_used_at')::text, '|' ORDER BY (to_jsonb(t) - 'chain_seq' - 'prev_hash' - 'hash' - 'last_used_at')::text)), '') AS digest FROM "${name}" t`);
  const rows = await db.$queryRawUnsafe<{ name: string; digest: string }[]>(digests.join(" UNION ALL "));
  return rows.map((row) => `${row.name}=${row.digest}`).sort().join(";");
}
