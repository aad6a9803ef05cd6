import { execFile, spawn, type ChildProcess } from "node:child_process";
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";

import { Redis } from "ioredis";

const run = promisify(execFile);

/** One `redis-server` of a private cluster. */
export interface ClusterNodeProcess {
  port: number;
  child: ChildProcess;
}

/** Six private `redis-server` processes forming a cluster of three masters, each with one replica. */
export interface PrivateRedisCluster {
  /** `redis+cluster://` with every node as a seed, as Leash's settings take it. */
  url: string;
  nodes: ClusterNodeProcess[];
  /** How long a master may be unreachable before its replica takes over (`cluster-node-timeout`). */
  nodeTimeoutMs: number;
  /** The port of the master serving the slot of `key` (a hash tag such as `{leash}` is enough). */
  masterOf(key: string): Promise<number>;
  /** Kills the node on `port` with SIGKILL, as a crash does, and waits for the process to end. */
  kill(port: number): Promise<void>;
  /**
   * Waits until a former replica of the master on `port` serves its slots and every live node says
   * `cluster_state:ok`; answers that new master's port.
   */
  waitForFailover(port: number, timeoutMs?: number): Promise<number>;
  /** Kills every node (SIGKILL) and deletes their directories. */
  destroy(): Promise<void>;
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

/** Ports nobody listens on now, all different (each node needs two: clients and the cluster bus). */
async function freePorts(count: number): Promise<number[]> {
  const ports = new Set<number>();
  while (ports.size < count) ports.add(await freePort());
  return [...ports];
}

/**
 * One plain connection per node, kept open: asking through a new `redis-cli` process each time would
 * add seconds on a loaded machine to the failover times measured. It does not follow the cluster,
 * fails at once when its node is down, and never retries.
 */
const probes = new Map<number, Redis>();
async function cli(port: number, ...args: string[]): Promise<string> {
  let probe = probes.get(port);
  if (!probe) {
    probe = new Redis({ host: "127.0.0.1", port, lazyConnect: true, maxRetriesPerRequest: 0, enableOfflineQueue: true, retryStrategy: () => null });
    probe.on("error", () => undefined);
    probes.set(port, probe);
  }
  if (probe.status === "end") {
    probes.delete(port);
    return cli(port, ...args);
  }
  if (probe.status === "wait") await probe.connect();
  const [command = "", ...rest] = args;
  return String(await probe.call(command, ...rest));
}
const forgetProbe = (port: number) => {
  probes.get(port)?.disconnect();
  probes.delete(port);
};

/** `CLUSTER NODES` of one node, one entry per node it knows. */
async function clusterNodes(port: number) {
  const text = await cli(port, "cluster", "nodes");
  return text
    .trim()
    .split("\n")
    .map((line) => {
      const [id = "", address = "", flags = "", masterId = "", , , , link = "", ...slots] = line.split(" ");
      return { id, port: Number(address.split("@")[0]?.split(":")[1]), flags: flags.split(","), masterId, link, slots };
    });
}

const servesSlot = (slots: string[], slot: number) =>
  slots.some((range) => {
    const [from, to = from] = range.split("-").map(Number);
    return from !== undefined && to !== undefined && slot >= from && slot <= to;
  });

async function waitUntil(what: string, timeoutMs: number, check: () => Promise<boolean>) {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      if (await check()) return;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`, { cause: lastError });
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Every running private cluster's processes, killed if the test process exits without destroying them. */
const running = new Set<ChildProcess>();
let exitHookInstalled = false;
function killAllOnExit() {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once("exit", () => {
    for (const child of running) child.kill("SIGKILL");
  });
}

/**
 * Starts a real Redis Cluster on free ports: six `redis-server` processes (nothing kept on disk, each
 * in its own temporary directory), joined by `redis-cli --cluster create --cluster-replicas 1`, and
 * waits until every node says `cluster_state:ok` and every replica is in sync with its master. If any
 * step fails, every process started so far is killed before the error is thrown.
 */
export async function startPrivateRedisCluster({ nodeTimeoutMs = 2_000 }: { nodeTimeoutMs?: number } = {}): Promise<PrivateRedisCluster> {
  killAllOnExit();
  const dir = await mkdtemp(join(tmpdir(), "leash-redis-cluster-"));
  const ports = await freePorts(12);
  const nodes: ClusterNodeProcess[] = [];
  const stop = async (node: ClusterNodeProcess) => {
    if (node.child.exitCode !== null || node.child.signalCode !== null) return;
    const exited = new Promise((resolve) => node.child.once("exit", resolve));
    node.child.kill("SIGKILL");
    await exited;
    running.delete(node.child);
    forgetProbe(node.port);
  };
  const destroy = async () => {
    await Promise.all(nodes.map(stop));
    for (const port of ports) forgetProbe(port);
    await rm(dir, { recursive: true, force: true });
  };

  try {
    for (let index = 0; index < 6; index++) {
      const port = ports[index] ?? 0;
      const busPort = ports[index + 6] ?? 0;
      const nodeDir = join(dir, String(port));
      await mkdir(nodeDir);
      // The bus port is chosen too (cluster-port): the default, port + 10000, may be taken or past 65535.
      const child = spawn(
        "redis-server",
        [
          "--port", String(port),
          "--bind", "127.0.0.1",
          "--cluster-enabled", "yes",
          "--cluster-port", String(busPort),
          "--cluster-config-file", join(nodeDir, "nodes.conf"),
          "--cluster-node-timeout", String(nodeTimeoutMs),
          "--save", "",
          "--appendonly", "no",
          "--dir", nodeDir,
          "--logfile", join(nodeDir, "redis.log"),
        ],
        { stdio: "ignore" },
      );
      running.add(child);
      nodes.push({ port, child });
    }
    for (const node of nodes) {
      await waitUntil(`redis-server on ${node.port} to answer`, 10_000, async () => {
        if (node.child.exitCode !== null) throw new Error(`redis-server on ${node.port} exited with ${node.child.exitCode}; see ${dir}`);
        return (await cli(node.port, "ping")).trim() === "PONG";
      });
    }
    await run("redis-cli", ["--cluster", "create", ...nodes.map((node) => `127.0.0.1:${node.port}`), "--cluster-replicas", "1", "--cluster-yes"]);
    await waitUntil("every node to say cluster_state:ok and every replica to be in sync", 30_000, async () => {
      for (const node of nodes) {
        if (!(await cli(node.port, "cluster", "info")).includes("cluster_state:ok")) return false;
        const replication = await cli(node.port, "info", "replication");
        if (replication.includes("role:slave") && !replication.includes("master_link_status:up")) return false;
        if ((await clusterNodes(node.port)).length !== 6) return false;
      }
      return true;
    });
  } catch (error) {
    await destroy();
    throw error;
  }

  /** The replicas' node ids of each master killed, to recognise the one that takes over. */
  const replicasOf = new Map<number, string[]>();
  const live = () => nodes.filter((node) => node.child.exitCode === null && node.child.signalCode === null);
  return {
    url: `redis+cluster://${nodes.map((node) => `127.0.0.1:${node.port}`).join(",")}`,
    nodes,
    nodeTimeoutMs,
    masterOf: async (key) => {
      const [node] = live();
      if (!node) throw new Error("no node of the cluster is running");
      const slot = Number((await cli(node.port, "cluster", "keyslot", key)).trim());
      const master = (await clusterNodes(node.port)).find((entry) => entry.flags.includes("master") && servesSlot(entry.slots, slot));
      if (!master) throw new Error(`no master serves slot ${slot}`);
      return master.port;
    },
    kill: async (port) => {
      const node = nodes.find((candidate) => candidate.port === port);
      if (!node) throw new Error(`no node of the cluster listens on ${port}`);
      const witness = live().find((candidate) => candidate !== node);
      if (witness) {
        const known = await clusterNodes(witness.port);
        const killed = known.find((entry) => entry.port === port);
        if (killed) replicasOf.set(port, known.filter((entry) => entry.masterId === killed.id).map((entry) => entry.id));
      }
      await stop(node);
    },
    waitForFailover: async (port, timeoutMs = 60_000) => {
      const replicas = replicasOf.get(port) ?? [];
      if (replicas.length === 0) throw new Error(`the node on ${port} was not a master with replicas when it was killed`);
      let promoted = 0;
      await waitUntil(`a replica of the master on ${port} to take over`, timeoutMs, async () => {
        for (const node of live()) {
          if (!(await cli(node.port, "cluster", "info")).includes("cluster_state:ok")) return false;
          const successor = (await clusterNodes(node.port)).find((entry) => replicas.includes(entry.id) && entry.flags.includes("master") && entry.slots.length > 0);
          if (!successor) return false;
          promoted = successor.port;
        }
        return true;
      });
      return promoted;
    },
    destroy,
  };
}
