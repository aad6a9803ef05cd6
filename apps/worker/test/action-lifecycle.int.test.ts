import { Queue } from "bullmq";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import {
  approveAction,
  cancelAction,
  CoreError,
  defineActionType,
  notifyAction,
  registeredActionTypes,
  getAction,
  proposeAction,
  queueNames,
  setPreference,
  type ActionRegistry,
  type ProposeActionInput,
} from "@leash/core";
import {
  createTestEnvironment,
  createTestItem,
  createTestTenant,
  waitFor,
  type TestEnvironment,
  type TestTenant,
} from "@leash/core/testing";

import { startTestWorker, startWorkerStack, type WorkerStack } from "./support.ts";

let stack: WorkerStack;
let environment: TestEnvironment;
let tenant: TestTenant;

beforeAll(async () => {
  stack = await startWorkerStack();
  ({ environment, tenant } = stack);
});

afterAll(() => stack.close());

async function proposeAndApprove(input: ProposeActionInput) {
  const { action } = await proposeAction(environment.deps, { actor: tenant.agent, input });
  expect(action.status).toBe("pending");
  await approveAction(environment.deps, { actor: tenant.approver, input: { actionId: action.id } });
  return waitForStatus(action.id, ["executed", "failed"]);
}

async function waitForStatus(actionId: number, statuses: string[]) {
  return waitFor(
    async () => {
      const action = await getAction(environment.deps, { actor: tenant.viewer, input: { actionId } });
      return statuses.includes(action.status) ? action : undefined;
    },
    { what: `action #${actionId} to reach ${statuses.join("/")}` },
  );
}

describe("propose -> pending -> approve -> executed, with a real effect for every type", () => {
  it("create makes the item", async () => {
    const action = await proposeAndApprove({
      actionType: "create",
      targetType: "project",
      parameters: { title: "Website relaunch", data: { status: "active", dueDate: "2026-12-01" } },
      reason: "Kick-off call",
    });
    expect(action.status).toBe("executed");
    const item = await environment.db.item.findUniqueOrThrow({ where: { id: action.targetId ?? 0 } });
    expect(item).toMatchObject({
      tenantId: tenant.id,
      kind: "project",
      title: "Website relaunch",
      data: { status: "active", dueDate: "2026-12-01" },
    });
    expect(action.timeline.map((event) => event.type)).toEqual([
      "proposed",
      "approved",
      "started",
      "executed",
    ]);
    expect(action.timeline[1]?.actor.label).toBe(tenant.approver.label);
  });

  it("update changes the fields and keeps the state before as rollbackData", async () => {
    const item = await createTestItem(environment.db, tenant.id, {
      kind: "project",
      title: "Portal",
      data: { status: "active", owner: "Ann" },
    });
    const action = await proposeAndApprove({
      actionType: "update",
      targetType: "project",
      targetId: item.id,
      parameters: { title: "Customer portal", data: { status: "at_risk", owner: null } },
    });
    expect(action.status).toBe("executed");
    const after = await environment.db.item.findUniqueOrThrow({ where: { id: item.id } });
    expect(after).toMatchObject({ title: "Customer portal", data: { status: "at_risk" }, version: 2 });
    expect(action.rollbackData).toMatchObject({
      before: { title: "Portal", data: { status: "active", owner: "Ann" }, version: 1 },
    });
  });

  it("delete soft-deletes the item", async () => {
    const item = await createTestItem(environment.db, tenant.id, { kind: "idea", title: "Dark mode" });
    const action = await proposeAndApprove({
      actionType: "delete",
      targetType: "idea",
      targetId: item.id,
      parameters: {},
    });
    expect(action.status).toBe("executed");
    const after = await environment.db.item.findUniqueOrThrow({ where: { id: item.id } });
    expect(after.deletedAt).not.toBeNull();
    expect(action.rollbackData).toMatchObject({ before: { title: "Dark mode", deletedAt: null } });
  });

  it("link joins two items", async () => {
    const person = await createTestItem(environment.db, tenant.id, { kind: "person", title: "Ada Lovelace" });
    const project = await createTestItem(environment.db, tenant.id, { kind: "project", title: "Engine" });
    const action = await proposeAndApprove({
      actionType: "link",
      targetType: "person",
      targetId: person.id,
      parameters: { toType: "project", toId: project.id, relation: "works_on" },
    });
    expect(action.status).toBe("executed");
    const links = await environment.db.link.findMany({ where: { fromId: person.id } });
    expect(links).toMatchObject([{ toId: project.id, relation: "works_on", tenantId: tenant.id }]);
  });

  it("notify records the notification", async () => {
    const action = await proposeAndApprove({
      actionType: "notify",
      parameters: {
        channel: "email",
        recipient: "dana@example.com",
        subject: "Hi",
        message: "The relaunch moved",
      },
    });
    expect(action.status).toBe("executed");
    const notifications = await environment.db.notification.findMany({ where: { actionId: action.id } });
    expect(notifications).toMatchObject([
      { channel: "email", recipient: "dana@example.com", message: "The relaunch moved" },
    ]);
  });

  it("schedule creates a reminder that fires at its due time", async () => {
    const dueAt = new Date(Date.now() + 1_500);
    const action = await proposeAndApprove({
      actionType: "schedule",
      parameters: { dueAt: dueAt.toISOString(), message: "Call the client back" },
    });
    expect(action.status).toBe("executed");
    const reminderId = (action.result as { reminderId: number }).reminderId;
    const scheduled = await environment.db.reminder.findUniqueOrThrow({ where: { id: reminderId } });
    expect(scheduled.status).toBe("scheduled");
    const fired = await waitFor(
      async () => {
        const reminder = await environment.db.reminder.findUniqueOrThrow({ where: { id: reminderId } });
        return reminder.status === "fired" ? reminder : undefined;
      },
      { what: "the reminder to fire" },
    );
    expect(fired.firedAt?.getTime()).toBeGreaterThanOrEqual(dueAt.getTime());
    expect(fired.firedAt?.getTime()).toBeLessThan(dueAt.getTime() + 3_000);
  });
});

