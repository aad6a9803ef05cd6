import pg from "pg";

import { benchDatabaseUrl } from "../bench-database.ts";

/**
 * PostgreSQL's own counters of the writes it did: rows written in the benchmark's database, and
 * the server's WAL records, bytes and flushes (the WAL counters are the whole server's, so other
 * work on it counts too). Read-only work (the harness's polls among it) changes none of them.
 */
export interface PostgresCounters {
  rowsWritten: number;
  walRecords: number;
  walBytes: number;
  /** Times the WAL was flushed to disk: a commit that waits for its flush costs one, unless it shares it with others (PostgreSQL's own group commit). */
  walFlushes: number;
}

export const noCounters: PostgresCounters = {
  rowsWritten: Number.NaN,
  walRecords: Number.NaN,
  walBytes: Number.NaN,
  walFlushes: Number.NaN,
};

/**
 * A backend reports its counters at most once a second (PostgreSQL 15): two readings taken during a
 * steady load lag by about the same amount, so their difference is the work done between them.
 */
export async function readPostgresCounters(): Promise<PostgresCounters> {
  const client = new pg.Client({ connectionString: benchDatabaseUrl() });
  await client.connect();
  try {
    const { rows } = await client.query<{
      rows_written: string;
      wal_records: string;
      wal_bytes: string;
      wal_sync: string;
    }>(
      `SELECT (SELECT tup_inserted + tup_updated + tup_deleted FROM pg_stat_database WHERE datname = current_database()) AS rows_written,
              wal_records, wal_bytes, wal_sync
       FROM pg_stat_wal`,
    );
    const row = rows[0];
    if (!row) return noCounters;
    return {
      rowsWritten: Number(row.rows_written),
      walRecords: Number(row.wal_records),
      walBytes: Number(row.wal_bytes),
      walFlushes: Number(row.wal_sync),
    };
  } finally {
    await client.end();
  }
}

/** Counters between two readings per action. */
export function countersPer(
  before: PostgresCounters,
  after: PostgresCounters,
  actions: number,
): PostgresCounters {
  const per = (key: keyof PostgresCounters) =>
    actions > 0 ? (after[key] - before[key]) / actions : Number.NaN;
  return {
    rowsWritten: per("rowsWritten"),
    walRecords: per("walRecords"),
    walBytes: per("walBytes"),
    walFlushes: per("walFlushes"),
  };
}
