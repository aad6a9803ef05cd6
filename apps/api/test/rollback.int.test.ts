import { afterAll, beforeAll, describe, expect, it } from "vitest";

import type { ProposeActionInput } from "@leash/core";
import { createTestItem, createTestTenant, waitFor, type TestEnvironment, type TestTenant } from "@leash/core/testing";

import type { AppRouter, TRPCClientError } from "../src/client.ts";
import { startApiStack } from "./support.ts";

let stack: Awaited<ReturnType<typeof startApiStack>>;
let environment: TestEnvironment;
let api: typeof stack.api;
let tenant: TestTenant;

beforeAll(async () => {
  stack = await startApiStack();
  ({ environment, api } = stack);
  tenant = await createTestTenant(environment.db, "rollbacks");
});

afterAll(() => stack.close());

const agent = () => api.client(tenant.keys.agent);
const approver = () => api.client(tenant.keys.approver);

async function waitForStatus(actionId: number, statuses: string[] = ["executed", "failed"]) {
  return waitFor(
    async () => {
      const action = await approver().action.get.query({ actionId });
      return statuses.includes(action.status) ? action : undefined;
    },
    { what: `#${actionId} to reach ${statuses.join("/")}` },
  );
}

/** Proposed by the agent, approved by a person, run by the worker. */
async function executed(input: ProposeActionInput) {
  const { action } = await agent().action.propose.mutate(input);
  await approver().action.approve.mutate({ actionId: action.id });
  const done = await waitForStatus(action.id);
  expect(done.status, done.errorMessage ?? "").toBe("executed");
  return done;
}

/** Rolls back with confirmation and waits until every undo action ran. */
async function rolledBack(actionId: number, cascade = false) {
  const { undoActions } = await approver().action.rollback.mutate({ actionId, cascade, confirm: true });
  const done = [];
  for (const undo of undoActions) done.push(await waitForStatus(undo.id));
  return done;
}

/** An item as a person compares it: every field except bookkeeping (version, timestamps). */
async function itemState(id: number) {
  const item = await environment.db.item.findUniqueOrThrow({ where: { id } });
  return { id: item.id, kind: item.kind, title: item.title, data: item.data, deletedAt: item.deletedAt };
}

const liveItems = () =>
  environment.db.item.findMany({ where: { tenantId: tenant.id, deletedAt: null }, orderBy: { id: "asc" }, select: { id: true, kind: true, title: true, data: true } });

const errorOf = (promise: Promise<unknown>) => promise.then(() => null, (error: unknown) => error as TRPCClientError<AppRouter>);

