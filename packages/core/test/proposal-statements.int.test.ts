import { afterAll, beforeAll, expect, it } from "vitest";

import { approvalsInclude } from "../src/decisions/action-approvals.ts";
import { snapshotPolicies } from "../src/policies/snapshot-policy.ts";
import { proposalRows } from "../src/proposals/insert-proposals.ts";
import { findActionsByKeys, insertActionRows, type EventRow } from "../src/proposals/proposal-statements.ts";
import {
  createTestEnvironment,
  createTestItem,
  createTestTenant,
  type TestEnvironment,
  type TestTenant,
} from "../src/testing/index.ts";

let environment: TestEnvironment;

beforeAll(async () => {
  environment = await createTestEnvironment();
});

afterAll(async () => {
  await environment.close();
});

/**
 * The rows the proposal path builds for one batch: an action a preference approves and one that
 * waits under a policy with deadlines, so the two rows set different columns (the statement's
 * common column list must leave the others as the model API leaves them).
 */
async function batchRows(tenant: TestTenant) {
  const { db } = environment;
  const project = await createTestItem(db, tenant.id, { kind: "project", title: "Compared" });
  const preference = await db.approvalPreference.create({
    data: { tenantId: tenant.id, actionType: "create", targetType: "idea", autoApprove: true },
  });
  const policy = await db.approvalPolicy.create({
    data: {
      tenantId: tenant.id,
      actionType: "update",
      targetType: "project",
      requiredApprovals: 2,
      expiresAfterSeconds: 7200,
      remindAfterSeconds: 600,
    },
  });
  return async (keyPrefix: string) => {
    const now = new Date("2026-12-04T10:00:00.123Z");
    const proposals = [
      {
        actionType: "create",
        targetType: "idea" as const,
        parameters: { title: "Approved" },
        reason: "why not",
        idempotencyKey: `${keyPrefix}-1`,
        requestHash: "a".repeat(64),
      },
      {
        actionType: "update",
        targetType: "project" as const,
        targetId: project.id,
        parameters: { title: "Waits" },
      },
    ];
    const decisions = [
      { autoApprove: true, preference, grant: null, heldBack: null },
      { autoApprove: false, preference: null, grant: null, heldBack: "a person decides" },
    ];
    const policyColumns = await snapshotPolicies(
      db,
      tenant.id,
      [policy],
      proposals.map((proposal, index) => ({ ...proposal, pending: !decisions[index]?.autoApprove })),
      now,
    );
    return proposalRows({
      actor: tenant.agent,
      proposals,
      decisions,
      policyColumns,
      now,
      maxAttempts: 4,
      batchId: "6c0f4a8e-8f55-4a62-9d07-3f1f3a2b8c11",
    });
  };
}

/** What a row holds besides its identity (ids, and the idempotency key, unique per tenant). */
const comparable = ({
  id: _id,
  idempotencyKey,
  ...rest
}: { id: number; idempotencyKey: string | null } & Record<string, unknown>) => ({
  ...rest,
  idempotencyKey: idempotencyKey?.replace(/^(raw|model)-/, ""),
});
const comparableEvent = ({
  id: _id,
  actionId: _actionId,
  ...rest
}: { id: bigint; actionId: number } & Record<string, unknown>) => rest;

it("insertActionRows writes, in one statement, the rows and events the model API writes for the same proposals", async () => {
  const { db } = environment;
  const tenant = await createTestTenant(db);
  const rowsFor = await batchRows(tenant);
  const raw = await rowsFor("raw");
  const model = await rowsFor("model");

  const written = await insertActionRows(db, raw.rows, (index) => raw.events[index] ?? []);
  const created = [];
  for (const [index, row] of model.rows.entries()) {
    const action = await db.agentAction.create({ data: row });
    await db.actionEvent.createMany({
      data: (model.events[index] ?? []).map((event: EventRow) => ({ ...event, actionId: action.id })),
    });
    created.push(action);
  }

  expect(written).toHaveLength(2);
  for (const [index, action] of written.entries()) {
    const other = created[index];
    if (!other) throw new Error("the model API wrote fewer rows");
    const [rawRow, modelRow] = [
      await db.agentAction.findUniqueOrThrow({ where: { id: action.id } }),
      await db.agentAction.findUniqueOrThrow({ where: { id: other.id } }),
    ];
    // What the statement answers is the stored row, as the model API reads it.
    expect(action).toEqual(rawRow);
    expect(comparable(rawRow)).toEqual(comparable(modelRow));
    const events = async (actionId: number) =>
      (await db.actionEvent.findMany({ where: { actionId }, orderBy: { id: "asc" } })).map(comparableEvent);
    expect(await events(action.id)).toEqual(await events(other.id));
  }
  // The rows differ where they should: the test would miss a column both paths dropped otherwise.
  expect(
    written.map((action) => [action.status, action.requiredApprovals, action.expiresAt !== null]),
  ).toEqual([
    ["approved", 1, false],
    ["pending", 2, true],
  ]);
});

it("findActionsByKeys reads actions and their approvals as the model API's include does", async () => {
  const { db } = environment;
  const tenant = await createTestTenant(db);
  const other = await createTestTenant(db);
  const action = async (tenantId: string, idempotencyKey: string | null) =>
    db.agentAction.create({
      data: {
        tenantId,
        proposerLabel: "agent",
        actionType: "notify",
        parameters: { n: 1 },
        idempotencyKey,
        requiredApprovals: 2,
      },
    });
  const approved = await action(tenant.id, "k-1");
  await action(tenant.id, "k-2");
  await action(tenant.id, null);
  await action(other.id, "k-1");
  await db.actionApproval.create({
    data: {
      tenantId: tenant.id,
      actionId: approved.id,
      approverKey: "user:b",
      approverLabel: "Bea",
      createdAt: new Date("2026-12-04T10:00:02.000Z"),
    },
  });
  await db.actionApproval.create({
    data: {
      tenantId: tenant.id,
      actionId: approved.id,
      approverKey: "user:a",
      approverLabel: "Al",
      createdAt: new Date("2026-12-04T10:00:01.500Z"),
    },
  });

  const keys = ["k-1", "k-2", "k-missing"];
  const raw = await findActionsByKeys(db, tenant.id, keys);
  const model = await db.agentAction.findMany({
    where: { tenantId: tenant.id, idempotencyKey: { in: keys } },
    include: approvalsInclude,
  });
  const byId = <T extends { id: number }>(rows: T[]) => [...rows].sort((left, right) => left.id - right.id);
  expect(byId(raw)).toEqual(byId(model));
  expect(byId(raw).map((row) => row.approvals.map((approval) => approval.approverLabel))).toEqual([
    ["Al", "Bea"],
    [],
  ]);
  expect(await findActionsByKeys(db, tenant.id, [])).toEqual([]);
});
