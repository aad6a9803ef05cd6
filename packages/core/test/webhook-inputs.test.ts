import { describe, expect, it } from "vitest";

import { createWebhookEndpointInputSchema, updateWebhookEndpointInputSchema } from "../src/webhooks/webhook-inputs.ts";
import { defaultWebhookPolicy, webhookRetryDelayMs } from "../src/webhooks/webhook-policy.ts";
import { assertWebhookAddress } from "../src/webhooks/webhook-url.ts";

const valid = { url: "https://hooks.example.com/leash?token=abc", eventTypes: ["action.executed"] };
const problemOf = (input: Record<string, unknown>) => {
  const parsed = createWebhookEndpointInputSchema.safeParse({ ...valid, ...input });
  return parsed.success ? null : parsed.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`).join("; ");
};

describe("webhook endpoint inputs", () => {
  it("takes an http(s) URL with a query, and defaults the rest", () => {
    expect(createWebhookEndpointInputSchema.parse({ ...valid, eventTypes: ["action.executed", "action.executed", "action.failed"] })).toEqual({
      url: "https://hooks.example.com/leash?token=abc",
      description: null,
      eventTypes: ["action.executed", "action.failed"],
      actionTypes: [],
      allowPrivateNetwork: false,
    });
  });

  it.each([
    ["ftp://hooks.example.com/", "must start with http:// or https://"],
    ["javascript:alert(1)", "must start with http:// or https://"],
    ["https://user:pass@hooks.example.com/", "must not hold credentials"],
    ["https://hooks.example.com/#top", "must not have a fragment"],
    ["https://hooks.example.com/a b", "must not contain spaces"],
    ["/relative", "must be an absolute URL"],
    [`https://hooks.example.com/${"a".repeat(2100)}`, "Too big"],
    ["https://hooks.example.com/\u0000", "NUL characters"],
    ["https://hooks.example.com/\uD800", "lone UTF-16 surrogates"],
  ])("refuses the URL %s", (url, message) => {
    expect(problemOf({ url })).toContain(message);
  });

  it("refuses unknown event types, no event type, unknown action types, NUL in the description and unknown fields", () => {
    expect(problemOf({ eventTypes: ["action.exploded"] })).toMatch(/^eventTypes\.0: /);
    expect(problemOf({ eventTypes: [] })).toContain("subscribe to at least one event type");
    expect(problemOf({ actionTypes: ["teleport"] })).toMatch(/^actionTypes\.0: /);
    expect(problemOf({ description: "a\u0000b" })).toContain("NUL characters");
    expect(problemOf({ secret: "whsec_mine" })).toContain("Unrecognized key");
    expect(updateWebhookEndpointInputSchema.safeParse({ endpointId: "not-a-uuid" }).success).toBe(false);
  });

  it("refuses a URL naming a private address unless allowed, and special addresses always", () => {
    expect(() => assertWebhookAddress("http://10.0.0.5/hooks", false)).toThrow("allow the private network");
    expect(() => assertWebhookAddress("http://10.0.0.5/hooks", true)).not.toThrow();
    expect(() => assertWebhookAddress("http://[::1]:8080/hooks", false)).toThrow("private or loopback");
    expect(() => assertWebhookAddress("http://169.254.169.254/latest", true)).toThrow("never sends to");
    expect(() => assertWebhookAddress("https://hooks.example.com/", false)).not.toThrow();
  });
});

describe("webhook retry schedule", () => {
  it("retries for more than a day by default", () => {
    const total = defaultWebhookPolicy.retryScheduleMs.reduce((sum, delay) => sum + delay, 0);
    expect(total).toBeGreaterThan(24 * 3_600_000);
    expect(defaultWebhookPolicy.disableAfterMs).toBe(24 * 3_600_000);
  });

  it("follows the schedule, stops when it is spent, and takes a longer Retry-After up to the longest step", () => {
    const policy = { ...defaultWebhookPolicy, retryScheduleMs: [10, 100, 1000] };
    expect([1, 2, 3, 4].map((failures) => webhookRetryDelayMs(policy, failures, undefined))).toEqual([10, 100, 1000, null]);
    expect(webhookRetryDelayMs(policy, 1, 500)).toBe(500);
    expect(webhookRetryDelayMs(policy, 1, 5)).toBe(10);
    expect(webhookRetryDelayMs(policy, 1, 60_000)).toBe(1000);
  });
});
