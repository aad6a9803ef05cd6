import { afterAll, beforeAll, describe, expect, it } from "vitest";

import type { ActionStatus, AgentAction, TargetType } from "@leash/db";

import { exportActions } from "../src/export/export-actions.ts";
import { listActions, type ListActionsInput } from "../src/index.ts";
import type { ActionView } from "../src/actions/action-view.ts";
import { createTestEnvironment, createTestTenant, type TestEnvironment, type TestTenant } from "../src/testing/index.ts";

let environment: TestEnvironment;
let tenant: TestTenant;
let other: TestTenant;
let stored: AgentAction[];

const statuses: ActionStatus[] = ["pending", "executed", "failed", "rejected", "cancelled"];
const types = ["notify", "update", "create", "delete"] as const;
const targets: (TargetType | null)[] = [null, "project", "person", "idea"];
const labels = ["Ada (ops)", "100% agent", "deploy_bot", "back\\slash", "Dana"];
const start = Date.parse("2026-03-01T00:00:00.000Z");

beforeAll(async () => {
  environment = await createTestEnvironment();
  tenant = await createTestTenant(environment.db);
  other = await createTestTenant(environment.db);
  const row = (tenantId: string, index: number) => ({
    tenantId,
    proposerLabel: labels[index % labels.length] ?? "",
    decidedByLabel: index % 3 === 0 ? (labels[(index + 2) % labels.length] ?? null) : null,
    userId: index % 4 === 0 ? tenant.admin.userId : null,
    apiKeyId: index % 4 === 0 ? null : tenant.agent.apiKeyId,
    actionType: types[index % types.length] ?? "notify",
    targetType: targets[index % targets.length] ?? null,
    targetId: targets[index % targets.length] ? 1 + (index % 5) : null,
    parameters: { index },
    status: statuses[index % statuses.length] ?? "pending",
    // Two actions share each millisecond: pages in creation time must break the tie by id.
    createdAt: new Date(start + Math.floor(index / 2) * 3_600_000),
    updatedAt: new Date(),
  });
  await environment.db.agentAction.createMany({ data: Array.from({ length: 60 }, (_, index) => row(tenant.id, index)) });
  // Another tenant's actions match every filter but the tenant.
  await environment.db.agentAction.createMany({ data: Array.from({ length: 20 }, (_, index) => row(other.id, index)) });
  stored = await environment.db.agentAction.findMany({ where: { tenantId: tenant.id } });
});

afterAll(async () => {
  await environment.close();
});

type Filters = Omit<ListActionsInput, "cursor" | "limit">;

const asList = <T>(value: T | T[] | undefined): T[] | undefined => (value === undefined ? undefined : Array.isArray(value) ? value : [value]);

/** The filters' meaning, written over the rows in memory: what the SQL must select. */
function expected(filters: Filters, byCreationTime: boolean): number[] {
  const has = <T>(list: T[] | undefined, value: T) => list === undefined || list.includes(value);
  const contains = (label: string | null) => filters.actor !== undefined && label !== null && label.toLowerCase().includes(filters.actor.toLowerCase());
  return stored
    .filter(
      (action) =>
        has(asList(filters.status), action.status) &&
        has(asList(filters.actionType), action.actionType) &&
        (filters.targetType === undefined || (action.targetType !== null && has(asList(filters.targetType), action.targetType))) &&
        (filters.targetId === undefined || action.targetId === filters.targetId) &&
        (filters.actor === undefined || contains(action.proposerLabel) || contains(action.decidedByLabel)) &&
        (filters.proposerId === undefined || action.userId === filters.proposerId || action.apiKeyId === filters.proposerId) &&
        (filters.from === undefined || action.createdAt.getTime() >= Date.parse(filters.from)) &&
        (filters.to === undefined || action.createdAt.getTime() < Date.parse(filters.to)),
    )
    .sort((left, right) => (byCreationTime ? right.createdAt.getTime() - left.createdAt.getTime() : 0) || right.id - left.id)
    .map((action) => action.id);
}

async function listedIds(filters: Filters, limit: number): Promise<number[]> {
  const ids: number[] = [];
  let cursor: number | undefined;
  for (;;) {
    const page = await listActions(environment.deps, { actor: tenant.viewer, input: { ...filters, limit, ...(cursor === undefined ? {} : { cursor }) } });
    ids.push(...page.items.map((action) => action.id));
    if (page.nextCursor === null) return ids;
    cursor = page.nextCursor;
  }
}

async function exportedIds(filters: Filters): Promise<number[]> {
  let text = "";
  for await (const chunk of exportActions(environment.deps, { actor: tenant.viewer, input: { ...filters, format: "json" }, batchSize: 7 }).chunks) text += chunk;
  return (JSON.parse(text) as ActionView[]).map((action) => action.id);
}

const at = (hours: number) => new Date(start + hours * 3_600_000).toISOString();

const cases: [string, () => Filters][] = [
  ["no filter", () => ({})],
  ["one status", () => ({ status: "failed" })],
  ["several statuses", () => ({ status: ["pending", "rejected"] })],
  ["one action type", () => ({ actionType: "delete" })],
  ["several action types", () => ({ actionType: ["notify", "create"] })],
  ["target type (actions without a target never match)", () => ({ targetType: "idea" })],
  ["several target types", () => ({ targetType: ["project", "person"] })],
  ["target id", () => ({ targetId: 3 })],
  ["target type and id", () => ({ targetType: "person", targetId: 2 })],
  ["actor, any case, proposer or decider", () => ({ actor: "dANa" })],
  ["actor with % taken literally", () => ({ actor: "100%" })],
  ["actor % alone matches only names holding it", () => ({ actor: "%" })],
  ["actor with _ taken literally", () => ({ actor: "y_b" })],
  ["actor _ does not stand for any one character", () => ({ actor: "a_a" })],
  ["actor with a backslash", () => ({ actor: "k\\s" })],
  ["proposer: a user", () => ({ proposerId: tenant.admin.userId })],
  ["proposer: an API key", () => ({ proposerId: tenant.agent.apiKeyId })],
  ["from only", () => ({ from: at(20) })],
  ["to only", () => ({ to: at(7) })],
  ["from and to, ties in a millisecond", () => ({ from: at(3), to: at(17) })],
  ["a date with an offset", () => ({ from: "2026-03-01T10:00:00+05:30" })],
  ["the widest dates a filter takes", () => ({ from: "0001-01-01T00:00:00Z", to: "9999-12-31T23:59:59.999Z" })],
  ["everything at once", () => ({ status: ["executed", "failed", "pending"], actionType: ["update", "create"], actor: "a", from: at(1), to: at(29) })],
];

describe("history filters (action.list and the export share them)", () => {
  it.each(cases)("%s: the tenant's matching actions, each once, newest first", async (_label, filtersOf) => {
    const resolved = filtersOf();
    const byCreationTime = resolved.from !== undefined || resolved.to !== undefined;
    const want = expected(resolved, byCreationTime);
    expect(await listedIds(resolved, 4)).toEqual(want);
    expect(await listedIds(resolved, 200)).toEqual(want);
    // The export always goes by id; the same set of actions.
    expect(await exportedIds(resolved)).toEqual(expected(resolved, false));
  });

  it("the wildcard cases above select something and leave something out, so they can tell", () => {
    expect(expected({ actor: "100%" }, false).length).toBeGreaterThan(0);
    expect(expected({ actor: "%" }, false).length).toBeLessThan(stored.length);
    expect(expected({ actor: "a_a" }, false)).toEqual([]);
    expect(expected({ actor: "k\\s" }, false).length).toBeGreaterThan(0);
  });
});
