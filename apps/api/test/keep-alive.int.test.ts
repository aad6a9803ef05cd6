import { Agent, request } from "node:http";

import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { createTestEnvironment, type TestEnvironment } from "@leash/core/testing";

import { KEEP_ALIVE_MS } from "../src/server.ts";
import { startTestApi } from "./support.ts";

let environment: TestEnvironment;
let api: Awaited<ReturnType<typeof startTestApi>>;

beforeAll(async () => {
  environment = await createTestEnvironment();
  api = await startTestApi(environment);
});

afterAll(async () => {
  await api.close();
  await environment.close();
});

/** One GET on the agent's pooled connection: its status, whether it went over a connection used before, and the server's keep-alive hint. */
function get(agent: Agent, path: string): Promise<{ status: number; reusedSocket: boolean; keepAlive: string | undefined }> {
  const url = new URL(path, api.baseUrl);
  return new Promise((resolve, reject) => {
    const sent = request({ agent, host: url.hostname, port: url.port, path: url.pathname }, (response) => {
      response.resume();
      response.on("end", () => resolve({ status: response.statusCode ?? 0, reusedSocket: sent.reusedSocket, keepAlive: response.headers["keep-alive"]?.toString() }));
    });
    sent.on("error", reject);
    sent.end();
  });
}

describe("keep-alive connections", () => {
  it("stay open well past Node's 5 s default, so a client's pool or a load balancer can send its next request on them", async () => {
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    try {
      const first = await get(agent, "/healthz");
      expect(first).toMatchObject({ status: 200, reusedSocket: false, keepAlive: `timeout=${KEEP_ALIVE_MS / 1000}` });
      await new Promise((resolve) => setTimeout(resolve, 6_000));
      expect(await get(agent, "/healthz")).toMatchObject({ status: 200, reusedSocket: true });
    } finally {
      agent.destroy();
    }
  }, 20_000);
});