describe("rollback of each reversible type restores the exact previous state", () => {
  it("create: the created item is gone, every live item is as before", async () => {
    const before = await liveItems();
    const create = await executed({ actionType: "create", targetType: "project", parameters: { title: "Launch", data: { status: "planned" } } });
    expect(await liveItems()).toHaveLength(before.length + 1);

    const preview = await approver().action.rollbackPreview.query({ actionId: create.id });
    expect(preview).toMatchObject({ canRollBack: true, refusal: null, laterActionIds: [] });
    expect(preview.steps).toEqual([
      {
        actionId: create.id,
        actionType: "create",
        targetType: "project",
        targetId: create.targetId,
        description: `removes project #${create.targetId ?? 0} (it stays in the history)`,
        changes: [
          { field: "title", current: "Launch", restored: null },
          { field: "data.status", current: "planned", restored: null },
        ],
      },
    ]);

    const [undo] = await rolledBack(create.id);
    expect(undo).toMatchObject({ status: "executed", rollbackOfId: create.id, actionType: "create", targetId: create.targetId, proposedBy: { kind: "api_key" } });
    expect(await liveItems()).toEqual(before);
    const original = await approver().action.get.query({ actionId: create.id });
    expect(original.rollbackActionId).toBe(undo?.id);
    expect(original.rolledBackAt).not.toBeNull();
    expect(original.timeline.map((event) => event.type)).toEqual(["proposed", "approved", "started", "executed", "rollback_requested", "rolled_back"]);
    expect(undo?.timeline.map((event) => event.type)).toEqual(["rollback_requested", "started", "executed", "rolled_back"]);
    expect(undo?.timeline[0]?.actor.label).toBe(`approver key "approver-rollbacks"`);
  });

  it("update: title and data are the previous ones, field by field", async () => {
    const item = await createTestItem(environment.db, tenant.id, { kind: "project", title: "Website relaunch", data: { status: "active", dueDate: "2026-12-01", owner: "Ann" } });
    const before = await itemState(item.id);
    const update = await executed({
      actionType: "update",
      targetType: "project",
      targetId: item.id,
      parameters: { title: "Website relaunch 2", data: { status: "at_risk", dueDate: "2026-12-15", owner: null } },
    });
    expect(await itemState(item.id)).not.toEqual(before);

    const preview = await approver().action.rollbackPreview.query({ actionId: update.id });
    expect(preview.steps[0]?.changes).toEqual([
      { field: "title", current: "Website relaunch 2", restored: "Website relaunch" },
      { field: "data.status", current: "at_risk", restored: "active" },
      { field: "data.dueDate", current: "2026-12-15", restored: "2026-12-01" },
      { field: "data.owner", current: null, restored: "Ann" },
    ]);
    await rolledBack(update.id);
    expect(await itemState(item.id)).toEqual(before);
  });

  it("soft delete: the item is back", async () => {
    const item = await createTestItem(environment.db, tenant.id, { kind: "idea", title: "Dark mode", data: { score: 7 } });
    const before = await itemState(item.id);
    const deletion = await executed({ actionType: "delete", targetType: "idea", targetId: item.id, parameters: {} });
    expect((await itemState(item.id)).deletedAt).not.toBeNull();
    await rolledBack(deletion.id);
    expect(await itemState(item.id)).toEqual(before);
  });

  it("link: the link is gone", async () => {
    const person = await createTestItem(environment.db, tenant.id, { kind: "person", title: "Ada Lovelace" });
    const project = await createTestItem(environment.db, tenant.id, { kind: "project", title: "Engine" });
    const links = () => environment.db.link.findMany({ where: { tenantId: tenant.id }, orderBy: { id: "asc" } });
    const before = await links();
    const link = await executed({ actionType: "link", targetType: "person", targetId: person.id, parameters: { toType: "project", toId: project.id, relation: "works_on" } });
    expect(await links()).toHaveLength(before.length + 1);
    await rolledBack(link.id);
    expect(await links()).toEqual(before);
    expect([await itemState(person.id), await itemState(project.id)].map((state) => state.deletedAt)).toEqual([null, null]);
  });

  it("schedule: the reminder is cancelled and its delayed job removed, so it never fires", async () => {
    const reminders = () => environment.db.reminder.findMany({ where: { tenantId: tenant.id, status: "scheduled" } });
    const before = await reminders();
    const schedule = await executed({ actionType: "schedule", parameters: { dueAt: new Date(Date.now() + 3_600_000).toISOString(), message: "Call back" } });
    const { reminderId } = schedule.result as { reminderId: number };
    expect(await environment.deps.queue.hasLiveReminder(reminderId)).toBe(true);
    await rolledBack(schedule.id);
    expect(await reminders()).toEqual(before);
    expect(await environment.db.reminder.findUniqueOrThrow({ where: { id: reminderId } })).toMatchObject({ status: "cancelled", firedAt: null });
    expect(await environment.deps.queue.hasLiveReminder(reminderId)).toBe(false);
  });
});

