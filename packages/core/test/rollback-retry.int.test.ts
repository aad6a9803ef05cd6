import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { registeredActionTypes } from "../src/action-types/action-type-registry.ts";
import { cancelAction } from "../src/decisions/cancel-action.ts";
import { executeActions } from "../src/execution/execute-actions.ts";
import { previewRollback } from "../src/rollback/preview-rollback.ts";
import { rollbackAction } from "../src/rollback/rollback-action.ts";
import { createApprovedUpdate, createTestEnvironment, createTestItem, createTestTenant, type TestEnvironment, type TestTenant } from "../src/testing/index.ts";

// An undo that failed or was cancelled undid nothing: the action it was to undo counts as not undone
// (a rollback of an earlier action must undo it too) and may be rolled back again.
let environment: TestEnvironment;
let tenant: TestTenant;

beforeAll(async () => {
  environment = await createTestEnvironment();
  tenant = await createTestTenant(environment.db);
});

afterAll(async () => {
  await environment.close();
});

const deps = () => ({ ...environment.deps, registry: registeredActionTypes() });
const row = (id: number) => environment.db.agentAction.findUniqueOrThrow({ where: { id } });

/** What the worker does with the action's job, once. */
async function run(actionId: number) {
  const [outcome] = await executeActions(deps(), {
    requests: [{ actionId, earlierRuns: 0 }],
    workerId: "test",
    retryPolicy: { baseDelayMs: 10, maxDelayMs: 10 },
    staleClaimMs: 60_000,
    blockedRecheck: { baseDelayMs: 10, maxDelayMs: 10 },
  });
  if (!outcome) throw new Error("no outcome");
  return outcome;
}

async function executedUpdate(itemId: number, status: string) {
  const action = await createApprovedUpdate(environment.db, tenant.id, { itemId, data: { status } });
  expect(await run(action.id)).toEqual({ kind: "executed", actionId: action.id });
  return action;
}

function rollBack(actionId: number, cascade = false) {
  return rollbackAction(environment.deps, { actor: tenant.approver, input: { actionId, cascade, confirm: true } });
}

const statusOf = async (itemId: number) => (await environment.db.item.findUniqueOrThrow({ where: { id: itemId } })).data;

