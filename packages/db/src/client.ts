import { createHash } from "node:crypto";

import { PrismaPg } from "@prisma/adapter-pg";

import { PrismaClient } from "./generated/prisma/client.ts";

export interface CreateDbOptions {
  connectionString: string;
  /** Pool size of the underlying `pg` pool. */
  maxConnections?: number;
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

/** Builds a Prisma client on the `pg` driver adapter (no native query engine involved). */
export function createDb({ connectionString, maxConnections = 10 }: CreateDbOptions): Db {
  const adapter = new PrismaPg({ connectionString, max: maxConnections }, { statementNameGenerator: statementName });
  return new PrismaClient({ adapter });
}
