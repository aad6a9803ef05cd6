import { execFile, spawn, type ChildProcess } from "node:child_process";
import { chown, mkdtemp, rm } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";

import { Redis } from "ioredis";

const run = promisify(execFile);
const PG_BIN = process.env.FAULT_TESTS_PG_BIN ?? "/usr/lib/postgresql/15/bin";

/** A TCP port nobody listens on right now. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => (typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port"))));
    });
  });
}

/**
 * Postgres refuses to run as root; the fault tests run as root here, so its commands run as the
 * `postgres` OS user (and as the current user elsewhere).
 */
async function runAsPostgres(command: string, args: string[]) {
  const asRoot = process.getuid?.() === 0;
  return asRoot ? run("runuser", ["-u", "postgres", "--", command, ...args]) : run(command, args);
}

export interface PrivatePostgres {
  /** Connection URL of one database of this cluster. */
  url(database: string): string;
  /** Stops the server the way a crash does (no checkpoint, open connections cut). */
  crash(): Promise<void>;
  start(): Promise<void>;
  /** Stops the server and deletes the cluster. */
  destroy(): Promise<void>;
}

export interface PrivatePostgresOptions {
  /**
   * Flush the WAL to disk as production does (`fsync=on`, `synchronous_commit=on`). Off, commits
   * skip the disk flush: harmless where the test never crashes Postgres, since the OS keeps every
   * write of a killed process; a scenario that crashes Postgres turns it on, so a commit it relies
   * on is one a real crash would keep.
   */
  durable: boolean;
}

/**
 * A Postgres cluster of the test's own, in a temporary directory on a free port, so a test can
 * crash and restart it without touching the machine's shared server.
 */
export async function startPrivatePostgres({ durable }: PrivatePostgresOptions): Promise<PrivatePostgres> {
  const dir = await mkdtemp(join(tmpdir(), "leash-faults-pg-"));
  if (process.getuid?.() === 0) {
    const { stdout: uid } = await run("id", ["-u", "postgres"]);
    const { stdout: gid } = await run("id", ["-g", "postgres"]);
    await chown(dir, Number(uid.trim()), Number(gid.trim()));
  }
  const data = join(dir, "data");
  const port = await freePort();
  await runAsPostgres(join(PG_BIN, "initdb"), ["-D", data, "-A", "trust", "-U", "postgres", "-E", "UTF8", "--no-sync"]);
  const flush = durable ? "-c fsync=on -c synchronous_commit=on" : "-c fsync=off";
  const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 ${flush} -c max_connections=200`;
  const pgCtl = (args: string[]) => runAsPostgres(join(PG_BIN, "pg_ctl"), ["-D", data, ...args]);
  const start = async () => {
    await pgCtl(["-l", join(dir, "server.log"), "-o", options, "-w", "-t", "60", "start"]);
  };
  await start();
  return {
    url: (database) => `postgresql://postgres@127.0.0.1:${port}/${database}`,
    crash: async () => {
      await pgCtl(["-m", "immediate", "-w", "stop"]);
    },
    start,
    destroy: async () => {
      await pgCtl(["-m", "immediate", "-w", "stop"]).catch(() => undefined);
      await rm(dir, { recursive: true, force: true });
    },
  };
}

export interface PrivateRedis {
  url: string;
  /** Kills the server (SIGKILL) and starts an empty one on the same port, as a restart without persistence does. */
  restart(): Promise<void>;
  /** Empties it entirely (FLUSHALL). */
  flushAll(): Promise<void>;
  destroy(): Promise<void>;
}

/** A Redis server of the test's own on a free port, keeping nothing on disk like the machine's. */
export async function startPrivateRedis(): Promise<PrivateRedis> {
  const port = await freePort();
  const url = `redis://127.0.0.1:${port}`;
  let server: ChildProcess | null = null;
  const start = async () => {
    const child = spawn("redis-server", ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", tmpdir()], {
      stdio: "ignore",
    });
    server = child;
    const probe = new Redis(url, { maxRetriesPerRequest: 0, retryStrategy: () => 50, lazyConnect: true });
    // Refused connections are expected until the server listens.
    probe.on("error", () => undefined);
    try {
      for (let tries = 0; ; tries++) {
        try {
          if (probe.status === "wait") await probe.connect();
          await probe.ping();
          return;
        } catch (error) {
          if (tries > 200) throw error;
          await new Promise((resolve) => setTimeout(resolve, 25));
        }
      }
    } finally {
      probe.disconnect();
    }
  };
  const stop = async () => {
    const child = server;
    server = null;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((resolve) => child.once("exit", resolve));
    child.kill("SIGKILL");
    await exited;
  };
  await start();
  return {
    url,
    restart: async () => {
      await stop();
      await start();
    },
    flushAll: async () => {
      const client = new Redis(url, { maxRetriesPerRequest: 1 });
      try {
        await client.flushall();
      } finally {
        client.disconnect();
      }
    },
    destroy: stop,
  };
}