describe("approval preferences", () => {
  it("auto-approves a covered type with no person, and the timeline names the preference", async () => {
    const other = await createTestTenant(environment.db);
    const preference = await setPreference(environment.deps, {
      actor: other.admin,
      input: { actionType: "create", targetType: "idea", autoApprove: true },
    });
    const { action } = await proposeAction(environment.deps, {
      actor: other.agent,
      input: { actionType: "create", targetType: "idea", parameters: { title: "Auto idea" } },
    });
    expect(action.status).toBe("approved");
    expect(action.requiresApproval).toBe(false);
    const done = await waitFor(async () => {
      const current = await getAction(environment.deps, {
        actor: other.viewer,
        input: { actionId: action.id },
      });
      return current.status === "executed" ? current : undefined;
    });
    expect(done.timeline.map((event) => event.type)).toEqual([
      "proposed",
      "auto_approved",
      "started",
      "executed",
    ]);
    expect(done.timeline[1]?.details).toMatchObject({ preferenceId: preference.id, rule: "create on idea" });

    const { action: project } = await proposeAction(environment.deps, {
      actor: other.agent,
      input: { actionType: "create", targetType: "project", parameters: { title: "Needs a person" } },
    });
    expect(project.status).toBe("pending");
  });
});

describe("races", () => {
  it("50 concurrent approvals: exactly one wins, the others get CONFLICT, and the action runs once", async () => {
    const { action } = await proposeAction(environment.deps, {
      actor: tenant.agent,
      input: { actionType: "notify", parameters: { channel: "in_app", recipient: tenant.inbox, message: "race" } },
    });
    const results = await Promise.allSettled(
      Array.from({ length: 50 }, () =>
        approveAction(environment.deps, { actor: tenant.approver, input: { actionId: action.id } }),
      ),
    );
    const won = results.filter((result) => result.status === "fulfilled");
    const lost = results.filter((result): result is PromiseRejectedResult => result.status === "rejected");
    expect(won).toHaveLength(1);
    expect(lost).toHaveLength(49);
    for (const result of lost) {
      expect(result.reason).toBeInstanceOf(CoreError);
      expect((result.reason as CoreError).code).toBe("CONFLICT");
      expect((result.reason as CoreError).message).toMatch(/already approved by Dana/);
    }
    await waitForStatus(action.id, ["executed"]);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await environment.db.notification.count({ where: { actionId: action.id } })).toBe(1);
    const events = await environment.db.actionEvent.findMany({ where: { actionId: action.id } });
    expect(events.filter((event) => event.type === "approved")).toHaveLength(1);
    expect(events.filter((event) => event.type === "executed")).toHaveLength(1);
  });
});

