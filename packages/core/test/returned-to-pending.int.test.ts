import { Worker } from "bullmq";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { registeredActionTypes } from "../src/action-types/action-type-registry.ts";
import { executeHere } from "./support/execution.ts";
import { queueNames, type ExecuteActionPayload } from "../src/queue/queue-definitions.ts";
import {
  approveAction,
  decideBatch,
  proposeAction,
  proposeBatch,
  sweepPendingDeadlines,
  type Clock,
  type ProposeActionInput,
} from "../src/index.ts";
import {
  createTestEnvironment,
  createTestItem,
  createTestTenant,
  testRedisUrl,
  waitFor,
  type TestEnvironment,
  type TestTenant,
} from "../src/testing/index.ts";

let environment: TestEnvironment;
let tenant: TestTenant;
let now = new Date("2026-11-25T10:00:00.000Z");
const clock: Clock = { now: () => now };
const deps = () => ({ ...environment.deps, clock });

/** Stands in for the worker's queue consumer: each job only counts as run, so a test sees whether an action was queued again. */
let consumer: Worker<ExecuteActionPayload>;
let consumerConnection: Redis;
const runs = new Map<number, number>();

beforeAll(async () => {
  environment = await createTestEnvironment();
  tenant = await createTestTenant(environment.db);
  // Updates of projects: reminded after 30 min, escalated after 1 h, expired (and then approved) after 2 h.
  await environment.db.approvalPolicy.create({
    data: {
      tenantId: tenant.id,
      actionType: "update",
      targetType: "project",
      remindAfterSeconds: 1800,
      escalateAfterSeconds: 3600,
      escalateToUserId: tenant.admin.userId,
      expiresAfterSeconds: 7200,
      expiryFallback: "auto_approve",
    },
  });
  await environment.db.approvalPolicy.create({
    data: { tenantId: tenant.id, actionType: "update", targetType: "idea", requiredApprovals: 2 },
  });
  consumerConnection = new Redis(testRedisUrl, { maxRetriesPerRequest: null });
  consumer = new Worker<ExecuteActionPayload>(
    queueNames.actions,
    (job) => {
      runs.set(job.data.actionId, (runs.get(job.data.actionId) ?? 0) + 1);
      return Promise.resolve();
    },
    { connection: consumerConnection, prefix: environment.queuePrefix },
  );
});

afterAll(async () => {
  await consumer.close();
  consumerConnection.disconnect();
  await environment.close();
});

const ranTimes = (actionId: number, times: number) =>
  waitFor(async () => Promise.resolve((runs.get(actionId) ?? 0) >= times), {
    timeoutMs: 5_000,
    what: `a job of #${actionId} to run ${times} time(s)`,
  });

/**
 * An update of a fresh item, approved, whose job ran (and finished in Redis), then sent back to
 * pending at `returnAt` because its target changed in between (stale approval protection).
 */
async function returnedToPending(
  kind: "project" | "idea",
  returnAt: Date,
  propose?: (input: ProposeActionInput) => Promise<number>,
) {
  now = new Date("2026-11-25T10:00:00.000Z");
  const [status, proposed, meanwhile] =
    kind === "project" ? ["active", "at_risk", "done"] : ["new", "exploring", "parked"];
  const item = await createTestItem(environment.db, tenant.id, { kind, title: "Website", data: { status } });
  const input: ProposeActionInput = {
    actionType: "update",
    targetType: kind,
    targetId: item.id,
    parameters: { data: { status: proposed } },
  };
  const actionId = propose
    ? await propose(input)
    : (await proposeAction(deps(), { actor: tenant.agent, input })).action.id;
  await approveAction(deps(), { actor: tenant.approver, input: { actionId } });
  if (kind === "idea") await approveAction(deps(), { actor: tenant.admin, input: { actionId } });
  await ranTimes(actionId, 1);

  await environment.db.item.update({
    where: { id: item.id },
    data: { data: { status: meanwhile }, version: { increment: 1 } },
  });
  now = returnAt;
  const outcome = await executeHere({ db: environment.db, clock, registry: registeredActionTypes() }, actionId);
  expect(outcome.returnedToPending).toContain("changed after the proposal");
  return actionId;
}

describe("an action sent back to pending by stale approval protection", () => {
  it("gets new deadlines counted from its return, by its policy", async () => {
    const actionId = await returnedToPending("project", new Date("2026-11-25T11:50:00.000Z"));
    const row = await environment.db.agentAction.findUniqueOrThrow({ where: { id: actionId } });
    expect(row.status).toBe("pending");
    expect([row.remindAt, row.escalateAt, row.expiresAt].map((at) => at?.toISOString())).toEqual([
      "2026-11-25T12:20:00.000Z",
      "2026-11-25T12:50:00.000Z",
      "2026-11-25T13:50:00.000Z",
    ]);

    // Ten minutes later (past the deadline it had before) a sweep leaves it waiting for a person.
    now = new Date("2026-11-25T12:00:00.000Z");
    const sweep = await sweepPendingDeadlines(deps());
    expect(sweep.expired.map((expired) => expired.actionId)).not.toContain(actionId);
    expect((await environment.db.agentAction.findUniqueOrThrow({ where: { id: actionId } })).status).toBe(
      "pending",
    );
  });

  describe("is queued again by every path that approves it again, although its first job finished", () => {
    const returnAt = new Date("2026-11-25T10:05:00.000Z");

    it("approval with edits", async () => {
      const actionId = await returnedToPending("project", returnAt);
      await approveAction(deps(), {
        actor: tenant.approver,
        input: { actionId, parameters: { data: { status: "planned" } } },
      });
      await ranTimes(actionId, 2);
    });

    it("the approval that completes a quorum", async () => {
      const actionId = await returnedToPending("idea", returnAt);
      await approveAction(deps(), { actor: tenant.approver, input: { actionId } });
      expect(runs.get(actionId)).toBe(1);
      await approveAction(deps(), { actor: tenant.admin, input: { actionId } });
      await ranTimes(actionId, 2);
    });

    it("a batch decision", async () => {
      let batchId = "";
      const actionId = await returnedToPending("project", returnAt, async (input) => {
        const batch = await proposeBatch(deps(), { actor: tenant.agent, input: { actions: [input] } });
        batchId = batch.batchId;
        return batch.actions[0]?.id ?? 0;
      });
      await decideBatch(deps(), { actor: tenant.approver, input: { batchId, decision: "approve" } });
      await ranTimes(actionId, 2);
    });

    it("approval at expiry (the policy's auto_approve fallback)", async () => {
      const actionId = await returnedToPending("project", returnAt);
      now = new Date("2026-11-25T12:05:00.000Z");
      const sweep = await sweepPendingDeadlines(deps());
      expect(sweep.expired).toContainEqual({ actionId, outcome: "auto_approved" });
      await ranTimes(actionId, 2);
    });
  });
});
