import { AsyncLocalStorage } from "node:async_hooks";
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

/** What `createDb` keeps for each client: its pool and its statements. */
export interface SqlPool {
  pool: pg.Pool;
  /** Whether statements may be prepared by name (not behind a transaction-mode pooler). */
  named: boolean;
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
  let name = names.get(text);
  if (name === undefined) {
    if (names.size >= MAX_NAMES_KEPT) names.clear();
    name = `leash_${createHash("sha1").update(text).digest("base64url")}`;
    names.set(text, name);
  }
  return name;
}

// A statement's name is a hash of its text, computed once per text rather than on every call (a
// few per action); the texts are the shapes of our queries, so the bound is only a safety net.
const MAX_NAMES_KEPT = 2000;
const names = new Map<string, string>();

/** The connections a pool handed out, by promise, while `transactionWithSql` was opening a transaction. */
interface Opening {
  connections: pg.PoolClient[];
}

const opening = new AsyncLocalStorage<Opening>();

/**
 * A pool that tells `transactionWithSql` which connection Prisma's adapter took for its transaction:
 * the adapter opens a transaction with `pool.connect()` (a promise), called in the async context of
 * the `$transaction` call, while the pool's own `query` connects with a callback. Knowing it costs
 * nothing, where asking the server (`SELECT pg_backend_pid()`) cost a round trip per transaction.
 */
class TransactionAwarePool extends pg.Pool {
  override connect(): Promise<pg.PoolClient>;
  override connect(callback: (err: Error | undefined, client: pg.PoolClient | undefined, done: (release?: unknown) => void) => void): void;
  override connect(
    callback?: (err: Error | undefined, client: pg.PoolClient | undefined, done: (release?: unknown) => void) => void,
  ): Promise<pg.PoolClient> | void {
    if (callback) {
      super.connect(callback);
      return;
    }
    const connecting = super.connect();
    const slot = opening.getStore();
    if (!slot) return connecting;
    return connecting.then((client) => {
      slot.connections.push(client);
      return client;
    });
  }
}

/** The pool for a new client, as the adapter would make it. */
export function createSqlPool(config: pg.PoolConfig, { named }: { named: boolean }): SqlPool {
  const pool = new TransactionAwarePool(config);
  return { pool, named, sql: sqlOn(pool, named) };
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
 * The connection is the one the pool handed Prisma's adapter while it opened the transaction
 * (`TransactionAwarePool`). Should that ever be unclear (none, or several, were handed out in the
 * opening's context), the statements go through Prisma's `$queryRaw` on the transaction instead:
 * slower, never on another connection.
 */
export async function transactionWithSql<T>(
  db: { $transaction<R>(run: (tx: DbTransaction) => Promise<R>, options?: { maxWait?: number; timeout?: number }): Promise<R> },
  run: (tx: DbTransaction, sql: Sql) => Promise<T>,
  options?: { maxWait?: number; timeout?: number },
): Promise<T> {
  const { named } = poolOf(db);
  const slot: Opening = { connections: [] };
  return opening.run(slot, () =>
    db.$transaction(async (tx) => {
      const [client] = slot.connections;
      if (!client || slot.connections.length > 1) return run(tx, sqlFor(tx));
      const sql = sqlOn(client, named);
      transactions.set(tx, sql);
      try {
        return await run(tx, sql);
      } finally {
        transactions.delete(tx);
      }
    }, options),
  );
}
