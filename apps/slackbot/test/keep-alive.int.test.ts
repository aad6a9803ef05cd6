import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { KEEP_ALIVE_MS } from "@leash/core";
import { probeIdleConnection } from "@leash/core/testing";

import { startSlackHarness, type SlackHarness } from "./support.ts";

let harness: SlackHarness;

beforeAll(async () => {
  harness = await startSlackHarness();
});

afterAll(() => harness.close());

describe("the bot's keep-alive connections", () => {
  it("stay open well past Node's 5 s default, so Slack's or a load balancer's next request can use them", async () => {
    const { first, second } = await probeIdleConnection(`${harness.bot.baseUrl}/healthz`, 6_000);
    expect(first).toMatchObject({ status: 200, reusedSocket: false, keepAlive: `timeout=${KEEP_ALIVE_MS / 1000}` });
    expect(second).toMatchObject({ status: 200, reusedSocket: true });
  }, 20_000);
});
