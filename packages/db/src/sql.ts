import { createHash } from "node:crypto";

import pg from "pg";

import type { Prisma } from "./generated/prisma/client.ts";
import type { DbTransaction } from "./transaction.ts";

/**
 * SQL for the hot paths (a proposal's write, an execution's claim and commit), sent straight to
 * the `pg` pool that Prisma's driver adapter uses: Prisma's client runtime costs about half a
 * millisecond and a share of the CPU per statement on top of the driver (measured on these
 * machines), and these statements run several times per action. Statements are `Prisma.sql`
 * templates, so values are always bound, never spliced into the text. Rows come back as `pg`
 * parses them: timestamps as Dates, json as values, int4 as numbers, but int8 and numeric as
 * strings (cast in the statement where a number is wanted).
 */
export interface Sql {
  query<Row>(statement: Prisma.Sql): Promise<Row[]>;
  /** The number of rows the statement changed. */
  execute(statement: Prisma.Sql): Promise<number>;
}

interface Runner {
  query(config: pg.QueryConfig): Promise<pg.QueryResult>;
}

/** What `createDb` keeps for each client: its pool, the pool's connections by server process, and its statements. */
export interface SqlPool {
  pool: pg.Pool;
  /** Whether statements may be prepared by name (not behind a transaction-mode pooler). */
  named: boolean;
  byProcess: Map<number, pg.PoolClient>;
  sql: Sql;
}

const pools = new WeakMap<object, SqlPool>();
const transactions = new WeakMap<DbTransaction, Sql>();

// Statements with more parameters than this (long IN lists, multi-row inserts) stay unnamed, so the
// number of statements each connection keeps prepared stays bounded by the shapes of our queries.
const MAX_PARAMETERS_OF_PREPARED = 32;

/**
 * Names each statement after its text, so every connection parses and plans it once and then only
 * binds and executes it: without names, Postgres parses and plans every statement on every call,
 * which was most of its CPU time per action in the benchmark. Prisma's statements and these get
 * their names here alike; pg treats the empty name as "unnamed".
 */
export function statementName(text: string, parameterCount: number): string {
  if (parameterCount > MAX_PARAMETERS_OF_PREPARED) return "";
  return `leash_${createHash("sha1").update(text).digest("base64url")}`;
}

/**
 * The pool for a new client, as the adapter would make it, knowing each of its connections by its
 * server process id: `transactionWithSql` asks the transaction which one it is on.
 */
export function createSqlPool(config: pg.PoolConfig, { named }: { named: boolean }): SqlPool {
  const pool = new pg.Pool(config);
  const byProcess = new Map<number, pg.PoolClient>();
  pool.on("connect", (client) => {
    const id = processIdOf(client);
    if (id !== null) byProcess.set(id, client);
  });
  pool.on("remove", (client) => {
    const id = processIdOf(client);
    if (id !== null && byProcess.get(id) === client) byProcess.delete(id);
  });
  return { pool, named, byProcess, sql: sqlOn(pool, named) };
}

/** The server process a connection talks to, as the server told it at the start (pg keeps it to cancel queries). */
function processIdOf(client: pg.PoolClient): number | null {
  const id: unknown = (client as { processID?: unknown }).processID;
  return typeof id === "number" ? id : null;
}

/** Registers the pool behind a client, for `sqlFor` and `transactionWithSql`. */
export function registerSqlPool(db: object, sqlPool: SqlPool): void {
  pools.set(db, sqlPool);
}

function poolOf(db: object): SqlPool {
  const found = pools.get(db);
  if (!found) throw new Error("this client was not made by createDb, so its pool is unknown");
  return found;
}

function sqlOn(runner: Runner, named: boolean): Sql {
  const run = (statement: Prisma.Sql) =>
    runner.query({
      text: statement.text,
      values: statement.values,
      ...(named ? { name: statementName(statement.text, statement.values.length) } : {}),
    });
  return {
    async query<Row>(statement: Prisma.Sql) {
      return (await run(statement)).rows as Row[];
    },
    async execute(statement) {
      return (await run(statement)).rowCount ?? 0;
    },
  };
}

/**
 * The statements of a client made by `createDb` (each on whichever connection of its pool is free),
 * or of a transaction: on its own connection when `transactionWithSql` opened it; through Prisma's
 * `$queryRaw` (on that transaction's connection too) when `db.$transaction` did.
 */
export function sqlFor(client: { $queryRaw: DbTransaction["$queryRaw"]; $executeRaw: DbTransaction["$executeRaw"] }): Sql {
  const ofTransaction = transactions.get(client as DbTransaction);
  if (ofTransaction) return ofTransaction;
  const ofPool = pools.get(client);
  if (ofPool) return ofPool.sql;
  return {
    query: <Row>(statement: Prisma.Sql) => client.$queryRaw<Row[]>(statement),
    execute: (statement) => client.$executeRaw(statement),
  };
}

/**
 * `db.$transaction(run, options)`, with the transaction's statements also reachable as SQL on its
 * own connection (`sqlFor(tx)`, or the second argument of `run`): what Prisma's model API and the
 * handlers of action types write, and what these statements write, commit or roll back together.
 * Its first statement (through Prisma) asks the server which process serves the transaction, which
 * names the pool's connection; where that cannot name one (behind a pooler such as PgBouncer, whose
 * connections are not the server's), the statements go through Prisma's `$queryRaw` instead.
 */
export async function transactionWithSql<T>(
  db: { $transaction<R>(run: (tx: DbTransaction) => Promise<R>, options?: { maxWait?: number; timeout?: number }): Promise<R> },
  run: (tx: DbTransaction, sql: Sql) => Promise<T>,
  options?: { maxWait?: number; timeout?: number },
): Promise<T> {
  const { byProcess, named } = poolOf(db);
  return db.$transaction(async (tx) => {
    const [server] = await tx.$queryRaw<{ pid: number }[]>`SELECT pg_backend_pid() AS pid`;
    const client = server ? byProcess.get(server.pid) : undefined;
    if (!client) return run(tx, sqlFor(tx));
    const sql = sqlOn(client, named);
    transactions.set(tx, sql);
    try {
      return await run(tx, sql);
    } finally {
      transactions.delete(tx);
    }
  }, options);
}
