import { afterAll, beforeAll, expect, it } from "vitest";

import { registeredActionTypes } from "../src/action-types/action-type-registry.ts";
import { updateAction } from "../src/action-types/update-item.ts";
import { systemActor } from "../src/actor.ts";
import { recordEvent } from "../src/actions/record-event.ts";
import { claimActions } from "../src/execution/claim-actions.ts";
import { recordRolledBack } from "../src/rollback/run-undo.ts";
import { executeActions } from "../src/execution/execute-actions.ts";
import { createApprovedUpdate, createTestEnvironment, createTestItem, createTestTenant, type TestEnvironment, type TestTenant } from "../src/testing/index.ts";

let environment: TestEnvironment;
let tenant: TestTenant;

beforeAll(async () => {
  environment = await createTestEnvironment();
  tenant = await createTestTenant(environment.db);
});

afterAll(async () => {
  await environment.close();
});

type Row = Record<string, unknown>;

// Columns that differ between two twin actions whatever wrote them: identity, clocks, tokens, and the twin items' ids.
const varying = new Set(["id", "created_at", "updated_at", "executed_at", "claimed_at", "claim_token", "target_id", "action_id"]);

function comparable(row: Row, itemId: number): Row {
  const kept = Object.entries(row).filter(([column]) => !varying.has(column));
  // The item's id also appears in the state kept for the rollback; the duration is a measurement.
  return JSON.parse(JSON.stringify(Object.fromEntries(kept)).replaceAll(`"id":${itemId},`, `"id":"<item>",`).replaceAll(`"itemId":${itemId}`, `"itemId":"<item>"`).replace(/"durationMs":\d+/g, `"durationMs":"<ms>"`)) as Row;
}

async function twin(index: number) {
  const item = await createTestItem(environment.db, tenant.id, { kind: "project", title: `Twin ${index}`, data: { status: "new" } });
  const action = await createApprovedUpdate(environment.db, tenant.id, { itemId: item.id, data: { status: `done ${index}` } });
  return { item, action };
}

const actionRow = async (id: number) => (await environment.db.$queryRaw<Row[]>`SELECT * FROM agent_action WHERE id = ${id}`)[0] ?? {};
const eventRows = (actionId: number) => environment.db.$queryRaw<Row[]>`SELECT * FROM action_event WHERE action_id = ${actionId} ORDER BY id`;

it("the batch's statements write the same rows, column for column, as Prisma's model API writes for the same execution", async () => {
  const batched = await Promise.all([0, 1, 2].map(twin));
  const modelApi = await Promise.all([0, 1, 2].map(twin));

  const outcomes = await executeActions(
    { ...environment.deps, registry: registeredActionTypes() },
    {
      requests: batched.map(({ action }) => ({ actionId: action.id, earlierRuns: 0 })),
      workerId: "worker",
      retryPolicy: { baseDelayMs: 10, maxDelayMs: 10 },
      staleClaimMs: 60_000,
      blockedRecheck: { baseDelayMs: 10, maxDelayMs: 10 },
    },
  );
  expect(outcomes.map((outcome) => outcome.kind)).toEqual(["executed", "executed", "executed"]);

  // The same execution through the model API: the claim as one update and one event, then the handler,
  // the executed status and its event in one transaction.
  for (const { action } of modelApi) {
    const now = new Date();
    const claimed = await environment.db.agentAction.update({ where: { id: action.id }, data: { status: "executing", claimToken: crypto.randomUUID(), claimedAt: now, attempts: { increment: 1 }, updatedAt: now } });
    await recordEvent(environment.db, { tenantId: tenant.id, actionId: action.id, type: "started", actor: systemActor(tenant.id, "worker"), details: { attempt: 1, worker: "worker" } });
    await environment.db.$transaction(async (tx) => {
      const ran = await updateAction.execute({ tx, tenantId: tenant.id, actionId: action.id, attempt: 1, targetType: "project", targetId: claimed.targetId, parameters: updateAction.parametersSchema.parse(claimed.parameters), now, services: {} });
      await tx.agentAction.update({ where: { id: action.id }, data: { status: "executed", executedAt: now, result: ran.result, rollbackData: ran.rollbackData ?? undefined, errorMessage: null, claimToken: null, updatedAt: now } });
      await recordEvent(tx, { tenantId: tenant.id, actionId: action.id, type: "executed", actor: systemActor(tenant.id, "worker"), details: { attempt: 1, durationMs: 0, result: ran.result } });
    });
  }

  for (const [index, pair] of batched.entries()) {
    const other = modelApi[index];
    if (!other) throw new Error("twin missing");
    expect(comparable(await actionRow(pair.action.id), pair.item.id)).toEqual(comparable(await actionRow(other.action.id), other.item.id));
    const [ours, theirs] = [await eventRows(pair.action.id), await eventRows(other.action.id)];
    expect(ours.map((event) => event.type)).toEqual(["started", "executed"]);
    expect(ours.map((event) => comparable(event, pair.item.id))).toEqual(theirs.map((event) => comparable(event, other.item.id)));
  }
  // The claim statement still claims what the model API left alone: nothing here is approved any more.
  expect((await claimActions(environment.db, { actionIds: batched.map(({ action }) => action.id), workerId: "worker", now: new Date(), staleClaimMs: 60_000 })).map((claim) => claim.kind)).toEqual(["skipped", "skipped", "skipped"]);
});

