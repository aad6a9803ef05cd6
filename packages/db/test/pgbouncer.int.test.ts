import { readdir } from "node:fs/promises";

import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { createDb } from "../src/client.ts";
import { Prisma } from "../src/generated/prisma/client.ts";
import { defaultMigrationsDir, migrate } from "../src/migrate.ts";
import { sqlFor, transactionWithSql } from "../src/sql.ts";
import { createEmptyDatabase, startPgBouncer, type PgBouncer } from "../src/testing/index.ts";

// Debian's PgBouncer (1.18: before its own prepared-statement support) in transaction mode, in front of
// the machine's PostgreSQL, with databases of this file's own.
let database: Awaited<ReturnType<typeof createEmptyDatabase>>;
let bouncer: PgBouncer;
let databaseName: string;

beforeAll(async () => {
  database = await createEmptyDatabase();
  databaseName = new URL(database.url).pathname.slice(1);
  // One server connection: every client's statements land on the same one, so a clash is certain, not likely.
  bouncer = await startPgBouncer({ serverUrl: database.url, poolSize: 1 });
});

afterAll(async () => {
  await bouncer.stop();
  await database.drop();
});

/** Advisory locks held in this file's database right now, read directly (not through the pooler). */
async function advisoryLocksHeld(): Promise<number> {
  const client = new pg.Client({ connectionString: database.url });
  await client.connect();
  try {
    const { rows } = await client.query<{ held: number }>(
      `SELECT count(*)::int AS held FROM pg_locks l JOIN pg_database d ON d.oid = l.database
       WHERE l.locktype = 'advisory' AND l.granted AND d.datname = $1`,
      [databaseName],
    );
    return rows[0]?.held ?? 0;
  } finally {
    await client.end();
  }
}

describe("behind PgBouncer in transaction mode", () => {
  it("named prepared statements fail (the default), and DATABASE_POOLER=transaction's unnamed ones pass", async () => {
    const query = (db: ReturnType<typeof createDb>) => db.$queryRaw<{ sum: number }[]>`SELECT ${20}::int + 1 AS sum`;
    const [first, second] = [0, 1].map(() => createDb({ connectionString: bouncer.url(databaseName), maxConnections: 1 })) as [
      ReturnType<typeof createDb>,
      ReturnType<typeof createDb>,
    ];
    try {
      // The first client prepares the statement by its name on the one server connection; the second,
      // which has not prepared it on its own connection to the pooler, prepares it again there.
      expect(await query(first)).toEqual([{ sum: 21 }]);
      await expect(query(second)).rejects.toThrow(/prepared statement "leash_[^"]+" already exists/);
    } finally {
      await Promise.all([first.$disconnect(), second.$disconnect()]);
    }

    const unnamed = [0, 1, 2, 3].map(() => createDb({ connectionString: bouncer.url(databaseName), maxConnections: 2, pooler: "transaction" }));
    try {
      const sums = await Promise.all(unnamed.flatMap((db) => Array.from({ length: 25 }, () => query(db))));
      expect(sums.every((rows) => rows[0]?.sum === 21)).toBe(true);
    } finally {
      await Promise.all(unnamed.map((db) => db.$disconnect()));
    }
  });

  it("a session-level advisory lock outlives the client that took it, held by a pooled server connection", async () => {
    const client = new pg.Client({ connectionString: bouncer.url(databaseName) });
    await client.connect();
    await client.query("SELECT pg_advisory_lock(4242)");
    await client.end();
    // Why the migration runner's lock is transaction-level: this one is still held by nobody who can let it go.
    expect(await advisoryLocksHeld()).toBe(1);
    const unlocker = new pg.Client({ connectionString: bouncer.url(databaseName) });
    await unlocker.connect();
    // The pooler's one server connection holds it, so this unlock reaches the holder and frees it (for the next test).
    await unlocker.query("SELECT pg_advisory_unlock(4242)");
    await unlocker.end();
    expect(await advisoryLocksHeld()).toBe(0);
  });

  it("migrates through the pooler: two runners at once apply every migration once and leave no lock behind", async () => {
    const wider = await startPgBouncer({ serverUrl: database.url, poolSize: 3 });
    try {
      const runs = await Promise.all([0, 1].map(() => migrate({ connectionString: wider.url(databaseName) })));
      const migrations = (await readdir(defaultMigrationsDir, { withFileTypes: true })).filter((entry) => entry.isDirectory()).map((entry) => entry.name).sort();
      expect([...runs[0]!.applied, ...runs[1]!.applied].sort()).toEqual(migrations);
      expect(runs.every((run) => run.applied.length + run.alreadyApplied.length === migrations.length)).toBe(true);

      const again = await migrate({ connectionString: wider.url(databaseName) });
      expect(again).toEqual({ applied: [], alreadyApplied: migrations });
      const db = createDb({ connectionString: wider.url(databaseName), maxConnections: 2, pooler: "transaction" });
      try {
        const recorded = await db.$queryRaw<{ name: string }[]>`SELECT migration_name AS name FROM "_prisma_migrations" WHERE finished_at IS NOT NULL ORDER BY 1`;
        expect(recorded.map((row) => row.name)).toEqual(migrations);
        expect(await db.tenant.count()).toBe(0);
        // The pooler's connections are not the server's, so a transaction's SQL goes through Prisma: still inside it.
        const slug = `pooled-${Date.now()}`;
        await expect(
          transactionWithSql(db, async (tx, sql) => {
            await sql.execute(Prisma.sql`INSERT INTO tenant (id, slug, name) VALUES (gen_random_uuid(), ${slug}, 'Pooled')`);
            expect(await tx.tenant.count({ where: { slug } })).toBe(1);
            throw new Error("rolled back");
          }),
        ).rejects.toThrow("rolled back");
        expect(await db.tenant.count({ where: { slug } })).toBe(0);
        expect(await sqlFor(db).query(Prisma.sql`SELECT ${slug}::text AS slug`)).toEqual([{ slug }]);
      } finally {
        await db.$disconnect();
      }
      expect(await advisoryLocksHeld()).toBe(0);
    } finally {
      await wider.stop();
    }
  });
});
