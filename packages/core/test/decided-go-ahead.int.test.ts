import { Queue, Worker } from "bullmq";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { registeredActionTypes } from "../src/action-types/action-type-registry.ts";
import { approveAction, proposeAction, queueNames, rollbackAction, type ProposeActionInput } from "../src/index.ts";
import { createTestEnvironment, createTestItem, createTestTenant, testRedisUrl, waitFor, type TestEnvironment, type TestTenant } from "../src/testing/index.ts";
import { executeHere } from "./support/execution.ts";

let environment: TestEnvironment;
let tenant: TestTenant;

beforeAll(async () => {
  environment = await createTestEnvironment();
  tenant = await createTestTenant(environment.db);
  await environment.db.approvalPreference.create({ data: { tenantId: tenant.id, actionType: "create", targetType: "idea", autoApprove: true } });
});

afterAll(async () => {
  await environment.close();
});

const idea = (title: string): ProposeActionInput => ({ actionType: "create", targetType: "idea", parameters: { title } });
const propose = async (input: ProposeActionInput) => (await proposeAction(environment.deps, { actor: tenant.agent, input })).action;

/** Runs an approved action to its end here, as the worker would, and drops the jobs waiting (its own among them). */
async function executeAndDrain(actionId: number) {
  await executeHere({ db: environment.db, clock: environment.deps.clock, registry: registeredActionTypes() }, actionId);
  const actions = new Queue(queueNames.actions, { connection: environment.redis, prefix: environment.queuePrefix });
  await actions.drain();
  await actions.close();
}

/** The action ids of the execution jobs waiting now, in the order a worker takes them. */
async function takeOrder(count: number): Promise<number[]> {
  const taken: number[] = [];
  const connection = new Redis(testRedisUrl, { maxRetriesPerRequest: null });
  const worker = new Worker(
    queueNames.actions,
    (job) => {
      taken.push((job.data as { actionId: number }).actionId);
      return Promise.resolve();
    },
    { connection, prefix: environment.queuePrefix, concurrency: 1 },
  );
  try {
    await waitFor(() => Promise.resolve(taken.length >= count), { what: `${count} jobs taken` });
    return taken;
  } finally {
    await worker.close();
    connection.disconnect();
  }
}

describe("actions that waited for a decision go ahead of the queue", () => {
  it("a person's approval and a confirmed rollback are taken before the auto-approved actions already waiting, which keep their order", async () => {
    const item = await createTestItem(environment.db, tenant.id, { kind: "idea", title: "Waits" });
    const waiting = await propose({ actionType: "update", targetType: "idea", targetId: item.id, parameters: { title: "Waited" } });
    expect(waiting.status).toBe("pending");
    const done = await propose(idea("Executed earlier"));
    await executeAndDrain(done.id);

    const backlog: number[] = [];
    for (const title of ["First", "Second", "Third"]) backlog.push((await propose(idea(title))).id);
    await approveAction(environment.deps, { actor: tenant.approver, input: { actionId: waiting.id } });
    const { undoActions } = await rollbackAction(environment.deps, { actor: tenant.approver, input: { actionId: done.id, confirm: true } });
    const undoIds = undoActions.map((undo) => undo.id);
    expect(undoIds).toHaveLength(1);

    const order = await takeOrder(5);
    // The newest of those that go ahead first, then the backlog as it came.
    expect(order).toEqual([...undoIds, waiting.id, ...backlog]);
  });
});
