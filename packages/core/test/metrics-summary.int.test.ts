import { afterAll, beforeAll, describe, expect, it } from "vitest";

import type { Prisma } from "@leash/db";

import { isCoreError, summarizeMetrics, WITHOUT_KEY_NAME, type Actor, type CoreDeps } from "../src/index.ts";
import { createTestEnvironment, createTestTenant, type TestEnvironment, type TestTenant } from "../src/testing/index.ts";

// The clock stands still at 12:30 UTC on 4 December: the week is 28 November to today, the week
// before 21 to 27 November; the day window runs from 13:00 yesterday.
const NOW = new Date("2026-12-04T12:30:00.000Z");
const at = (iso: string, plusMs = 0) => new Date(new Date(iso).getTime() + plusMs);

let environment: TestEnvironment;
let deps: CoreDeps;
let home: TestTenant;
let away: TestTenant;

/**
 * The hand-built week of a tenant: what each action is named, with its row; `ids` finds them again.
 * Another tenant gets failing actions on the same days, none of which may count.
 */
async function seed(tenant: TestTenant, other: TestTenant) {
  const ids: Record<string, number> = {};
  const action = async (owner: TestTenant, name: string, data: Omit<Prisma.AgentActionUncheckedCreateInput, "tenantId" | "proposerLabel" | "parameters">) => {
    const row = await environment.db.agentAction.create({ data: { tenantId: owner.id, proposerLabel: name, parameters: {}, ...data } });
    ids[name] = row.id;
    return row;
  };
  const agent = tenant.agent.apiKeyId;
  // This week.
  await action(tenant, "auto executed", { actionType: "update", apiKeyId: agent, status: "executed", requiresApproval: false, createdAt: at("2026-12-04T10:00:00Z"), approvedAt: at("2026-12-04T10:00:00Z"), executedAt: at("2026-12-04T10:00:00Z", 2_000) });
  await action(tenant, "person executed", { actionType: "create", status: "executed", createdAt: at("2026-12-03T09:00:00Z"), approvedAt: at("2026-12-03T09:00:00Z", 60_000), executedAt: at("2026-12-03T09:00:00Z", 64_000) });
  await action(tenant, "failed", { actionType: "update", apiKeyId: agent, status: "failed", createdAt: at("2026-12-02T08:00:00Z"), approvedAt: at("2026-12-02T08:00:00Z", 120_000), errorMessage: "boom" });
  await action(tenant, "rejected", { actionType: "notify", apiKeyId: agent, status: "rejected", createdAt: at("2026-12-01T08:00:00Z"), rejectedAt: at("2026-12-01T08:00:00Z", 30_000) });
  const expired = await action(tenant, "expired", { actionType: "notify", apiKeyId: agent, status: "rejected", createdAt: at("2026-11-30T08:00:00Z"), rejectedAt: at("2026-11-30T09:00:00Z") });
  await environment.db.actionEvent.create({ data: { tenantId: tenant.id, actionId: expired.id, type: "expired", actorKind: "system", actorLabel: "deadline", createdAt: at("2026-11-30T09:00:00Z") } });
  const undone = await action(tenant, "rolled back", { actionType: "update", apiKeyId: agent, status: "executed", requiresApproval: false, createdAt: at("2026-11-29T08:00:00Z"), approvedAt: at("2026-11-29T08:00:00Z"), executedAt: at("2026-11-29T08:00:00Z", 1_000), rolledBackAt: at("2026-11-29T10:00:00Z") });
  // The undo action counts as the original's rollback, not as an action of its own.
  await action(tenant, "undo", { actionType: "update", status: "executed", requiresApproval: false, rollbackOfId: undone.id, createdAt: at("2026-11-29T10:00:00Z"), approvedAt: at("2026-11-29T10:00:00Z"), executedAt: at("2026-11-29T10:00:00Z", 500) });
  await action(tenant, "pending", { actionType: "create", apiKeyId: agent, status: "pending", createdAt: at("2026-12-04T11:00:00Z") });
  // The week before.
  await action(tenant, "last week", { actionType: "create", status: "executed", requiresApproval: false, createdAt: at("2026-11-25T08:00:00Z"), approvedAt: at("2026-11-25T08:00:00Z"), executedAt: at("2026-11-25T08:00:00Z", 500) });
  for (const day of ["2026-11-25", "2026-11-30", "2026-12-03", "2026-12-04"]) {
    await action(other, `other ${day}`, { actionType: "update", apiKeyId: other.agent.apiKeyId, status: "failed", createdAt: at(`${day}T11:00:00Z`), approvedAt: at(`${day}T11:00:00Z`) });
  }
  return ids;
}

