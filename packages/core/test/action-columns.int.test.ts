import { afterAll, beforeAll, expect, it } from "vitest";

import { actionColumns, actionFromRow } from "../src/actions/action-columns.ts";
import { createTestEnvironment, createTestTenant, type TestEnvironment } from "../src/testing/index.ts";

let environment: TestEnvironment;

beforeAll(async () => {
  environment = await createTestEnvironment();
});

afterAll(async () => {
  await environment.close();
});

it("reads an action from a raw row exactly as the model API reads it, for every column", async () => {
  const tenant = await createTestTenant(environment.db);
  const { db } = environment;
  const depended = await db.agentAction.create({
    data: { tenantId: tenant.id, proposerLabel: "agent", actionType: "notify", parameters: {} },
  });
  const now = new Date("2026-11-25T10:00:00.123Z");
  // Every column holds a value of its own type, so a column missing from the map or read as the
  // wrong type shows up as a difference below.
  const action = await db.agentAction.create({
    data: {
      tenantId: tenant.id,
      userId: tenant.approver.userId,
      apiKeyId: tenant.agent.apiKeyId,
      proposerLabel: "agent",
      actionType: "update",
      targetType: "project",
      targetId: 12,
      parameters: { data: { status: "active", nested: [1, "two", null] } },
      reason: "because",
      status: "executed",
      requiresApproval: false,
      idempotencyKey: "key-1",
      batchId: "6c0f4a8e-8f55-4a62-9d07-3f1f3a2b8c11",
      approvedBy: tenant.approver.userId,
      approvedAt: now,
      decidedByLabel: "Dana",
      rejectedAt: now,
      rejectionReason: "no",
      cancelledAt: now,
      maxAttempts: 5,
      attempts: 2,
      claimToken: "0a4b8e2c-2f7e-4a4e-9a4f-9a3c2f1e8d77",
      claimedAt: now,
      executedAt: now,
      result: { ok: true },
      errorMessage: "boom",
      rollbackData: { before: { title: "x" } },
      rolledBackAt: now,
      rollbackActionId: 99_001,
      rollbackOfId: 99_002,
      dependsOnId: depended.id,
      templateStep: 1,
      stepTemplate: { parameters: {} },
      slackChannelId: "C1",
      slackMessageTs: "1.2",
      createdAt: now,
    },
  });
  const [row] = await db.$queryRaw<Record<string, unknown>[]>`SELECT * FROM agent_action WHERE id = ${action.id}`;
  expect(row).toBeDefined();
  expect(Object.keys(row ?? {}).sort()).toEqual(Object.values(actionColumns).map(({ column }) => column).sort());
  expect(actionFromRow(row ?? {})).toEqual(await db.agentAction.findUniqueOrThrow({ where: { id: action.id } }));
});
