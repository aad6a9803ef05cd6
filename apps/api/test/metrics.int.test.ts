import type { AddressInfo } from "node:net";

import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { createActionCounters, createApiMetrics, createMetricsRegistry } from "@leash/core";
import { createTestEnvironment, createTestTenant, type TestEnvironment, type TestTenant } from "@leash/core/testing";

import { createApiServer } from "../src/server.ts";
import { startTestApi } from "./support.ts";

const METRICS_TOKEN = "scrape-me-if-you-can-0123456789";

let environment: TestEnvironment;
let api: Awaited<ReturnType<typeof startTestApi>>;
let home: TestTenant;
let away: TestTenant;
let metricsUrl: string;
let closeMetricsApi: () => Promise<void>;

beforeAll(async () => {
  environment = await createTestEnvironment();
  home = await createTestTenant(environment.db, "metrics-api");
  away = await createTestTenant(environment.db, "metrics-api-away");
  const now = Date.now();
  const minutesAgo = (minutes: number) => new Date(now - minutes * 60_000);
  await environment.db.agentAction.createMany({
    data: [
      { tenantId: home.id, apiKeyId: home.agent.apiKeyId, proposerLabel: "agent", actionType: "update", parameters: {}, status: "executed", requiresApproval: false, createdAt: minutesAgo(30), approvedAt: minutesAgo(30), executedAt: minutesAgo(29) },
      { tenantId: home.id, apiKeyId: home.agent.apiKeyId, proposerLabel: "agent", actionType: "update", parameters: {}, status: "failed", createdAt: minutesAgo(20), approvedAt: minutesAgo(19) },
      { tenantId: away.id, apiKeyId: away.agent.apiKeyId, proposerLabel: "agent", actionType: "update", parameters: {}, status: "failed", createdAt: minutesAgo(20), approvedAt: minutesAgo(19) },
    ],
  });
  api = await startTestApi(environment);

  // A second API on the same database, with its metrics and a scrape token, as main.ts starts it.
  const registry = createMetricsRegistry("api");
  const server = createApiServer({
    deps: { ...environment.deps, counters: createActionCounters(registry) },
    checkReady: () => Promise.resolve({ ok: true, checks: {} }),
    metrics: { registry, requests: createApiMetrics(registry), token: METRICS_TOKEN },
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  metricsUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  closeMetricsApi = () => new Promise<void>((resolve) => server.close(() => resolve()));
});

afterAll(async () => {
  await closeMetricsApi();
  await api.close();
  await environment.close();
});

/** The value of the sample of `name` whose labels include `labels`, from Prometheus' text format; null when none. */
function sample(text: string, name: string, labels: Record<string, string>): number | null {
  for (const line of text.split("\n")) {
    const match = /^([a-z_]+)\{(.*)\} (\S+)$/.exec(line);
    if (match?.[1] !== name) continue;
    const found = new Map([...(match[2] ?? "").matchAll(/(\w+)="([^"]*)"/g)].map((pair) => [pair[1], pair[2]]));
    if (Object.entries(labels).every(([key, value]) => found.get(key) === value)) return Number(match[3]);
  }
  return null;
}

interface Summary {
  totals: { proposed: number; executed: number; failed: number; successRate: number | null };
  headline: { metric: string; status: string }[];
  byAgent: { apiKeyId: string | null; name: string }[];
}

describe("metrics.summary over HTTP", () => {
  it("answers every role of the tenant, agent keys included, with the tenant's actions only", async () => {
    for (const role of ["admin", "approver", "viewer", "agent"] as const) {
      const { status, body } = await api.call("GET", "metrics.summary", { apiKey: home.keys[role], input: { window: "day" } });
      expect(status, role).toBe(200);
      const summary = body.result?.data as Summary;
      expect(summary.totals).toMatchObject({ proposed: 2, executed: 1, failed: 1, successRate: 0.5 });
      expect(summary.headline.find((line) => line.metric === "successRate")?.status).toBe("missed");
      expect(summary.byAgent.map((agent) => agent.name)).toEqual([`agent-${home.slug}`]);
    }
    const agent = await api.call("GET", "metrics.summary", { apiKey: home.keys.agent, input: { window: "month", apiKeyId: home.agent.apiKeyId, actionType: "update" } });
    expect(agent.status).toBe(200);
  });

  it("refuses bad input with a 400, another tenant's key with a 404, no key with a 401", async () => {
    const cases: [unknown, number][] = [
      [{ window: "year" }, 400],
      [{}, 400],
      [{ window: "week", apiKeyId: "\u0000" }, 400],
      [{ window: "week", apiKeyId: "not-a-uuid" }, 400],
      [{ window: "week", actionType: "teleport" }, 400],
      [{ window: "week", surplus: true }, 400],
      [{ window: "week", apiKeyId: away.agent.apiKeyId }, 404],
    ];
    for (const [input, expected] of cases) {
      const { status, body } = await api.call("GET", "metrics.summary", { apiKey: home.keys.viewer, input });
      expect(status, JSON.stringify(input)).toBe(expected);
      expect(body.error?.message).not.toContain(away.slug);
    }
    expect((await api.call("GET", "metrics.summary", { input: { window: "week" } })).status).toBe(401);
  });
});

describe("/metrics for Prometheus", () => {
  const scrape = (token?: string) => fetch(`${metricsUrl}/metrics`, token === undefined ? {} : { headers: { authorization: `Bearer ${token}` } });
  const summaryCount = (text: string) => sample(text, "leash_api_requests_total", { procedure: "metrics.summary", code: "200" }) ?? 0;

  it("is refused without the token or with another, and not served at all by an API without one", async () => {
    expect((await scrape()).status).toBe(401);
    expect((await scrape("wrong-token-wrong-token")).status).toBe(401);
    expect((await fetch(`${metricsUrl}/metrics`, { method: "POST", headers: { authorization: `Bearer ${METRICS_TOKEN}` } })).status).toBe(405);
    expect((await fetch(`${api.baseUrl}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } })).status).toBe(404);
  });

  it("is served with the token, and its request counter moves with each call", async () => {
    const before = await scrape(METRICS_TOKEN);
    expect(before.status).toBe(200);
    expect(before.headers.get("content-type")).toContain("text/plain");
    const count = summaryCount(await before.text());
    const call = await fetch(`${metricsUrl}/trpc/metrics.summary?input=${encodeURIComponent(JSON.stringify({ window: "week" }))}`, { headers: { authorization: `Bearer ${home.keys.viewer}` } });
    expect(call.status).toBe(200);
    await fetch(`${metricsUrl}/trpc/no.such.procedure`, { headers: { authorization: `Bearer ${home.keys.viewer}` } });
    const text = await (await scrape(METRICS_TOKEN)).text();
    expect(summaryCount(text)).toBe(count + 1);
    expect(sample(text, "leash_api_request_duration_seconds_count", { procedure: "metrics.summary", code: "200", app: "api" })).toBeGreaterThan(0);
    // A path that names no procedure is counted as such, so callers cannot make up label values.
    expect(sample(text, "leash_api_requests_total", { procedure: "unknown", code: "404" })).toBe(1);
    expect(text).toContain("leash_process_cpu_seconds_total");
  });

  it("counts proposals by type", async () => {
    const proposed = await fetch(`${metricsUrl}/trpc/action.propose`, {
      method: "POST",
      headers: { authorization: `Bearer ${home.keys.agent}`, "content-type": "application/json" },
      body: JSON.stringify({ actionType: "notify", parameters: { channel: "email", recipient: "ops@example.com", message: "hi" } }),
    });
    expect(proposed.status).toBe(200);
    const text = await (await scrape(METRICS_TOKEN)).text();
    expect(sample(text, "leash_actions_proposed_total", { action_type: "notify", approval: "person" })).toBe(1);
  });
});
