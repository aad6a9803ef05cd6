import { afterAll, beforeAll, expect, it } from "vitest";

import { registeredActionTypes } from "../src/action-types/action-type-registry.ts";
import { claimAction } from "../src/execution/claim-action.ts";
import { runClaimedAction } from "../src/execution/run-claimed-action.ts";
import { createApprovedUpdate, createTestEnvironment, createTestItem, createTestTenant, type TestEnvironment } from "../src/testing/index.ts";

let environment: TestEnvironment;

beforeAll(async () => {
  environment = await createTestEnvironment();
});

afterAll(async () => {
  await environment.close();
});

it("an execution names, from its own commit statement, the next approved action on its target and the ones depending on it", async () => {
  const { db } = environment;
  const tenant = await createTestTenant(db);
  const item = await createTestItem(db, tenant.id, { kind: "project", title: "Website" });
  const other = await createTestItem(db, tenant.id, { kind: "project", title: "Portal" });
  const first = await createApprovedUpdate(db, tenant.id, { itemId: item.id, data: { status: "one" } });
  const second = await createApprovedUpdate(db, tenant.id, { itemId: item.id, data: { status: "two" } });
  await createApprovedUpdate(db, tenant.id, { itemId: item.id, data: { status: "three" } });
  const dependent = await createApprovedUpdate(db, tenant.id, { itemId: other.id, data: { status: "after one" } }, { dependsOnId: first.id });
  const deps = { db, clock: environment.deps.clock, registry: registeredActionTypes() };

  const claimed = await claimAction(db, { actionId: first.id, workerId: "worker", now: new Date(), staleClaimMs: 60_000 });
  if (claimed.kind !== "claimed") throw new Error(`expected a claim, got ${claimed.kind}`);
  // The next action on the target waits for this one; the one after it waits for the next.
  expect((await claimAction(db, { actionId: second.id, workerId: "worker", now: new Date(), staleClaimMs: 60_000 })).kind).toBe("blocked");

  const outcome = await runClaimedAction(deps, { ...claimed, startedAt: Date.now() });
  expect(outcome.waiting.sort((a, b) => a - b)).toEqual([second.id, dependent.id].sort((a, b) => a - b));
  expect((await db.agentAction.findUniqueOrThrow({ where: { id: first.id } })).status).toBe("executed");
});
