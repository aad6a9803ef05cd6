import { migrate } from "../migrate.ts";
import { env } from "./env.ts";

const connectionString = env.DATABASE_URL;

await ensureDatabase(connectionString);
const result = await migrate({ connectionString, log: (message) => console.log(`[migrate] ${message}`) });
console.log(
  `[migrate] ${result.applied.length} applied, ${result.alreadyApplied.length} already up to date`,
);

/** Creates the target database when the server is reachable but the database does not exist yet. */
async function ensureDatabase(url: string): Promise<void> {
  const { default: pg } = await import("pg");
  const target = new URL(url);
  const name = decodeURIComponent(target.pathname.slice(1));
  const admin = new URL(url);
  admin.pathname = "/postgres";
  const client = new pg.Client({ connectionString: admin.toString() });
  await client.connect();
  try {
    const { rowCount } = await client.query("SELECT 1 FROM pg_database WHERE datname = $1", [name]);
    if (rowCount === 0) {
      await client.query(`CREATE DATABASE "${name.replaceAll('"', '""')}"`);
      console.log(`[migrate] created database ${name}`);
    }
  } finally {
    await client.end();
  }
}
