import { createHash, randomBytes } from "node:crypto";
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";

import pg from "pg";

import { createDb, type Db } from "../client.ts";
import { defaultMigrationsDir, migrate } from "../migrate.ts";

const serverUrl = process.env.TEST_DATABASE_SERVER_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres";
const TEMPLATE_LOCK_ID = 72707370;

export interface TestDatabase {
  url: string;
  name: string;
  db: Db;
  /** Disconnects and drops the database. */
  drop: () => Promise<void>;
}

function urlFor(database: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${database}`;
  return url.toString();
}

async function withServer<T>(run: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    return await run(client);
  } finally {
    await client.end();
  }
}

/** Name of a template database migrated to the current migrations; changes when a migration changes. */
async function templateName(): Promise<string> {
  const hash = createHash("sha256");
  const names = (await readdir(defaultMigrationsDir, { withFileTypes: true }))
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort();
  for (const name of names) {
    hash.update(name).update(await readFile(join(defaultMigrationsDir, name, "migration.sql")));
  }
  return `leash_test_tpl_${hash.digest("hex").slice(0, 12)}`;
}

async function ensureTemplate(): Promise<string> {
  const name = await templateName();
  await withServer(async (client) => {
    await client.query("SELECT pg_advisory_lock($1)", [TEMPLATE_LOCK_ID]);
    try {
      const { rowCount } = await client.query("SELECT 1 FROM pg_database WHERE datname = $1", [name]);
      if (rowCount === 0) {
        await client.query(`CREATE DATABASE "${name}"`);
        try {
          await migrate({ connectionString: urlFor(name) });
        } catch (error) {
          await client.query(`DROP DATABASE IF EXISTS "${name}"`);
          throw error;
        }
      }
    } finally {
      await client.query("SELECT pg_advisory_unlock($1)", [TEMPLATE_LOCK_ID]);
    }
  });
  return name;
}

/**
 * A fresh, migrated database of its own for one test file: cloned from a template that is migrated
 * once per migration set, so each file starts from an empty schema in about a tenth of a second.
 */
export async function createTestDatabase(options: { maxConnections?: number } = {}): Promise<TestDatabase> {
  const template = await ensureTemplate();
  const name = `leash_test_${randomBytes(6).toString("hex")}`;
  await withServer((client) => client.query(`CREATE DATABASE "${name}" TEMPLATE "${template}"`));
  const url = urlFor(name);
  const db = createDb({ connectionString: url, maxConnections: options.maxConnections ?? 10 });
  return {
    url,
    name,
    db,
    drop: async () => {
      await db.$disconnect();
      await withServer((client) => client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`));
    },
  };
}

/** An empty database with nothing in it, for testing the migration runner itself. */
export async function createEmptyDatabase(): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `leash_test_empty_${randomBytes(6).toString("hex")}`;
  await withServer((client) => client.query(`CREATE DATABASE "${name}"`));
  return {
    url: urlFor(name),
    drop: () => withServer((client) => client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`)).then(() => undefined),
  };
}
