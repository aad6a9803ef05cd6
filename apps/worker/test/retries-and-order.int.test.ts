import { Queue } from "bullmq";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import {
  approveAction,
  cancelAction,
  createTemplate,
  defineActionType,
  notifyAction,
  registeredActionTypes,
  rollbackAction,
  runTemplate,
  updateAction,
  getAction,
  proposeAction,
  queueNames,
  setPreference,
  type ActionRegistry,
} from "@leash/core";
import {
  createApprovedUpdate,
  createTestEnvironment,
  createTestItem,
  createTestTenant,
  waitFor,
  type TestEnvironment,
  type TestTenant,
} from "@leash/core/testing";

import type { WorkerRuntime } from "../src/worker-runtime.ts";
import { startTestWorker } from "./support.ts";

let environment: TestEnvironment;
let tenant: TestTenant;
let worker: WorkerRuntime;
const failuresLeft = new Map<string, number>();

/** notify fails as many times as the recipient asks ("fail-2@example.com" fails twice, "fail-always@example.com" always). */
const flakyRegistry: ActionRegistry = {
  ...registeredActionTypes(),
  notify: defineActionType({
    ...notifyAction,
    async execute(context) {
      const { recipient } = context.parameters as { recipient: string };
      const left =
        failuresLeft.get(`${context.actionId}`) ??
        (recipient === "fail-always@example.com" ? Infinity : Number(/^fail-(\d+)@/.exec(recipient)?.[1] ?? 0));
      if (left > 0) {
        failuresLeft.set(`${context.actionId}`, left - 1);
        throw new Error(`mail server unavailable (${recipient})`);
      }
      return notifyAction.execute(context);
    },
  }),
  update: defineActionType({
    ...updateAction,
    async execute(context) {
      // Slow enough that a delete racing ahead would overtake the update without the ordering rule.
      await new Promise((resolve) => setTimeout(resolve, 40));
      return updateAction.execute(context);
    },
  }),
};

beforeAll(async () => {
  environment = await createTestEnvironment({ maxAttempts: 3 });
  tenant = await createTestTenant(environment.db);
  for (const actionType of ["notify", "update", "delete"] as const) {
    await setPreference(environment.deps, { actor: tenant.admin, input: { actionType, autoApprove: true } });
  }
  worker = await startTestWorker(environment, { registry: flakyRegistry, concurrency: 8 });
});

afterAll(async () => {
  await worker.close();
  await environment.close();
});

async function finalState(actionId: number) {
  return waitFor(
    async () => {
      const action = await getAction(environment.deps, { actor: tenant.viewer, input: { actionId } });
      return action.status === "executed" || action.status === "failed" ? action : undefined;
    },
    { what: `action #${actionId} to finish` },
  );
}

