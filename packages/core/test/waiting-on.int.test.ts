import { afterAll, beforeAll, expect, it } from "vitest";

import { registeredActionTypes } from "../src/action-types/action-type-registry.ts";
import { executeActions } from "../src/execution/execute-actions.ts";
import { claimOne, runOne } from "./support/execution.ts";
import { previewRollback } from "../src/rollback/preview-rollback.ts";
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

  const claimed = await claimOne(db, { actionId: first.id, workerId: "worker", now: new Date(), staleClaimMs: 60_000 });
  if (claimed.kind !== "claimed") throw new Error(`expected a claim, got ${claimed.kind}`);
  // The next action on the target waits for this one; the one after it waits for the next.
  expect((await claimOne(db, { actionId: second.id, workerId: "worker", now: new Date(), staleClaimMs: 60_000 })).kind).toBe("blocked");

  const outcome = await runOne(deps, claimed);
  expect(outcome.waiting.sort((a, b) => a - b)).toEqual([second.id, dependent.id].sort((a, b) => a - b));
  expect((await db.agentAction.findUniqueOrThrow({ where: { id: first.id } })).status).toBe("executed");
});

it("a step that waits for an earlier step still waiting for a person holds up nothing on its target, until that step is approved", async () => {
  const { db } = environment;
  const tenant = await createTestTenant(db);
  const item = await createTestItem(db, tenant.id, { kind: "project", title: "Website", data: { status: "new" } });
  const elsewhere = await createTestItem(db, tenant.id, { kind: "project", title: "Portal" });
  const deps = { db, clock: environment.deps.clock, registry: registeredActionTypes() };
  const claim = (actionId: number) => claimOne(db, { actionId, workerId: "worker", now: new Date(), staleClaimMs: 60_000 });
  const first = await createApprovedUpdate(db, tenant.id, { itemId: item.id, data: { status: "first" } });
  // A template run: its first step waits for a person; the next two were auto-approved and wait for it.
  const asking = await createApprovedUpdate(db, tenant.id, { itemId: elsewhere.id, data: { status: "asked" } }, { status: "pending" });
  const step = await createApprovedUpdate(db, tenant.id, { itemId: item.id, data: { status: "step" } }, { dependsOnId: asking.id, requiresApproval: false });
  await createApprovedUpdate(db, tenant.id, { itemId: item.id, data: { status: "next step" } }, { dependsOnId: step.id, requiresApproval: false });
  const other = await createApprovedUpdate(db, tenant.id, { itemId: item.id, data: { status: "other" } });

  const claimedFirst = await claim(first.id);
  if (claimedFirst.kind !== "claimed") throw new Error(`expected a claim, got ${claimedFirst.kind}`);
  // Its execution wakes the next action that can run, not the step that cannot.
  expect((await runOne(deps, claimedFirst)).waiting).toEqual([other.id]);
  const claimedOther = await claim(other.id);
  if (claimedOther.kind !== "claimed") throw new Error(`expected a claim, got ${claimedOther.kind}`);
  await runOne(deps, claimedOther);
  expect((await db.item.findUniqueOrThrow({ where: { id: item.id } })).data).toEqual({ status: "other" });
  // Nor do the steps keep a rollback of the item waiting.
  const preview = await previewRollback(environment.deps, { actor: tenant.approver, input: { actionId: first.id, cascade: true } });
  expect(preview).toMatchObject({ canRollBack: true, refusal: null, laterActionIds: [other.id] });

  // Approved, the first step runs soon, and the steps after it are in the order again.
  await db.agentAction.update({ where: { id: asking.id }, data: { status: "approved" } });
  const after = await createApprovedUpdate(db, tenant.id, { itemId: item.id, data: { status: "after" } });
  expect(await claim(after.id)).toEqual({ kind: "blocked", blockedBy: step.id });
  // Blocked jobs check again later each time, up to the cap; the blocker's execution wakes them sooner.
  const delays = [];
  for (const earlierRuns of [0, 1, 3, 20]) {
    const [outcome] = await executeActions(
      { ...environment.deps, registry: registeredActionTypes() },
      { requests: [{ actionId: after.id, earlierRuns }], workerId: "worker", retryPolicy: { baseDelayMs: 1, maxDelayMs: 1 }, staleClaimMs: 60_000, blockedRecheck: { baseDelayMs: 1_000, maxDelayMs: 30_000 } },
    );
    delays.push(outcome?.kind === "blocked" ? outcome.retryInMs : outcome?.kind);
  }
  expect(delays).toEqual([1_000, 2_000, 8_000, 30_000]);
});
