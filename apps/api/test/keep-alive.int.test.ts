import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { KEEP_ALIVE_MS } from "@leash/core";
import { createTestEnvironment, probeIdleConnection, type TestEnvironment } from "@leash/core/testing";

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

describe("keep-alive connections", () => {
  it("stay open well past Node's 5 s default, so a client's pool or a load balancer can send its next request on them", async () => {
    const { first, second } = await probeIdleConnection(new URL("/healthz", api.baseUrl).href, 6_000);
    expect(first).toMatchObject({ status: 200, reusedSocket: false, keepAlive: `timeout=${KEEP_ALIVE_MS / 1000}` });
    expect(second).toMatchObject({ status: 200, reusedSocket: true });
  }, 20_000);
});
