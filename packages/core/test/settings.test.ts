import { z } from "zod";
import { describe, expect, it } from "vitest";

import { DEFAULT_MAX_ATTEMPTS } from "../src/deps.ts";
import { DEFAULT_MAX_PENDING_ACTIONS } from "../src/proposals/check-pending-cap.ts";
import { configureEngine } from "../src/settings/configure-engine.ts";
import { deliveryEnv, engineEnv } from "../src/settings/settings-env.ts";

/** What an app's env module would parse from these variables. */
const parse = (variables: Record<string, string>) => z.object({ ...engineEnv, ...deliveryEnv }).parse(variables);

describe("the engine's settings", () => {
  it("default to core's own figures, so an unset variable means the same in every app", () => {
    expect(configureEngine(parse({}))).toMatchObject({ maxAttempts: DEFAULT_MAX_ATTEMPTS, maxPendingActions: DEFAULT_MAX_PENDING_ACTIONS, connectorKey: undefined });
    expect(configureEngine(parse({})).delivery.channels).toEqual(["in_app"]);
  });

  it("become the settings part of CoreDeps: attempts, the pending cap, the connector key and the delivery channels", () => {
    const key = "ab".repeat(32);
    const deps = configureEngine(
      parse({ ACTION_MAX_ATTEMPTS: "7", MAX_PENDING_ACTIONS_PER_TENANT: "2", CONNECTOR_SECRET_KEY: key, SMTP_URL: "smtp://127.0.0.1:2525", SLACK_BOT_TOKEN: "xoxb-test" }),
    );
    expect(deps).toMatchObject({ maxAttempts: 7, maxPendingActions: 2, connectorKey: Buffer.from(key, "hex") });
    expect([...deps.delivery.channels].sort()).toEqual(["email", "in_app", "slack"]);
  });

  it("refuse figures core cannot work with, naming the variable", () => {
    expect(() => parse({ ACTION_MAX_ATTEMPTS: "0" })).toThrow(/ACTION_MAX_ATTEMPTS/);
    expect(() => parse({ MAX_PENDING_ACTIONS_PER_TENANT: "many" })).toThrow(/MAX_PENDING_ACTIONS_PER_TENANT/);
    expect(() => parse({ CONNECTOR_SECRET_KEY: "short" })).toThrow(/64 hex characters/);
  });
});