describe("retries", () => {
  it("a handler failing twice then succeeding is executed, with three attempts and growing delays in its timeline", async () => {
    const { action } = await proposeAction(environment.deps, {
      actor: tenant.agent,
      input: {
        actionType: "notify",
        parameters: { channel: "email", recipient: "fail-2@example.com", message: "retry me" },
      },
    });
    const done = await finalState(action.id);
    expect(done.status).toBe("executed");
    expect(done.attempts).toBe(3);
    const types = done.timeline.map((event) => event.type);
    expect(types).toEqual([
      "proposed",
      "auto_approved",
      "started",
      "retried",
      "started",
      "retried",
      "started",
      "executed",
    ]);
    const retried = done.timeline.filter((event) => event.type === "retried");
    const delays = retried.map((event) => (event.details as { nextDelayMs: number }).nextDelayMs);
    expect(delays).toEqual([100, 200]);
    expect(retried[0]?.details).toMatchObject({ attempt: 1, error: "mail server unavailable (fail-2@example.com)" });
    const starts = done.timeline
      .filter((event) => event.type === "started")
      .map((event) => Date.parse(event.createdAt));
    const gaps = [starts[1]! - starts[0]!, starts[2]! - starts[1]!];
    expect(gaps[0]).toBeGreaterThanOrEqual(100);
    expect(gaps[1]).toBeGreaterThanOrEqual(200);
    expect(await environment.db.notification.count({ where: { actionId: action.id } })).toBe(1);
  });

  it("a handler that always fails ends failed with its error after the configured attempts", async () => {
    const { action } = await proposeAction(environment.deps, {
      actor: tenant.agent,
      input: {
        actionType: "notify",
        parameters: { channel: "email", recipient: "fail-always@example.com", message: "never" },
      },
    });
    const done = await finalState(action.id);
    expect(done.status).toBe("failed");
    expect(done.attempts).toBe(3);
    expect(done.errorMessage).toBe("mail server unavailable (fail-always@example.com)");
    expect(done.timeline.filter((event) => event.type === "started")).toHaveLength(3);
    expect(done.timeline.at(-1)).toMatchObject({
      type: "failed",
      details: { attempt: 3, error: "mail server unavailable (fail-always@example.com)" },
    });
    expect(await environment.db.notification.count({ where: { actionId: action.id } })).toBe(0);
  });

  it("an error a retry cannot fix (the target disappeared) fails at the first attempt", async () => {
    const person = await createTestItem(environment.db, tenant.id, { kind: "person", title: "Temporary" });
    const project = await createTestItem(environment.db, tenant.id, { kind: "project", title: "Gone soon" });
    const { action } = await proposeAction(environment.deps, {
      actor: tenant.agent,
      input: {
        actionType: "link",
        targetType: "person",
        targetId: person.id,
        parameters: { toType: "project", toId: project.id, relation: "owns" },
      },
    });
    expect(action.status).toBe("pending");
    await environment.db.item.delete({ where: { id: project.id } });
    await approveAction(environment.deps, { actor: tenant.approver, input: { actionId: action.id } });
    const done = await finalState(action.id);
    expect(done.status).toBe("failed");
    expect(done.attempts).toBe(1);
    expect(done.errorMessage).toBe(`No project #${project.id}`);
    expect(done.timeline.at(-1)).toMatchObject({ type: "failed", details: { permanent: true } });
  });
});

