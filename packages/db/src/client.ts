import { createHash } from "node:crypto";

import { PrismaPg } from "@prisma/adapter-pg";

import { PrismaClient } from "./generated/prisma/client.ts";
import { createSqlPool, registerSqlPool } from "./sql.ts";

/**
 * What stands between the apps and PostgreSQL. `transaction`: a pooler in transaction mode (PgBouncer
 * before 1.21, or without `max_prepared_statements`), which hands each transaction to whichever server
 * connection is free, so nothing may outlive a transaction on a connection, named prepared statements
 * included.
 */
export const databasePoolers = ["none", "transaction"] as const;
export type DatabasePooler = (typeof databasePoolers)[number];

export interface CreateDbOptions {
  connectionString: string;
  /** Pool size of the underlying `pg` pool. */
  maxConnections?: number;
  /** `transaction` turns named prepared statements off (see `databasePoolers`). */
  pooler?: DatabasePooler;
}

export type Db = PrismaClient;

// Statements with more parameters than this (long IN lists, multi-row inserts) stay unnamed, so the
// number of statements each connection keeps prepared stays bounded by the shapes of our queries.
const MAX_PARAMETERS_OF_PREPARED = 32;

/**
 * Names each statement after its text, so every connection parses and plans it once and then only
 * binds and executes it: without names, Postgres parses and plans every Prisma query on every call,
 * which was most of its CPU time per action in the benchmark.
 */
function statementName({ sql, args }: { sql: string; args: unknown[] }): string {
  // pg treats an empty name as "unnamed".
  if (args.length > MAX_PARAMETERS_OF_PREPARED) return "";
  return `leash_${createHash("sha1").update(sql).digest("base64url")}`;
}

/**
 * Builds a Prisma client on the `pg` driver adapter (no native query engine involved). Behind a
 * transaction-mode pooler every statement is unnamed: a name prepared on one server connection is
 * unknown on the next one the pooler hands out ("prepared statement ... does not exist"), and a second
 * client preparing it on the same one fails ("... already exists").
 */
export function createDb({ connectionString, maxConnections = 10, pooler = "none" }: CreateDbOptions): Db {
  const named = pooler === "none" ? { statementNameGenerator: statementName } : {};
  // One pool for Prisma and for the hot paths' SQL (sql.ts); closed with the client ($disconnect).
  const pool = createSqlPool({ connectionString, max: maxConnections });
  const db = new PrismaClient({ adapter: new PrismaPg(pool, { ...named, disposeExternalPool: true }) });
  registerSqlPool(db, pool, { named: pooler === "none" });
  return db;
}