describe("irreversible actions are refused with their reason", () => {
  it("notify: a sent message cannot be recalled", async () => {
    const notify = await executed({ actionType: "notify", parameters: { channel: "email", recipient: "dana@example.com", message: "Deploy done" } });
    const expected = `#${notify.id} sent a notification; a sent message cannot be recalled`;
    expect(await approver().action.rollbackPreview.query({ actionId: notify.id })).toMatchObject({ canRollBack: false, refusal: { code: "NOT_REVERSIBLE", message: expected }, steps: [] });
    const error = await errorOf(approver().action.rollback.mutate({ actionId: notify.id, confirm: true }));
    expect(error?.data).toMatchObject({ code: "UNPROCESSABLE_CONTENT", httpStatus: 422 });
    expect(error?.message).toBe(expected);
    expect((await approver().action.get.query({ actionId: notify.id })).rollbackActionId).toBeNull();
  });

  it("delete with permanent: true cannot be restored", async () => {
    const item = await createTestItem(environment.db, tenant.id, { kind: "admin", title: "Old certificate" });
    const deletion = await executed({ actionType: "delete", targetType: "admin", targetId: item.id, parameters: { permanent: true } });
    const error = await errorOf(approver().action.rollback.mutate({ actionId: deletion.id, confirm: true }));
    expect(error?.message).toBe(`#${deletion.id} deleted admin #${item.id} permanently; it cannot be restored`);
    expect(error?.data).toMatchObject({ code: "UNPROCESSABLE_CONTENT" });
  });

  it("schedule: refused once the reminder has fired", async () => {
    const schedule = await executed({ actionType: "schedule", parameters: { dueAt: new Date(Date.now() + 1_000).toISOString(), message: "Soon" } });
    const { reminderId } = schedule.result as { reminderId: number };
    const fired = await waitFor(async () => {
      const reminder = await environment.db.reminder.findUniqueOrThrow({ where: { id: reminderId } });
      return reminder.status === "fired" ? reminder : undefined;
    });
    const error = await errorOf(approver().action.rollback.mutate({ actionId: schedule.id, confirm: true }));
    expect(error?.message).toBe(`#${schedule.id} scheduled a reminder that already fired at ${fired.firedAt?.toISOString().slice(0, 16).replace("T", " ") ?? ""} UTC; it cannot be recalled`);
    expect(error?.data).toMatchObject({ code: "UNPROCESSABLE_CONTENT" });
  });
});

describe("later changes", () => {
  it("create then update: CONFLICT naming the update; with cascade both are undone, newest first, and the item is gone", async () => {
    const create = await executed({ actionType: "create", targetType: "person", parameters: { title: "Grace Hopper", data: { role: "Engineer" } } });
    const personId = create.targetId ?? 0;
    const update = await executed({ actionType: "update", targetType: "person", targetId: personId, parameters: { data: { role: "Rear Admiral" } } });
    const conflict = `#${create.id} was changed later by #${update.id}: roll back with cascade to undo both, newest first`;

    const error = await errorOf(approver().action.rollback.mutate({ actionId: create.id, confirm: true }));
    expect(error?.data).toMatchObject({ code: "CONFLICT", httpStatus: 409 });
    expect(error?.message).toBe(conflict);
    expect(await environment.db.agentAction.count({ where: { rollbackOfId: { not: null }, targetId: personId } })).toBe(0);

    const preview = await approver().action.rollbackPreview.query({ actionId: create.id });
    expect(preview).toMatchObject({ canRollBack: false, refusal: { code: "CONFLICT", message: conflict }, laterActionIds: [update.id] });
    const cascadePreview = await approver().action.rollbackPreview.query({ actionId: create.id, cascade: true });
    expect(cascadePreview).toMatchObject({ canRollBack: true, refusal: null, laterActionIds: [update.id] });
    expect(cascadePreview.steps.map((step) => [step.actionId, step.changes])).toEqual([
      [update.id, [{ field: "data.role", current: "Rear Admiral", restored: "Engineer" }]],
      [create.id, [{ field: "title", current: "Grace Hopper", restored: null }, { field: "data.role", current: "Engineer", restored: null }]],
    ]);

    const undos = await rolledBack(create.id, true);
    expect(undos.map((undo) => undo.rollbackOfId)).toEqual([update.id, create.id]);
    const [undoUpdate, undoCreate] = undos;
    expect(undoCreate?.dependsOnId).toBe(undoUpdate?.id);
    expect(Date.parse(undoUpdate?.executedAt ?? "")).toBeLessThanOrEqual(Date.parse(undoCreate?.executedAt ?? ""));
    const executedEvents = await environment.db.actionEvent.findMany({ where: { actionId: { in: undos.map((undo) => undo.id) }, type: "executed" }, orderBy: { id: "asc" } });
    expect(executedEvents.map((event) => event.actionId)).toEqual([undoUpdate?.id, undoCreate?.id]);
    expect((await itemState(personId)).deletedAt).not.toBeNull();
    expect((await liveItems()).some((item) => item.id === personId)).toBe(false);
    for (const original of [create, update]) {
      const after = await approver().action.get.query({ actionId: original.id });
      expect(after.rolledBackAt).not.toBeNull();
      expect(after.timeline.slice(-2).map((event) => event.type)).toEqual(["rollback_requested", "rolled_back"]);
    }
  });
});