describe("order on one target", () => {
  it("update then delete on one item, proposed in that order, execute in that order with concurrency 8", async () => {
    const items = await Promise.all(
      Array.from({ length: 12 }, (_, index) =>
        createTestItem(environment.db, tenant.id, { kind: "project", title: `P${index}` }),
      ),
    );
    const pairs = [];
    for (const item of items) {
      const { action: update } = await proposeAction(environment.deps, {
        actor: tenant.agent,
        input: {
          actionType: "update",
          targetType: "project",
          targetId: item.id,
          parameters: { data: { status: "done" } },
        },
      });
      const { action: remove } = await proposeAction(environment.deps, {
        actor: tenant.agent,
        input: { actionType: "delete", targetType: "project", targetId: item.id, parameters: {} },
      });
      pairs.push({ item, update, remove });
    }
    for (const { item, update, remove } of pairs) {
      const updated = await finalState(update.id);
      const removed = await finalState(remove.id);
      expect(updated.status).toBe("executed");
      expect(removed.status).toBe("executed");
      expect(Date.parse(updated.executedAt ?? "")).toBeLessThanOrEqual(Date.parse(removed.executedAt ?? ""));
      const updateDone = updated.timeline.find((event) => event.type === "executed");
      const removeStarted = removed.timeline.findLast((event) => event.type === "started");
      expect(BigInt(updateDone?.id ?? 0)).toBeLessThan(BigInt(removeStarted?.id ?? 0));
      const row = await environment.db.item.findUniqueOrThrow({ where: { id: item.id } });
      expect(row).toMatchObject({ data: { status: "done" }, version: 3 });
      expect(row.deletedAt).not.toBeNull();
    }
  });

  it("an action waiting for a person does not hold up a later approved one on the same target", async () => {
    await setPreference(environment.deps, {
      actor: tenant.admin,
      input: { actionType: "link", autoApprove: false },
    });
    const person = await createTestItem(environment.db, tenant.id, { kind: "person", title: "Grace" });
    const project = await createTestItem(environment.db, tenant.id, { kind: "project", title: "Compiler" });
    const { action: waiting } = await proposeAction(environment.deps, {
      actor: tenant.agent,
      input: {
        actionType: "link",
        targetType: "person",
        targetId: person.id,
        parameters: { toType: "project", toId: project.id, relation: "leads" },
      },
    });
    const { action: later } = await proposeAction(environment.deps, {
      actor: tenant.agent,
      input: {
        actionType: "update",
        targetType: "person",
        targetId: person.id,
        parameters: { data: { role: "Rear admiral" } },
      },
    });
    expect(waiting.status).toBe("pending");
    expect((await finalState(later.id)).status).toBe("executed");
  });

  it("a template step waiting for a step that waits for a person holds up neither later actions on its item nor their rollback", async () => {
    await setPreference(environment.deps, { actor: tenant.admin, input: { actionType: "link", autoApprove: false } });
    const person = await createTestItem(environment.db, tenant.id, { kind: "person", title: "Ada", data: { role: "Analyst" } });
    const project = await createTestItem(environment.db, tenant.id, { kind: "project", title: "Engine" });
    const proposeUpdate = async (role: string) =>
      (await proposeAction(environment.deps, { actor: tenant.agent, input: { actionType: "update", targetType: "person", targetId: person.id, parameters: { data: { role } } } })).action;
    const earlier = await proposeUpdate("Engineer");
    expect((await finalState(earlier.id)).status).toBe("executed");
    const template = await createTemplate(environment.deps, {
      actor: tenant.approver,
      input: {
        name: "Staff the engine",
        steps: [
          { actionType: "link", targetType: "project", targetId: project.id, parameters: { toType: "person", toId: person.id, relation: "staffed_by" } },
          { actionType: "update", targetType: "person", targetId: person.id, parameters: { data: { role: "Lead" } } },
        ],
      },
    });
    const run = await runTemplate(environment.deps, { actor: tenant.agent, input: { templateId: template.id, parameters: {} } });
    const [link, step] = run.actions;
    expect([link?.status, step?.status]).toEqual(["pending", "approved"]);

    const later = await proposeUpdate("Architect");
    expect((await finalState(later.id)).status).toBe("executed");
    const { undoActions } = await rollbackAction(environment.deps, { actor: tenant.approver, input: { actionId: later.id, confirm: true } });
    expect((await finalState(undoActions[0]?.id ?? 0)).status).toBe("executed");
    expect((await environment.db.item.findUniqueOrThrow({ where: { id: person.id } })).data).toEqual({ role: "Engineer" });

    // Once a person approves the first step, both steps run, after everything that ran meanwhile.
    await approveAction(environment.deps, { actor: tenant.approver, input: { actionId: link?.id ?? 0 } });
    expect((await finalState(step?.id ?? 0)).status).toBe("executed");
    expect((await environment.db.item.findUniqueOrThrow({ where: { id: person.id } })).data).toEqual({ role: "Lead" });
  });

  it("a blocked job checks again after 1 s, 2 s, 4 s ..., and the end of its blocker wakes it at once", async () => {
    const item = await createTestItem(environment.db, tenant.id, { kind: "project", title: "Backlog" });
    // The blocker has no job: it stays approved until it is cancelled below.
    const blocker = await createApprovedUpdate(environment.db, tenant.id, { itemId: item.id, data: { status: "active" } });
    const blocked = await createApprovedUpdate(environment.db, tenant.id, { itemId: item.id, data: { status: "done" } });
    await environment.deps.queue.enqueueExecutions([{ actionId: blocked.id, tenantId: tenant.id }]);
    const jobs = new Queue(queueNames.actions, { connection: environment.redis, prefix: environment.queuePrefix });
    const delays = new Map<number, number>();
    await waitFor(
      async () => {
        // Read between two looks that find it delayed, so not in the instant it runs and moves on.
        const delayed = async () => (await jobs.getJobState(`action-${blocked.id}`)) === "delayed";
        if (!(await delayed())) return false;
        const job = await jobs.getJob(`action-${blocked.id}`);
        if (job && (await delayed())) delays.set(job.attemptsStarted, job.delay);
        return delays.has(3);
      },
      { timeoutMs: 10_000, what: "the job's third check" },
    );
    await jobs.close();
    // BullMQ records the delay against its own reading of the clock, taken a moment after the worker's
    // (996 ms for a 1 s delay on a loaded host): to the nearest tenth of a second.
    expect([...delays].map(([attempt, delay]) => [attempt, Math.round(delay / 100) * 100])).toEqual([
      [1, 1_000],
      [2, 2_000],
      [3, 4_000],
    ]);
    await cancelAction(environment.deps, { actor: tenant.approver, input: { actionId: blocker.id } });
    // Well before its next check, 4 s away.
    await waitFor(async () => (await environment.db.agentAction.findUniqueOrThrow({ where: { id: blocked.id } })).status === "executed", {
      timeoutMs: 2_000,
      what: "the blocked action to run",
    });
  });
});
