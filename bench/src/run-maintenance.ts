import type pg from "pg";

/**
 * The database's upkeep before each measured run, outside its time. First what PostgreSQL's
 * autovacuum daemon would have done by now, done by the harness when the server runs without it
 * (`autovacuum = off`, as on the machines this repository is built on): `VACUUM (ANALYZE)` of the
 * benchmark's database. Without it the tables of a database created minutes earlier are never
 * analysed: the planner takes a table of thousands of rows for an empty one (a walk of a tenant's
 * whole index per executed action was seen), and dead index entries pile up, which no production
 * server with autovacuum would show. The report says so from the server's settings
 * (`describeMachine`). Then a `CHECKPOINT`, with or without autovacuum.
 */
export function createRunMaintenance(pool: pg.Pool): () => Promise<void> {
  let autovacuumOff: Promise<boolean> | null = null;
  return async () => {
    autovacuumOff ??= pool.query<{ autovacuum: string }>("SHOW autovacuum").then(({ rows }) => rows[0]?.autovacuum === "off");
    if (await autovacuumOff) await pool.query("VACUUM (ANALYZE)");
    // Then the pages a bulk fill (and the vacuum) dirtied are written now rather than by a checkpoint
    // during the measured run, as pgbench checkpoints before each of its runs.
    await pool.query("CHECKPOINT");
  };
}