describe("an undo that failed undid nothing", () => {
  it("a later change whose undo failed keeps an earlier rollback out (CONFLICT naming it), and is rolled back again once the item allows it", async () => {
    const item = await createTestItem(environment.db, tenant.id, { kind: "project", title: "Intranet", data: { status: "planned" } });
    const update = (status: string) => executed({ actionType: "update", targetType: "project", targetId: item.id, parameters: { data: { status } } });
    const first = await update("active");
    const second = await update("done");
    // Someone removes the project by hand: the undo of the second update has nothing to restore.
    await environment.db.item.update({ where: { id: item.id }, data: { deletedAt: new Date() } });
    const [failed] = await rolledBack(second.id);
    expect(failed).toMatchObject({ status: "failed", rollbackOfId: second.id, errorMessage: expect.stringContaining("has been deleted") });
    await environment.db.item.update({ where: { id: item.id }, data: { deletedAt: null } });

    // The second update is still in effect, so the first cannot be undone alone.
    const conflict = `#${first.id} was changed later by #${second.id}: roll back with cascade to undo both, newest first`;
    expect(await approver().action.rollbackPreview.query({ actionId: first.id })).toMatchObject({ canRollBack: false, refusal: { code: "CONFLICT", message: conflict } });
    const refused = await errorOf(approver().action.rollback.mutate({ actionId: first.id, confirm: true }));
    expect(refused?.data).toMatchObject({ code: "CONFLICT" });
    expect(refused?.message).toBe(conflict);
    expect(await approver().action.get.query({ actionId: second.id })).toMatchObject({ rollbackActionId: null, rolledBackAt: null });

    const [retried] = await rolledBack(second.id);
    expect(retried).toMatchObject({ status: "executed", rollbackOfId: second.id });
    expect(await itemState(item.id)).toMatchObject({ data: { status: "active" } });
    const original = await approver().action.get.query({ actionId: second.id });
    expect(original.rollbackActionId).toBe(retried?.id);
    expect(original.rolledBackAt).not.toBeNull();
    expect(original.timeline.map((event) => event.type).slice(-3)).toEqual(["rollback_requested", "rollback_requested", "rolled_back"]);
    await rolledBack(first.id);
    expect(await itemState(item.id)).toMatchObject({ data: { status: "planned" }, deletedAt: null });
  });
});