describe("an undo that ended without running undid nothing", () => {
  it("a later change whose undo was cancelled is not undone: rolling back an earlier action names it, and cascade undoes both", async () => {
    const item = await createTestItem(environment.db, tenant.id, { kind: "project", title: "Website", data: { status: "new" } });
    const first = await executedUpdate(item.id, "first");
    const second = await executedUpdate(item.id, "second");
    const [undo] = (await rollBack(second.id)).undoActions;
    await cancelAction(environment.deps, { actor: tenant.approver, input: { actionId: undo?.id ?? 0 } });

    const conflict = `#${first.id} was changed later by #${second.id}: roll back with cascade to undo both, newest first`;
    const preview = await previewRollback(environment.deps, { actor: tenant.approver, input: { actionId: first.id } });
    expect(preview).toMatchObject({ canRollBack: false, refusal: { code: "CONFLICT", message: conflict }, laterActionIds: [second.id] });
    await expect(rollBack(first.id)).rejects.toMatchObject({ code: "CONFLICT", message: conflict });
    expect(await row(second.id)).toMatchObject({ rollbackActionId: null, rolledBackAt: null });

    const { undoActions } = await rollBack(first.id, true);
    expect(undoActions.map((action) => action.rollbackOfId)).toEqual([second.id, first.id]);
    for (const action of undoActions) expect((await run(action.id)).kind).toBe("executed");
    expect(await statusOf(item.id)).toEqual({ status: "new" });
    expect(await row(second.id)).toMatchObject({ rollbackActionId: undoActions[0]?.id });
    expect((await row(second.id)).rolledBackAt).not.toBeNull();
  });

  it("after its undo failed, an action can be rolled back again; once that undo ran, never again", async () => {
    const item = await createTestItem(environment.db, tenant.id, { kind: "project", title: "Portal", data: { status: "new" } });
    const update = await executedUpdate(item.id, "live");
    const [failing] = (await rollBack(update.id)).undoActions;
    // Someone removes the project by hand after the request: the undo cannot restore its fields.
    await environment.db.item.update({ where: { id: item.id }, data: { deletedAt: new Date() } });
    expect(await run(failing?.id ?? 0)).toMatchObject({ kind: "failed", error: expect.stringContaining("has been deleted") });
    await environment.db.item.update({ where: { id: item.id }, data: { deletedAt: null } });

    expect(await previewRollback(environment.deps, { actor: tenant.approver, input: { actionId: update.id } })).toMatchObject({ canRollBack: true, refusal: null });
    expect(await row(update.id)).toMatchObject({ rollbackActionId: null, rolledBackAt: null });
    const [retry] = (await rollBack(update.id)).undoActions;
    expect(retry?.id).not.toBe(failing?.id);
    expect(await row(update.id)).toMatchObject({ rollbackActionId: retry?.id, rolledBackAt: null });
    await expect(rollBack(update.id)).rejects.toMatchObject({ code: "CONFLICT", message: `#${update.id} is already being rolled back by #${retry?.id ?? 0}` });

    expect((await run(retry?.id ?? 0)).kind).toBe("executed");
    expect(await statusOf(item.id)).toEqual({ status: "new" });
    expect(await row(update.id)).toMatchObject({ rollbackActionId: retry?.id });
    await expect(rollBack(update.id)).rejects.toMatchObject({ code: "CONFLICT", message: expect.stringMatching(new RegExp(`^#${update.id} was already rolled back by #${retry?.id ?? 0} at \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d UTC$`)) });
    const undos = await environment.db.agentAction.findMany({ where: { rollbackOfId: update.id }, orderBy: { id: "asc" } });
    expect(undos.map((undo) => [undo.id, undo.status])).toEqual([
      [failing?.id, "failed"],
      [retry?.id, "executed"],
    ]);
  });
});

describe("the database keeps at most one live undo per original", () => {
  const undoOf = (originalId: number, itemId: number, status: "approved" | "failed" | "cancelled") =>
    createApprovedUpdate(environment.db, tenant.id, { itemId, data: {} }, { rollbackOfId: originalId, status, requiresApproval: false });

  it("of concurrent live undos of one action one is stored; undos that ended without running do not count", async () => {
    const item = await createTestItem(environment.db, tenant.id, { kind: "project", title: "Race", data: { status: "new" } });
    const update = await executedUpdate(item.id, "raced");
    await undoOf(update.id, item.id, "failed");
    await undoOf(update.id, item.id, "cancelled");
    const results = await Promise.allSettled(Array.from({ length: 5 }, () => undoOf(update.id, item.id, "approved")));
    expect(results.filter((result) => result.status === "fulfilled")).toHaveLength(1);
    for (const result of results) {
      if (result.status === "rejected") expect(result.reason).toMatchObject({ code: "P2002" });
    }
  });

  it("a rollback that meets a live undo the original does not name yet is CONFLICT, and changes nothing", async () => {
    const item = await createTestItem(environment.db, tenant.id, { kind: "project", title: "Behind", data: { status: "new" } });
    const elsewhere = await createTestItem(environment.db, tenant.id, { kind: "project", title: "Elsewhere" });
    const update = await executedUpdate(item.id, "ahead");
    // A live undo whose writer has not recorded it on the original yet, and that no other check sees.
    await undoOf(update.id, elsewhere.id, "approved");
    const count = await environment.db.agentAction.count();
    await expect(rollBack(update.id)).rejects.toMatchObject({ code: "CONFLICT", message: `#${update.id} is already being rolled back` });
    expect(await environment.db.agentAction.count()).toBe(count);
    expect(await row(update.id)).toMatchObject({ rollbackActionId: null });
  });
});
