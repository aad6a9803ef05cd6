import { spawn } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { waitFor } from "@leash/core/testing";

import { freePort } from "./private-services.ts";

const HAPROXY = process.env.FAULT_TESTS_HAPROXY_BIN ?? "/usr/sbin/haproxy";

export interface PrivateBalancer {
  url: string;
  stop(): Promise<void>;
}

/** HAProxy's own error pages (502 when a server died mid-request, 503 when none is up), as opposed to an API's JSON answer. */
export const isBalancerPage = (body: string | undefined) => body?.startsWith("<html><body><h1>") ?? false;

/**
 * Debian's HAProxy on a free port, round robin over the API processes at `ports`, each checked on
 * /healthz every 200 ms. A request whose connection a dead server refuses is sent to the other one
 * (`retry-on conn-failure` with `option redispatch`: the request never reached an API, so sending it
 * again cannot do anything twice); a request cut after it was sent is answered 502 and left to the
 * agent, which retries it with its idempotency key.
 */
export async function startPrivateBalancer(ports: number[]): Promise<PrivateBalancer> {
  const dir = await mkdtemp(join(tmpdir(), "leash-faults-haproxy-"));
  const port = await freePort();
  const config = join(dir, "haproxy.cfg");
  await writeFile(
    config,
    [
      "global",
      "  maxconn 4000",
      "defaults",
      "  mode http",
      "  timeout connect 2s",
      // Above the API's longest wait (25 s), so a waiting agent is never cut by the balancer.
      "  timeout client 60s",
      "  timeout server 60s",
      "  retries 3",
      "  option redispatch",
      "  retry-on conn-failure",
      "frontend agents",
      `  bind 127.0.0.1:${port}`,
      "  default_backend apis",
      "backend apis",
      "  balance roundrobin",
      "  option httpchk GET /healthz",
      ...ports.map((apiPort, index) => `  server api${index + 1} 127.0.0.1:${apiPort} check inter 200 fall 2 rise 1`),
      "",
    ].join("\n"),
  );
  const child = spawn(HAPROXY, ["-db", "-f", config], { stdio: ["ignore", "ignore", "pipe"] });
  let output = "";
  child.stderr.on("data", (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-4000);
  });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const url = `http://127.0.0.1:${port}`;
  await waitFor(
    async () => {
      if (child.exitCode !== null) throw new Error(`haproxy exited: ${output.trim()}`);
      return fetch(`${url}/healthz`).then((response) => response.ok, () => false);
    },
    { timeoutMs: 15_000, intervalMs: 50, what: "haproxy to route to an API" },
  );
  return {
    url,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill("SIGTERM");
        await exited;
      }
      await rm(dir, { recursive: true, force: true });
    },
  };
}
