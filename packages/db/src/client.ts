import { PrismaPg } from "@prisma/adapter-pg";

import { PrismaClient } from "./generated/prisma/client.ts";
import { createSqlPool, registerSqlPool, statementName } from "./sql.ts";

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

/**
 * Builds a Prisma client on the `pg` driver adapter (no native query engine involved). Behind a
 * transaction-mode pooler every statement is unnamed: a name prepared on one server connection is
 * unknown on the next one the pooler hands out ("prepared statement ... does not exist"), and a second
 * client preparing it on the same one fails ("... already exists").
 */
export function createDb({ connectionString, maxConnections = 10, pooler = "none" }: CreateDbOptions): Db {
  const named = pooler === "none";
  // One pool for Prisma and for the hot paths' SQL (sql.ts); closed with the client ($disconnect).
  const sqlPool = createSqlPool({ connectionString, max: maxConnections }, { named });
  const adapter = new PrismaPg(sqlPool.pool, {
    ...(named ? { statementNameGenerator: ({ sql, args }: { sql: string; args: unknown[] }) => statementName(sql, args.length) } : {}),
    disposeExternalPool: true,
  });
  const db = new PrismaClient({ adapter });
  registerSqlPool(db, sqlPool);
  return db;
}
