import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { KEEP_ALIVE_MS } from "@leash/core";
import { createTestEnvironment, probeIdleConnection, type TestEnvironment } from "@leash/core/testing";

import { startConsole, type RunningConsole } from "./support.ts";

let environment: TestEnvironment;
let web: RunningConsole;

beforeAll(async () => {
  environment = await createTestEnvironment();
  web = await startConsole(environment);
});

afterAll(async () => {
  await web.close();
  await environment.close();
});

describe("the console's keep-alive connections", () => {
  it("stay open well past Node's 5 s default, so a browser's or a load balancer's next request can use them", async () => {
    for (const path of ["/healthz", "/sign-in"]) {
      const { first, second } = await probeIdleConnection(`${web.url}${path}`, 6_000);
      expect(first).toMatchObject({ status: 200, reusedSocket: false, keepAlive: `timeout=${KEEP_ALIVE_MS / 1000}` });
      expect(second).toMatchObject({ status: 200, reusedSocket: true });
    }
  }, 40_000);
});
