import { afterAll, beforeAll, describe, expect, it } from "vitest";

import type { Db } from "@leash/db";

import { registeredActionTypes } from "../src/action-types/action-type-registry.ts";
import { executeHere } from "./support/execution.ts";
import {
  approveAction,
  CoreError,
  proposeAction,
  proposeBatch,
  type CoreDeps,
  type ProposeActionInput,
} from "../src/index.ts";
import {
  createTestEnvironment,
  createTestItem,
  createTestTenant,
  type TestEnvironment,
  type TestTenant,
} from "../src/testing/index.ts";

let environment: TestEnvironment;
let tenant: TestTenant;

beforeAll(async () => {
  environment = await createTestEnvironment();
  tenant = await createTestTenant(environment.db);
});

afterAll(async () => {
  await environment.close();
});

const propose = (input: ProposeActionInput, deps: CoreDeps = environment.deps) =>
  proposeAction(deps, { actor: tenant.agent, input });
const refusal = (promise: Promise<unknown>) =>
  promise.then(
    () => null,
    (error: unknown) => error,
  );
const rowsWithKey = (idempotencyKey: string) =>
  environment.db.agentAction.count({ where: { tenantId: tenant.id, idempotencyKey } });

/** Runs an approved action to its end here, as the worker would. */
async function execute(actionId: number) {
  await executeHere({ db: environment.db, clock: environment.deps.clock, registry: registeredActionTypes() }, actionId);
}

describe("a retried proposal (same idempotencyKey) finds the first action, whatever happened to it since", () => {
  it("after it executed: an executed create has its new item as target, and the retry still answers it", async () => {
    const input: ProposeActionInput = {
      actionType: "create",
      targetType: "idea",
      parameters: { title: "Once", data: { status: "new", description: "b" } },
      reason: "r",
      idempotencyKey: "create-once",
    };
    const first = await propose(input);
    await approveAction(environment.deps, { actor: tenant.approver, input: { actionId: first.action.id } });
    await execute(first.action.id);
    expect(
      await environment.db.agentAction.findUniqueOrThrow({ where: { id: first.action.id } }),
    ).toMatchObject({ status: "executed", targetId: expect.any(Number) });

    // The same request, its keys in another order.
    const retried = await propose({
      idempotencyKey: "create-once",
      reason: "r",
      parameters: { data: { description: "b", status: "new" }, title: "Once" },
      targetType: "idea",
      actionType: "create",
    });
    expect(retried).toMatchObject({ duplicate: true, action: { id: first.action.id, status: "executed" } });
    expect(await rowsWithKey("create-once")).toBe(1);
  });

  it("after an approver edited its parameters", async () => {
    const project = await createTestItem(environment.db, tenant.id, {
      kind: "project",
      title: "Website",
      data: { status: "active" },
    });
    const input: ProposeActionInput = {
      actionType: "update",
      targetType: "project",
      targetId: project.id,
      parameters: { data: { status: "at_risk" } },
      idempotencyKey: "edited",
    };
    const first = await propose(input);
    await approveAction(environment.deps, {
      actor: tenant.approver,
      input: { actionId: first.action.id, parameters: { data: { status: "done" } } },
    });
    expect(await propose(input)).toMatchObject({
      duplicate: true,
      action: { id: first.action.id, status: "approved" },
    });
    expect(await rowsWithKey("edited")).toBe(1);
  });

  it("a different request under a used key is refused and stores nothing: other parameters, another reason, another target", async () => {
    const project = await createTestItem(environment.db, tenant.id, {
      kind: "project",
      title: "Other",
      data: { status: "active" },
    });
    const other = await createTestItem(environment.db, tenant.id, {
      kind: "project",
      title: "Another",
      data: { status: "active" },
    });
    const input: ProposeActionInput = {
      actionType: "update",
      targetType: "project",
      targetId: project.id,
      parameters: { data: { status: "at_risk" } },
      reason: "late",
      idempotencyKey: "differs",
    };
    const first = await propose(input);
    for (const changed of [
      { ...input, parameters: { data: { status: "done" } } },
      { ...input, reason: "early" },
      { ...input, targetId: other.id },
    ]) {
      expect(await refusal(propose(changed))).toMatchObject({
        code: "CONFLICT",
        message: `idempotencyKey "differs" was already used for a different action (#${first.action.id})`,
      });
    }
    expect(await rowsWithKey("differs")).toBe(1);
  });

  it("stores the hash of the request as proposed", async () => {
    const { action } = await propose({
      actionType: "create",
      targetType: "idea",
      parameters: { title: "Hashed" },
      idempotencyKey: "hashed",
    });
    const row = await environment.db.agentAction.findUniqueOrThrow({ where: { id: action.id } });
    expect(row.requestHash).toMatch(/^[0-9a-f]{64}$/);
  });

  it("a row stored before request hashes existed is compared with what it still says of the request, even once executed", async () => {
    const input: ProposeActionInput = {
      actionType: "create",
      targetType: "idea",
      parameters: { title: "Legacy" },
      idempotencyKey: "legacy",
    };
    const { action } = await propose(input);
    await environment.db.agentAction.update({ where: { id: action.id }, data: { requestHash: null } });
    await approveAction(environment.deps, { actor: tenant.approver, input: { actionId: action.id } });
    await execute(action.id);
    expect(await propose(input)).toMatchObject({ duplicate: true, action: { id: action.id } });
    expect(await refusal(propose({ ...input, parameters: { title: "Not legacy" } }))).toMatchObject({
      code: "CONFLICT",
    });
  });

  it("two concurrent proposals with one key: both answer the same action, one row exists", async () => {
    const input: ProposeActionInput = {
      actionType: "create",
      targetType: "idea",
      parameters: { title: "Raced" },
      idempotencyKey: "raced",
    };
    // Both requests look the key up before either stores its row, so one of them loses the insert (the unique violation).
    const racing = { ...environment.deps, db: withLookupBarrier(environment.db, 2) };
    const [one, two] = await Promise.all([propose(input, racing), propose(input, racing)]);
    expect(one.action.id).toBe(two.action.id);
    expect([one.duplicate, two.duplicate].sort()).toEqual([false, true]);
    expect(await rowsWithKey("raced")).toBe(1);
  });
});

