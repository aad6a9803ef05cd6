import { createHash, randomUUID } from "node:crypto";
import { readdir, readFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

import pg from "pg";

export const defaultMigrationsDir = join(dirname(fileURLToPath(import.meta.url)), "..", "prisma", "migrations");

// Any constant works; it only has to be the same for every process migrating this database.
const MIGRATION_LOCK_ID = 72707369;

export interface MigrateOptions {
  connectionString: string;
  migrationsDir?: string;
  log?: (message: string) => void;
}

export interface MigrateResult {
  applied: string[];
  alreadyApplied: string[];
}

interface AppliedRow {
  migration_name: string;
  checksum: string;
  finished_at: Date | null;
  rolled_back_at: Date | null;
}

/**
 * Applies pending migrations from Prisma's folder layout and records them in `_prisma_migrations`
 * exactly as `prisma migrate deploy` does, so Prisma's CLI sees the same history. Each migration
 * runs in its own transaction, which first takes a transaction-level advisory lock and reads again
 * whether another process applied it meanwhile, so that concurrent starts do not race.
 *
 * The lock is transaction-level, not session-level, so that migrating through a transaction-mode
 * pooler (PgBouncer) is as safe as migrating directly: a session lock would be taken on whichever
 * server connection ran that one statement, stay held there after the pooler handed the connection
 * to someone else, and its unlock would go to another connection; the next migration would then
 * wait forever. Nothing else here keeps state on the session, so no direct URL is needed.
 */
export async function migrate({
  connectionString,
  migrationsDir = defaultMigrationsDir,
  log = () => undefined,
}: MigrateOptions): Promise<MigrateResult> {
  const client = new pg.Client({ connectionString });
  await client.connect();
  try {
    const result: MigrateResult = { applied: [], alreadyApplied: [] };
    // Two processes creating the table at once would collide on its type's name: created under the lock too.
    await inLockedTransaction(client, () =>
      client.query(`CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
      "id" VARCHAR(36) PRIMARY KEY NOT NULL,
      "checksum" VARCHAR(64) NOT NULL,
      "finished_at" TIMESTAMPTZ,
      "migration_name" VARCHAR(255) NOT NULL,
      "logs" TEXT,
      "rolled_back_at" TIMESTAMPTZ,
      "started_at" TIMESTAMPTZ NOT NULL DEFAULT now(),
      "applied_steps_count" INTEGER NOT NULL DEFAULT 0
    )`),
    );
    for (const name of await listMigrations(migrationsDir)) {
      const sql = await readFile(join(migrationsDir, name, "migration.sql"), "utf8");
      const checksum = createHash("sha256").update(sql).digest("hex");
      const applied = await inLockedTransaction(client, async () => {
        const { rows } = await client.query<AppliedRow>(
          `SELECT migration_name, checksum, finished_at, rolled_back_at FROM "_prisma_migrations"
           WHERE migration_name = $1 AND rolled_back_at IS NULL`,
          [name],
        );
        const [previous] = rows;
        if (!previous) {
          await applyMigration(client, name, sql, checksum);
          return true;
        }
        if (previous.finished_at === null) {
          throw new Error(`Migration ${name} started earlier but never finished; resolve it before migrating again.`);
        }
        if (previous.checksum !== checksum) log(`warning: migration ${name} was modified after it was applied`);
        return false;
      });
      if (applied) {
        log(`applied ${name}`);
        result.applied.push(name);
      } else {
        result.alreadyApplied.push(name);
      }
    }
    return result;
  } finally {
    await client.end();
  }
}

/** Runs `work` in a transaction holding the migration lock until it commits or rolls back. */
async function inLockedTransaction<T>(client: pg.Client, work: () => Promise<T>): Promise<T> {
  await client.query("BEGIN");
  try {
    await client.query("SELECT pg_advisory_xact_lock($1)", [MIGRATION_LOCK_ID]);
    const result = await work();
    await client.query("COMMIT");
    return result;
  } catch (error) {
    await client.query("ROLLBACK").catch(() => undefined);
    throw error;
  }
}

async function listMigrations(migrationsDir: string): Promise<string[]> {
  const entries = await readdir(migrationsDir, { withFileTypes: true });
  return entries
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort();
}

/** Applies one migration and records it, inside the caller's transaction. */
async function applyMigration(client: pg.Client, name: string, sql: string, checksum: string): Promise<void> {
  const id = randomUUID();
  try {
    await client.query(
      `INSERT INTO "_prisma_migrations" (id, checksum, migration_name, started_at, applied_steps_count)
       VALUES ($1, $2, $3, now(), 0)`,
      [id, checksum, name],
    );
    await client.query(sql);
    await client.query(
      `UPDATE "_prisma_migrations" SET finished_at = now(), applied_steps_count = 1 WHERE id = $1`,
      [id],
    );
  } catch (error) {
    throw new Error(`Migration ${name} failed: ${error instanceof Error ? error.message : String(error)}`, {
      cause: error,
    });
  }
}