beforeAll(async () => {
  environment = await createTestEnvironment();
  deps = { ...environment.deps, clock: { now: () => NOW } };
  home = await createTestTenant(environment.db, "metrics-home");
  away = await createTestTenant(environment.db, "metrics-away");
  await seed(home, away);
});

afterAll(async () => {
  await environment.close();
});

const summary = (input: Parameters<typeof summarizeMetrics>[1]["input"], actor: Actor = home.viewer) => summarizeMetrics(deps, { actor, input });

async function refusal(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    if (isCoreError(error)) return error.code;
    throw error;
  }
  return "ok";
}

describe("summarizeMetrics over hand-built actions", () => {
  it("gives the week's figures, the week before's, and the targets", async () => {
    const week = await summary({ window: "week" });
    expect(week.totals).toMatchObject({
      proposed: 7,
      executed: 3,
      failed: 1,
      decided: 6,
      approved: 4,
      rejected: 2,
      autoApproved: 2,
      expired: 1,
      rolledBack: 1,
      successRate: 0.75,
      approvalRate: 4 / 6,
      rollbackRate: 1 / 3,
      autoApprovedShare: 2 / 6,
      expiredShare: 1 / 6,
    });
    expect(week.totals.executionMs).toMatchObject({ count: 3, mean: 2_333 });
    expect(Math.abs((week.totals.executionMs.p50 ?? 0) - 2_000)).toBeLessThanOrEqual(50);
    // People's decisions only: the expired one was decided by its policy.
    expect(week.totals.decisionMs.count).toBe(3);
    expect(Math.abs((week.totals.decisionMs.p50 ?? 0) - 60_000)).toBeLessThanOrEqual(1_500);
    expect(week.previous).toMatchObject({ proposed: 1, executed: 1, successRate: 1 });
    expect(week.headline.map((line) => [line.metric, line.status])).toEqual([
      ["successRate", "missed"],
      ["executionMeanMs", "met"],
      ["approvalRate", "missed"],
      ["rollbackRate", "missed"],
    ]);
    expect(week.headline[0]).toMatchObject({ value: 0.75, previous: 1, change: -0.25, target: 0.95, direction: "above" });
    expect(week.series.map((bucket) => [bucket.start.slice(0, 10), bucket.proposed])).toEqual([
      ["2026-11-28", 0],
      ["2026-11-29", 1],
      ["2026-11-30", 1],
      ["2026-12-01", 1],
      ["2026-12-02", 1],
      ["2026-12-03", 1],
      ["2026-12-04", 2],
    ]);
    expect(week.byActionType.map((entry) => [entry.actionType, entry.proposed])).toEqual([
      ["update", 3],
      ["create", 2],
      ["notify", 2],
    ]);
    expect(week.byAgent.map((entry) => [entry.name, entry.proposed])).toEqual([
      [`agent-${home.slug}`, 6],
      [WITHOUT_KEY_NAME, 1],
    ]);
    expect(JSON.stringify(week)).not.toContain(away.slug);
  });

  it("stores the hours and days that are over, and later changes still show: a decision, an execution, a rollback", async () => {
    const tenant = await createTestTenant(environment.db);
    const ids = await seed(tenant, away);
    const before = await summary({ window: "week" }, tenant.viewer);
    expect(before.totals).toMatchObject({ proposed: 7, executed: 3, rolledBack: 1 });
    const stored = await environment.db.actionMetricsPeriod.findMany({ where: { tenantId: tenant.id } });
    expect(stored.filter((row) => row.period === "day")).toHaveLength(13);
    expect(stored.filter((row) => row.period === "hour").map((row) => row.start.toISOString().slice(11, 13))).toEqual(Array.from({ length: 12 }, (_, hour) => String(hour).padStart(2, "0")));
    // The pending action was in flight when its hour was summarised.
    expect(stored.flatMap((row) => row.openActionIds)).toEqual([ids.pending]);

    await environment.db.agentAction.update({ where: { id: ids.pending }, data: { status: "executed", approvedAt: at("2026-12-04T12:00:00Z"), executedAt: at("2026-12-04T12:00:00Z", 3_000) } });
    await environment.db.agentAction.update({ where: { id: ids["person executed"] }, data: { rolledBackAt: at("2026-12-04T12:10:00Z") } });
    const week = await summary({ window: "week" }, tenant.viewer);
    expect(week.totals).toMatchObject({ proposed: 7, executed: 4, failed: 1, approved: 5, rolledBack: 2, successRate: 0.8, rollbackRate: 0.5 });
    expect(await environment.db.actionMetricsPeriod.count({ where: { tenantId: tenant.id } })).toBe(stored.length);
    expect(await summary({ window: "week" }, tenant.viewer)).toEqual(week);
  });

  it("the day window reads the hours, the month the days", async () => {
    const day = await summary({ window: "day" });
    expect(day.bucket).toBe("hour");
    expect(day.series).toHaveLength(24);
    expect(day.totals).toMatchObject({ proposed: 2, executed: 1 });
    expect(day.previous).toMatchObject({ proposed: 1 });
    const month = await summary({ window: "month" });
    expect(month.series).toHaveLength(30);
    expect(month.totals).toMatchObject({ proposed: 8, executed: 4, failed: 1 });
  });

  it("filters by action type and by agent", async () => {
    const updates = await summary({ window: "week", actionType: "update" });
    expect(updates.totals).toMatchObject({ proposed: 3, executed: 2, failed: 1 });
    // The breakdown by type ignores the type filter: it is what the filter picks from.
    expect(updates.byActionType.map((entry) => entry.actionType)).toEqual(["update", "create", "notify"]);
    const agent = await summary({ window: "week", apiKeyId: home.agent.apiKeyId });
    expect(agent.filters).toEqual({ actionType: null, apiKeyId: home.agent.apiKeyId, agentName: `agent-${home.slug}` });
    expect(agent.totals).toMatchObject({ proposed: 6, executed: 2, failed: 1, rejected: 2 });
    const both = await summary({ window: "week", actionType: "notify", apiKeyId: home.agent.apiKeyId });
    expect(both.totals).toMatchObject({ proposed: 2, executed: 0, successRate: null, approvalRate: 0 });
  });

  it("an empty window has zeros and no-data figures, never NaN", async () => {
    const empty = await summarizeMetrics(deps, { actor: away.viewer, input: { window: "day", actionType: "link" } });
    expect(empty.totals).toMatchObject({ proposed: 0, successRate: null, approvalRate: null, rollbackRate: null });
    expect(empty.headline.every((line) => line.status === "no_data" && line.value === null)).toBe(true);
    expect(JSON.stringify(empty)).not.toMatch(/NaN|Infinity/);
  });

  it("every role reads them; bad input and another tenant's key are refused", async () => {
    for (const actor of [home.admin, home.approver, home.viewer, home.agent]) {
      expect((await summary({ window: "week" }, actor)).totals.proposed).toBe(7);
    }
    const refusals = await Promise.all([
      refusal(summary({ window: "year" } as never)),
      refusal(summary({ window: "week", apiKeyId: away.agent.apiKeyId })),
      refusal(summary({ window: "week", apiKeyId: "not\u0000a-uuid" })),
      refusal(summary({ window: "week", actionType: "teleport" })),
      refusal(summary({ window: "week", extra: 1 } as never)),
    ]);
    expect(refusals).toEqual(["INVALID", "NOT_FOUND", "INVALID", "INVALID", "INVALID"]);
  });
});

