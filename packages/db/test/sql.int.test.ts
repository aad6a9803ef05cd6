import { randomUUID } from "node:crypto";

import pg from "pg";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";

import { createDb, type Db } from "../src/client.ts";
import { Prisma } from "../src/generated/prisma/client.ts";
import { sqlFor, transactionWithSql } from "../src/sql.ts";
import { createTestDatabase, type TestDatabase } from "../src/testing/index.ts";

let database: TestDatabase;
let db: Db;
let tenantId: string;

beforeAll(async () => {
  database = await createTestDatabase();
  db = database.db;
  tenantId = randomUUID();
  await db.tenant.create({ data: { id: tenantId, slug: `sql-${tenantId.slice(0, 8)}`, name: "SQL" } });
});

afterAll(async () => {
  await database.drop();
});

const backend = Prisma.sql`SELECT pg_backend_pid() AS pid, txid_current()::text AS xid`;

/**
 * `count` transactions opened at once and held open together (so none can be handed another's
 * connection), each checking that its SQL runs on its own connection, in Prisma's transaction, and
 * not through Prisma's `$queryRaw` (what it falls back to when unsure). Answers their server processes.
 */
function transactionsAtOnce(client: Db, count: number): Promise<(number | undefined)[]> {
  return Promise.all(
    Array.from({ length: count }, () =>
      transactionWithSql(client, async (tx, sql) => {
        expect(sqlFor(tx)).toBe(sql);
        const [own] = await sql.query<{ pid: number; xid: string }>(backend);
        await sql.query(Prisma.sql`SELECT pg_sleep(0.05)`);
        const [prismaSide] = await tx.$queryRaw<{ pid: number; xid: string }[]>(backend);
        expect(prismaSide).toEqual(own);
        return own?.pid;
      }),
    ),
  );
}

describe("SQL on the pool Prisma's adapter uses", () => {
  it("answers rows as pg parses them, with values bound, not spliced", async () => {
    const hostile = "'); DROP TABLE item; --";
    const [row] = await sqlFor(db).query<{ text: string; at: Date; data: unknown; n: number; ids: number[] }>(
      Prisma.sql`SELECT ${hostile}::text AS text, ${new Date("2026-01-02T03:04:05.678Z")}::timestamptz AS at,
        ${JSON.stringify({ a: [1, null] })}::jsonb AS data, ${41}::int + 1 AS n, ${[3, 1, 2]}::int[] AS ids`,
    );
    expect(row).toEqual({ text: hostile, at: new Date("2026-01-02T03:04:05.678Z"), data: { a: [1, null] }, n: 42, ids: [3, 1, 2] });
    expect(await db.item.count()).toBeGreaterThanOrEqual(0);
  });

  it("a row read with SQL is the row the model API reads", async () => {
    const item = await db.item.create({ data: { tenantId, kind: "project", title: "Compared", data: { status: "active" } } });
    const [row] = await sqlFor(db).query<Record<string, unknown>>(
      Prisma.sql`SELECT id, tenant_id AS "tenantId", kind::text AS kind, title, data, version, created_at AS "createdAt", updated_at AS "updatedAt", deleted_at AS "deletedAt" FROM item WHERE id = ${item.id}`,
    );
    expect(row).toEqual(item);
  });
});

describe("transactionWithSql", () => {
  it("runs SQL on the transaction's own connection: Prisma's writes and the SQL's commit together", async () => {
    const titles = await transactionWithSql(db, async (tx, sql) => {
      const [prismaSide] = await tx.$queryRaw<{ pid: number; xid: string }[]>(backend);
      const [sqlSide] = await sql.query<{ pid: number; xid: string }>(backend);
      expect(sqlSide).toEqual(prismaSide);
      expect(sqlFor(tx)).toBe(sql);
      const item = await tx.item.create({ data: { tenantId, kind: "idea", title: "Written by Prisma" } });
      expect(await sql.execute(Prisma.sql`UPDATE item SET title = ${"Renamed by SQL"} WHERE id = ${item.id}`)).toBe(1);
      return (await tx.item.findUniqueOrThrow({ where: { id: item.id } })).title;
    });
    expect(titles).toBe("Renamed by SQL");
    expect(await db.item.count({ where: { tenantId, title: "Renamed by SQL" } })).toBe(1);
  });

  it("a throw rolls back what the SQL wrote with the rest", async () => {
    const title = `Never committed ${randomUUID()}`;
    await expect(
      transactionWithSql(db, async (tx, sql) => {
        await sql.execute(Prisma.sql`INSERT INTO item (tenant_id, kind, title, data, updated_at) VALUES (${tenantId}::uuid, 'idea', ${title}, '{}'::jsonb, now())`);
        await tx.item.create({ data: { tenantId, kind: "idea", title } });
        throw new Error("changed my mind");
      }),
    ).rejects.toThrow("changed my mind");
    expect(await db.item.count({ where: { title } })).toBe(0);
  });

  it("concurrent transactions each get their own connection", async () => {
    const pids = await transactionsAtOnce(db, 3);
    expect(new Set(pids).size).toBe(3);
  });

  it("asks the server nothing to find its connection: a transaction costs BEGIN and COMMIT, also when it waited for one", async () => {
    // Two connections and four transactions: two of them wait for a connection another one releases.
    const small = createDb({ connectionString: database.url, maxConnections: 2 });
    const sent = vi.spyOn(pg.Client.prototype, "query");
    try {
      const pids = await transactionsAtOnce(small, 4);
      expect(new Set(pids).size).toBe(2);
      const texts = sent.mock.calls.map(([config]) => (typeof config === "string" ? config : (config as { text: string }).text));
      expect(texts.filter((text) => text.includes("pg_backend_pid()"))).toHaveLength(8);
      expect(texts.filter((text) => text === "BEGIN")).toHaveLength(4);
      expect(texts.filter((text) => text === "COMMIT")).toHaveLength(4);
    } finally {
      sent.mockRestore();
      await small.$disconnect();
    }
  });

  it("a transaction opened with $transaction answers its SQL through Prisma, on its own connection", async () => {
    await db.$transaction(async (tx) => {
      const [prismaSide] = await tx.$queryRaw<{ pid: number; xid: string }[]>(backend);
      const [viaSqlFor] = await sqlFor(tx).query<{ pid: number; xid: string }>(backend);
      expect(viaSqlFor).toEqual(prismaSide);
    });
  });

  it("a client createDb did not make is refused with a clear error", async () => {
    const wrapped = { $transaction: <R>(run: (tx: Prisma.TransactionClient) => Promise<R>) => db.$transaction(run) };
    await expect(transactionWithSql(wrapped, () => Promise.resolve(1))).rejects.toThrow("not made by createDb");
  });
});