describe("confirmation and repeats", () => {
  it("without confirm: true it is BAD_REQUEST and nothing changes; a second rollback is CONFLICT", async () => {
    const item = await createTestItem(environment.db, tenant.id, { kind: "idea", title: "Self-serve onboarding", data: { status: "new" } });
    const update = await executed({ actionType: "update", targetType: "idea", targetId: item.id, parameters: { data: { status: "accepted" } } });
    const count = await environment.db.agentAction.count();
    const events = await environment.db.actionEvent.count();
    for (const body of [{ actionId: update.id }, { actionId: update.id, confirm: false }, { actionId: update.id, confirm: "yes" }]) {
      const response = await api.call("POST", "action.rollback", { apiKey: tenant.keys.approver, body });
      expect(response.status).toBe(400);
      expect(response.body.error?.data.code).toBe("BAD_REQUEST");
      expect(response.body.error?.data.issues).toContainEqual(expect.objectContaining({ path: ["confirm"] }));
    }
    expect(await environment.db.agentAction.count()).toBe(count);
    expect(await environment.db.actionEvent.count()).toBe(events);
    expect((await environment.db.agentAction.findUniqueOrThrow({ where: { id: update.id } })).rollbackActionId).toBeNull();
    expect(await itemState(item.id)).toMatchObject({ data: { status: "accepted" } });

    const agentTry = await errorOf(agent().action.rollback.mutate({ actionId: update.id, confirm: true }));
    expect(agentTry?.data).toMatchObject({ code: "FORBIDDEN" });

    const { undoActions } = await approver().action.rollback.mutate({ actionId: update.id, confirm: true, reason: "Not accepted yet" });
    const [undo] = undoActions;
    expect(undo).toMatchObject({ status: "approved", reason: "Not accepted yet", requiresApproval: false, rollbackOfId: update.id });
    const again = await errorOf(approver().action.rollback.mutate({ actionId: update.id, confirm: true }));
    expect(again?.data).toMatchObject({ code: "CONFLICT" });
    expect(again?.message).toMatch(new RegExp(`^#${update.id} (is already being|was already) rolled back by #${undo?.id ?? 0}`));
    await waitForStatus(undo?.id ?? 0);
    const afterUndo = await errorOf(approver().action.rollback.mutate({ actionId: update.id, confirm: true }));
    expect(afterUndo?.message).toMatch(new RegExp(`^#${update.id} was already rolled back by #${undo?.id ?? 0} at `));
    const ofUndo = await errorOf(approver().action.rollback.mutate({ actionId: undo?.id ?? 0, confirm: true }));
    expect(ofUndo?.message).toBe(`#${undo?.id ?? 0} is the rollback of #${update.id}; propose the change again instead`);
    expect(await environment.db.agentAction.count({ where: { rollbackOfId: update.id } })).toBe(1);
    expect(await itemState(item.id)).toMatchObject({ data: { status: "new" } });
  });

  it("of ten people rolling back the same action at once, one wins and nine get CONFLICT", async () => {
    const item = await createTestItem(environment.db, tenant.id, { kind: "idea", title: "Race", data: { score: 1 } });
    const update = await executed({ actionType: "update", targetType: "idea", targetId: item.id, parameters: { data: { score: 9 } } });
    const results = await Promise.allSettled(Array.from({ length: 10 }, () => approver().action.rollback.mutate({ actionId: update.id, confirm: true })));
    const won = results.filter((result) => result.status === "fulfilled");
    const lost = results.filter((result): result is PromiseRejectedResult => result.status === "rejected");
    expect(won).toHaveLength(1);
    expect(lost.map((result) => (result.reason as TRPCClientError<AppRouter>).data?.code)).toEqual(Array(9).fill("CONFLICT"));
    expect(await environment.db.agentAction.count({ where: { rollbackOfId: update.id } })).toBe(1);
    const [undo] = won[0]?.status === "fulfilled" ? won[0].value.undoActions : [];
    await waitForStatus(undo?.id ?? 0);
    expect(await itemState(item.id)).toMatchObject({ data: { score: 1 } });
  });

  it("after a failed undo, of ten people rolling back again at once, one wins and nine get CONFLICT", async () => {
    const item = await createTestItem(environment.db, tenant.id, { kind: "idea", title: "Rematch", data: { score: 1 } });
    const update = await executed({ actionType: "update", targetType: "idea", targetId: item.id, parameters: { data: { score: 9 } } });
    await environment.db.item.update({ where: { id: item.id }, data: { deletedAt: new Date() } });
    const [failed] = await rolledBack(update.id);
    expect(failed?.status).toBe("failed");
    await environment.db.item.update({ where: { id: item.id }, data: { deletedAt: null } });

    const results = await Promise.allSettled(Array.from({ length: 10 }, () => approver().action.rollback.mutate({ actionId: update.id, confirm: true })));
    const won = results.filter((result) => result.status === "fulfilled");
    const lost = results.filter((result): result is PromiseRejectedResult => result.status === "rejected");
    expect(won).toHaveLength(1);
    expect(lost.map((result) => (result.reason as TRPCClientError<AppRouter>).data?.code)).toEqual(Array(9).fill("CONFLICT"));
    expect(await environment.db.agentAction.count({ where: { rollbackOfId: update.id, status: { notIn: ["failed", "cancelled"] } } })).toBe(1);
    const [undo] = won[0]?.status === "fulfilled" ? won[0].value.undoActions : [];
    expect((await waitForStatus(undo?.id ?? 0)).status).toBe("executed");
    expect(await itemState(item.id)).toMatchObject({ data: { score: 1 } });
  });

  it("an action that has not executed cannot be rolled back; another tenant's action is NOT_FOUND", async () => {
    const { action } = await agent().action.propose.mutate({ actionType: "notify", parameters: { channel: "in_app", recipient: tenant.inbox, message: "later" } });
    const pending = await errorOf(approver().action.rollback.mutate({ actionId: action.id, confirm: true }));
    expect(pending?.message).toBe(`#${action.id} is pending; only executed actions can be rolled back`);
    const other = await createTestTenant(environment.db, "rollbacks-other");
    const foreign = await errorOf(api.client(other.keys.approver).action.rollbackPreview.query({ actionId: action.id }));
    expect(foreign?.data).toMatchObject({ code: "NOT_FOUND" });
  });
});
