import { spawn, type ChildProcess } from "node:child_process";
import { chmod, mkdtemp, rm, writeFile } from "node:fs/promises";
import { createConnection, createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

const PGBOUNCER = process.env.TEST_PGBOUNCER_BIN ?? "/usr/sbin/pgbouncer";

export interface PgBouncer {
  port: number;
  /** The URL of `database` through the pooler. */
  url(database: string): string;
  /** Stops it (SIGTERM, its fast exit) and deletes its configuration. */
  stop(): Promise<void>;
}

export interface PgBouncerOptions {
  /** The PostgreSQL it pools, as a URL whose host, port and user are used (trust auth, like the test servers). */
  serverUrl: string;
  /** Server connections per database and user: few, so that clients really share them. */
  poolSize?: number;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => (typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port"))));
    });
  });
}

function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: "127.0.0.1", port }, () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });
}

/**
 * A PgBouncer of the test's own (Debian's package, 1.18 here) in transaction mode, on a free port,
 * with its configuration in a temporary directory: every database of `serverUrl`'s server is reachable
 * through it under its own name. It refuses to run as root, so as root it switches to `postgres`.
 */
export async function startPgBouncer({ serverUrl, poolSize = 4 }: PgBouncerOptions): Promise<PgBouncer> {
  const server = new URL(serverUrl);
  const user = decodeURIComponent(server.username) || "postgres";
  const dir = await mkdtemp(join(tmpdir(), "leash-pgbouncer-"));
  // Read by the `postgres` user it switches to.
  await chmod(dir, 0o755);
  const port = await freePort();
  const config = join(dir, "pgbouncer.ini");
  await writeFile(join(dir, "users.txt"), `"${user}" ""\n`, { mode: 0o644 });
  await writeFile(
    config,
    [
      "[databases]",
      `* = host=${server.hostname} port=${server.port || "5432"}`,
      "[pgbouncer]",
      "listen_addr = 127.0.0.1",
      `listen_port = ${port}`,
      "unix_socket_dir =",
      "auth_type = trust",
      `auth_file = ${join(dir, "users.txt")}`,
      "pool_mode = transaction",
      `default_pool_size = ${poolSize}`,
      "max_client_conn = 1000",
      // Clients' statements wait for a free server connection rather than failing: the pool is small on purpose.
      "query_wait_timeout = 120",
      "",
    ].join("\n"),
    { mode: 0o644 },
  );
  const asRoot = process.getuid?.() === 0;
  const child: ChildProcess = spawn(PGBOUNCER, [...(asRoot ? ["-u", "postgres"] : []), config], { stdio: ["ignore", "ignore", "pipe"] });
  let output = "";
  child.stderr?.on("data", (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-4000);
  });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const deadline = Date.now() + 10_000;
  while (!(await listening(port))) {
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill("SIGKILL");
      await rm(dir, { recursive: true, force: true });
      throw new Error(`PgBouncer did not start on port ${port}: ${output.trim() || "no output"}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  return {
    port,
    url: (database) => `postgresql://${encodeURIComponent(user)}@127.0.0.1:${port}/${database}`,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill("SIGTERM");
        await exited;
      }
      await rm(dir, { recursive: true, force: true });
    },
  };
}