describe("cancel", () => {
  it("an action cancelled after the claim answers CONFLICT and still runs once", async () => {
    let release: () => void = () => undefined;
    const released = new Promise<void>((resolve) => (release = resolve));
    let started: () => void = () => undefined;
    const claimed = new Promise<void>((resolve) => (started = resolve));
    const slowRegistry: ActionRegistry = {
      ...registeredActionTypes(),
      notify: defineActionType({
        ...notifyAction,
        async execute(context) {
          started();
          await released;
          return notifyAction.execute(context);
        },
      }),
    };
    const slowEnvironment = await createTestEnvironment();
    const slowTenant = await createTestTenant(slowEnvironment.db);
    const slowWorker = await startTestWorker(slowEnvironment, { registry: slowRegistry });
    try {
      const { action } = await proposeAction(slowEnvironment.deps, {
        actor: slowTenant.agent,
        input: {
          actionType: "notify",
          parameters: { channel: "in_app", recipient: slowTenant.inbox, message: "slow" },
        },
      });
      await approveAction(slowEnvironment.deps, {
        actor: slowTenant.approver,
        input: { actionId: action.id },
      });
      await claimed;
      await expect(
        cancelAction(slowEnvironment.deps, { actor: slowTenant.approver, input: { actionId: action.id } }),
      ).rejects.toMatchObject({
        code: "CONFLICT",
        message: expect.stringMatching(/already approved by Dana .* and is executing/),
      });
      release();
      const done = await waitFor(async () => {
        const current = await slowEnvironment.db.agentAction.findUniqueOrThrow({ where: { id: action.id } });
        return current.status === "executed" ? current : undefined;
      });
      expect(done.cancelledAt).toBeNull();
      expect(await slowEnvironment.db.notification.count({ where: { actionId: action.id } })).toBe(1);
    } finally {
      release();
      await slowWorker.close();
      await slowEnvironment.close();
    }
  });

  it("an approved action cancelled before any worker claims it never executes", async () => {
    const idle = await createTestEnvironment();
    const idleTenant = await createTestTenant(idle.db);
    try {
      const { action } = await proposeAction(idle.deps, {
        actor: idleTenant.agent,
        input: {
          actionType: "notify",
          parameters: { channel: "in_app", recipient: idleTenant.inbox, message: "never" },
        },
      });
      await approveAction(idle.deps, { actor: idleTenant.approver, input: { actionId: action.id } });
      const cancelled = await cancelAction(idle.deps, {
        actor: idleTenant.agent,
        input: { actionId: action.id, reason: "changed my mind" },
      });
      expect(cancelled.status).toBe("cancelled");
      const lateWorker = await startTestWorker(idle);
      const executions = new Queue(queueNames.actions, { connection: idle.redis, prefix: idle.queuePrefix });
      try {
        await waitFor(async () => (await executions.getJobCounts("completed")).completed === 1, {
          what: "the job to be consumed",
        });
        const after = await idle.db.agentAction.findUniqueOrThrow({ where: { id: action.id } });
        expect(after.status).toBe("cancelled");
        expect(after.attempts).toBe(0);
        expect(await idle.db.notification.count()).toBe(0);
      } finally {
        await executions.close();
        await lateWorker.close();
      }
    } finally {
      await idle.close();
    }
  });

  it("a viewer cannot cancel, and a pending action can be cancelled by its proposer", async () => {
    const { action } = await proposeAction(environment.deps, {
      actor: tenant.agent,
      input: { actionType: "notify", parameters: { channel: "in_app", recipient: tenant.inbox, message: "x" } },
    });
    await expect(
      cancelAction(environment.deps, { actor: tenant.viewer, input: { actionId: action.id } }),
    ).rejects.toMatchObject({ code: "FORBIDDEN" });
    const cancelled = await cancelAction(environment.deps, {
      actor: tenant.agent,
      input: { actionId: action.id },
    });
    expect(cancelled.status).toBe("cancelled");
    await expect(
      approveAction(environment.deps, { actor: tenant.approver, input: { actionId: action.id } }),
    ).rejects.toMatchObject({
      code: "CONFLICT",
      message: expect.stringMatching(/already cancelled/),
    });
  });
});