it("recordRolledBack writes, in one statement, the original's mark and both events the model API wrote", async () => {
  const pair = async (index: number) => {
    const { item, action: original } = await twin(10 + index);
    const undo = await createApprovedUpdate(environment.db, tenant.id, { itemId: item.id, data: { status: "new" } }, { rollbackOfId: original.id });
    return { item, original, undo };
  };
  const [raw, model] = [await pair(0), await pair(1)];
  const now = new Date("2026-12-05T07:00:00.321Z");

  await environment.db.$transaction((tx) => recordRolledBack(tx, { undo: raw.undo, original: raw.original, now }));
  await environment.db.$transaction(async (tx) => {
    await tx.agentAction.update({ where: { id: model.original.id }, data: { rolledBackAt: now, updatedAt: now } });
    const worker = systemActor(tenant.id, "worker");
    await recordEvent(tx, { tenantId: tenant.id, actionId: model.original.id, type: "rolled_back", actor: worker, details: { undoActionId: model.undo.id } });
    await recordEvent(tx, { tenantId: tenant.id, actionId: model.undo.id, type: "rolled_back", actor: worker, details: { rollbackOf: model.original.id } });
  });

  const rolledBack = async ({ item, original, undo }: { item: { id: number }; original: { id: number }; undo: { id: number } }) => {
    const row = await environment.db.$queryRaw<Row[]>`SELECT * FROM agent_action WHERE id = ${original.id}`;
    // Both events, in the order written; the ids of the pair are named by their place.
    const events = await environment.db.$queryRaw<Row[]>`SELECT * FROM action_event WHERE action_id IN (${original.id}, ${undo.id}) ORDER BY id`;
    const placed = JSON.stringify(events.map((event) => ({ ...comparable(event, item.id), action: event.action_id === original.id ? "original" : "undo" })))
      .replaceAll(`:${original.id}}`, `:"<original>"}`)
      .replaceAll(`:${undo.id}}`, `:"<undo>"}`);
    return { row: comparable(row[0] ?? {}, item.id), events: JSON.parse(placed) as unknown, updatedAt: row[0]?.updated_at };
  };
  const [ours, theirs] = [await rolledBack(raw), await rolledBack(model)];
  expect(ours.events).toEqual(theirs.events);
  expect(ours.row).toEqual({ ...theirs.row, parameters: ours.row.parameters });
  expect(ours.row.rolled_back_at).toEqual(now.toISOString());
  expect(ours.updatedAt).toEqual(now);
  await expect(environment.db.$transaction((tx) => recordRolledBack(tx, { undo: raw.undo, original: { ...raw.original, id: 0 }, now }))).rejects.toThrow("which no longer exists");
});
