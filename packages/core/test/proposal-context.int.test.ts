import { afterAll, beforeAll, expect, it } from "vitest";

import { readProposalContext } from "../src/proposals/proposal-context.ts";
import { createTestEnvironment, createTestItem, createTestTenant, type TestEnvironment } from "../src/testing/index.ts";

let environment: TestEnvironment;

beforeAll(async () => {
  environment = await createTestEnvironment();
});

afterAll(async () => {
  await environment.close();
});

it("reads a proposal's items, preferences and policies in one statement exactly as the model API reads them", async () => {
  const { db } = environment;
  const [tenant, other] = [await createTestTenant(db), await createTestTenant(db)];
  const live = await createTestItem(db, tenant.id, { kind: "project", title: "Website" });
  const deleted = await db.item.update({
    where: { id: (await createTestItem(db, tenant.id, { kind: "person", title: "Dana" })).id },
    data: { deletedAt: new Date("2026-11-20T08:00:00.456Z") },
  });
  const elsewhere = await createTestItem(db, other.id, { kind: "idea", title: "Not theirs" });
  await db.approvalPreference.createMany({
    data: [
      { tenantId: tenant.id, actionType: "notify", autoApprove: true },
      { tenantId: tenant.id, actionType: "update", targetType: "project", autoApprove: false },
      { tenantId: other.id, actionType: "notify", autoApprove: true },
    ],
  });
  // Every column of a policy holds a value, so a column left out or read as the wrong type shows.
  await db.approvalPolicy.create({
    data: {
      tenantId: tenant.id,
      actionType: "delete",
      targetType: "person",
      requiredApprovals: 2,
      separationOfDuties: false,
      expiresAfterSeconds: 3600,
      remindAfterSeconds: 600,
      escalateAfterSeconds: 1800,
      escalateToUserId: tenant.approver.userId,
      expiryFallback: "auto_approve",
      autoApproveBudgetPerHour: 5,
    },
  });
  await db.approvalPolicy.create({ data: { tenantId: tenant.id, actionType: "update" } });

  const context = await readProposalContext(db, tenant.id, [live.id, deleted.id, elsewhere.id, 999_999]);

  const byId = <T extends { id: number | string }>(rows: T[]) => [...rows].sort((a, b) => String(a.id).localeCompare(String(b.id)));
  expect(byId(context.items)).toEqual(
    byId(await db.item.findMany({ where: { tenantId: tenant.id }, select: { id: true, kind: true, title: true, deletedAt: true } })),
  );
  expect(byId(context.preferences)).toEqual(byId(await db.approvalPreference.findMany({ where: { tenantId: tenant.id } })));
  expect(byId(context.policies)).toEqual(byId(await db.approvalPolicy.findMany({ where: { tenantId: tenant.id } })));
  expect(await readProposalContext(db, tenant.id, [])).toMatchObject({ items: [] });
});
