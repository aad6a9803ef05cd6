import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { createTestEnvironment, type TestEnvironment } from "@leash/core/testing";

import { startConsole } from "./support.ts";

let environment: TestEnvironment;

beforeAll(async () => {
  environment = await createTestEnvironment();
});

afterAll(async () => {
  await environment.close();
});

describe("the console's server started as `pnpm start` starts it (NODE_ENV unset)", () => {
  it("runs in production mode: without a session secret of its own it refuses to start, and says why", async () => {
    const outcome = await startConsole(environment, { SESSION_SECRET: "" }).then(
      async (web) => {
        await web.close();
        return "it started without a session secret";
      },
      (error: unknown) => String(error),
    );
    expect(outcome).toMatch(/SESSION_SECRET is required in production/);
  }, 60_000);

  it("runs in development mode only when told to, with the fixed development secret", async () => {
    const web = await startConsole(environment, { SESSION_SECRET: "", NODE_ENV: "development" });
    try {
      expect((await fetch(`${web.url}/sign-in`)).status).toBe(200);
    } finally {
      await web.close();
    }
  }, 60_000);
});
