import { afterAll, beforeAll, expect, it } from "vitest";

import { registeredActionTypes } from "../src/action-types/action-type-registry.ts";
import { runClaimedActions } from "../src/execution/run-claimed-actions.ts";
import { createApprovedUpdate, createTestEnvironment, createTestItem, createTestTenant, type TestEnvironment } from "../src/testing/index.ts";
import { claimOne, runOne } from "./support/execution.ts";

let environment: TestEnvironment;

beforeAll(async () => {
  environment = await createTestEnvironment();
});

afterAll(async () => {
  await environment.close();
});

it("a worker whose claim was taken over cannot commit its effect; the new claim holder commits it once", async () => {
  const { db } = environment;
  const tenant = await createTestTenant(db);
  const item = await createTestItem(db, tenant.id, { kind: "project", title: "Website" });
  const action = await createApprovedUpdate(db, tenant.id, { itemId: item.id, data: { status: "active" } });
  const deps = { db, clock: environment.deps.clock, registry: registeredActionTypes() };
  const claim = (workerId: string) => claimOne(db, { actionId: action.id, workerId, now: new Date(), staleClaimMs: 0 });

  const presumedDead = await claim("worker-a");
  if (presumedDead.kind !== "claimed") throw new Error(`expected a claim, got ${presumedDead.kind}`);
  // With no grace period the claim is stale at once: another worker takes the action over.
  const takeover = await claim("worker-b");
  if (takeover.kind !== "claimed") throw new Error(`expected a takeover, got ${takeover.kind}`);
  expect(takeover.claimToken).not.toBe(presumedDead.claimToken);

  expect(await runClaimedActions(deps, [{ ...presumedDead, startedAt: Date.now() }])).toEqual([{ kind: "lost" }]);
  expect((await db.item.findUniqueOrThrow({ where: { id: item.id } })).version).toBe(item.version);

  await runOne(deps, takeover);
  const updated = await db.item.findUniqueOrThrow({ where: { id: item.id } });
  expect(updated.version).toBe(item.version + 1);
  expect(updated.data).toMatchObject({ status: "active" });
  const events = await db.actionEvent.findMany({ where: { actionId: action.id }, orderBy: { id: "asc" } });
  expect(events.map((event) => event.type)).toEqual(["started", "started", "executed"]);
  expect((await db.agentAction.findUniqueOrThrow({ where: { id: action.id } })).status).toBe("executed");
});
