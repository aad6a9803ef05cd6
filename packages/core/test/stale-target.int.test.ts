import { afterAll, beforeAll, expect, it } from "vitest";

import { registeredActionTypes } from "../src/action-types/action-type-registry.ts";
import { claimOne, runOne } from "./support/execution.ts";
import { createApprovedUpdate, createTestEnvironment, createTestItem, createTestTenant, type TestEnvironment } from "../src/testing/index.ts";

let environment: TestEnvironment;

beforeAll(async () => {
  environment = await createTestEnvironment();
});

afterAll(async () => {
  await environment.close();
});

it("an update queued ahead that committed just after the proposal read the version, stamped earlier, is no stale change", async () => {
  const { db } = environment;
  const tenant = await createTestTenant(db);
  const item = await createTestItem(db, tenant.id, { kind: "project", title: "Website", data: { status: "active" } });
  const proposedAt = new Date("2026-11-25T10:00:00.000Z");
  // The earlier update's transaction took its time stamp before the proposal, and committed (version
  // 1 -> 2) after the proposal had read version 1.
  await createApprovedUpdate(db, tenant.id, { itemId: item.id, data: { status: "at_risk" } }, {
    status: "executed",
    executedAt: new Date(proposedAt.getTime() - 5),
    rollbackData: { before: { id: item.id, kind: "project", title: "Website", data: { status: "active" }, version: 1, deletedAt: null } },
  });
  await db.item.update({ where: { id: item.id }, data: { data: { status: "at_risk" }, version: 2 } });
  const later = await createApprovedUpdate(db, tenant.id, { itemId: item.id, data: { status: "done" } }, { requiresApproval: true, targetVersion: 1, createdAt: proposedAt });

  const claimed = await claimOne(db, { actionId: later.id, workerId: "worker", now: new Date(), staleClaimMs: 60_000 });
  if (claimed.kind !== "claimed") throw new Error(`expected a claim, got ${claimed.kind}`);
  const outcome = await runOne({ db, clock: environment.deps.clock, registry: registeredActionTypes() }, claimed);

  expect(outcome.returnedToPending).toBeNull();
  expect(await db.item.findUniqueOrThrow({ where: { id: item.id } })).toMatchObject({ version: 3, data: { status: "done" } });
});