describe("a retried batch", () => {
  const batch = (titles: string[], keys: (string | undefined)[]) => ({
    reason: "weekly import",
    actions: titles.map((title, index) => ({
      actionType: "create" as const,
      targetType: "idea" as const,
      parameters: { title },
      ...(keys[index] ? { idempotencyKey: keys[index] } : {}),
    })),
  });

  it("with the same keys answers the first batch, whatever happened to its actions since", async () => {
    const input = batch(["B one", "B two", "B three"], ["batch-1", "batch-2", undefined]);
    const first = await proposeBatch(environment.deps, { actor: tenant.agent, input });
    expect(first.duplicate).toBe(false);
    const [executed] = first.actions;
    if (!executed) throw new Error("no action");
    await approveAction(environment.deps, { actor: tenant.approver, input: { actionId: executed.id } });
    await execute(executed.id);

    const retried = await proposeBatch(environment.deps, { actor: tenant.agent, input });
    expect(retried).toMatchObject({ batchId: first.batchId, duplicate: true });
    expect(retried.actions.map((action) => action.id)).toEqual(first.actions.map((action) => action.id));
    expect(retried.actions[0]?.status).toBe("executed");
    expect(
      await environment.db.agentAction.count({ where: { tenantId: tenant.id, batchId: first.batchId } }),
    ).toBe(3);
  });

  it("that differs, or reuses a key of a single proposal, is refused and creates nothing", async () => {
    const input = batch(["C one", "C two"], ["batch-c1", "batch-c2"]);
    const first = await proposeBatch(environment.deps, { actor: tenant.agent, input });
    const before = await environment.db.agentAction.count({ where: { tenantId: tenant.id } });
    const changed = batch(["C one", "C changed"], ["batch-c1", "batch-c2"]);
    expect(
      await refusal(proposeBatch(environment.deps, { actor: tenant.agent, input: changed })),
    ).toMatchObject({
      code: "CONFLICT",
      message: `Invalid batch: idempotencyKey "batch-c1" was already used for a different request (#${first.actions[0]?.id}); nothing was created`,
    });
    const single = await propose({
      actionType: "create",
      targetType: "idea",
      parameters: { title: "Alone" },
      idempotencyKey: "alone",
    });
    const reusing = await refusal(
      proposeBatch(environment.deps, { actor: tenant.agent, input: batch(["Alone"], ["alone"]) }),
    );
    expect(reusing).toBeInstanceOf(CoreError);
    expect(reusing).toMatchObject({
      code: "CONFLICT",
      message: `Invalid batch: idempotencyKey "alone" was already used for a different request (#${single.action.id}); nothing was created`,
    });
    expect(await environment.db.agentAction.count({ where: { tenantId: tenant.id } })).toBe(before + 1);
  });
});

/**
 * The database, except that the first `parties` lookups of an action by idempotency key wait for
 * each other, so that concurrent proposals all miss the key before any of them stores its row.
 */
function withLookupBarrier(db: Db, parties: number): Db {
  let arrived = 0;
  let release: () => void = () => undefined;
  const allArrived = new Promise<void>((resolve) => {
    release = resolve;
  });
  const bind = (target: object, value: unknown) =>
    typeof value === "function" ? (value as (...args: unknown[]) => unknown).bind(target) : value;
  const agentAction = new Proxy(db.agentAction, {
    get(target, property) {
      const value: unknown = Reflect.get(target, property);
      if (property !== "findUnique" || arrived >= parties) return bind(target, value);
      return async (...args: Parameters<Db["agentAction"]["findUnique"]>) => {
        arrived += 1;
        if (arrived >= parties) release();
        await allArrived;
        return target.findUnique(...args);
      };
    },
  });
  return new Proxy(db, {
    get(target, property) {
      return property === "agentAction" ? agentAction : bind(target, Reflect.get(target, property));
    },
  });
}
