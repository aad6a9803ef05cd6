import { afterAll, beforeAll, expect, it } from "vitest";

import { listActions } from "../src/index.ts";
import { createTestEnvironment, createTestTenant, type TestEnvironment } from "../src/testing/index.ts";

let environment: TestEnvironment;

beforeAll(async () => {
  environment = await createTestEnvironment();
});

afterAll(async () => {
  await environment.close();
});

it("pages through a date range newest first by creation time, each action once, ties by id", async () => {
  const tenant = await createTestTenant(environment.db);
  const at = (day: number) => new Date(Date.UTC(2026, 0, day, 12));
  // Created out of id order, with two pairs created in the same millisecond.
  const days = [3, 1, 5, 5, 2, 9, 4, 4, 7];
  const actions = [];
  for (const day of days) {
    actions.push(
      await environment.db.agentAction.create({
        data: { tenantId: tenant.id, proposerLabel: "agent", actionType: "notify", parameters: {}, createdAt: at(day) },
      }),
    );
  }
  const window = { from: at(2).toISOString(), to: at(8).toISOString() };
  const expected = actions
    .filter((action) => action.createdAt >= at(2) && action.createdAt < at(8))
    .sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime() || b.id - a.id)
    .map((action) => action.id);

  const seen: number[] = [];
  let cursor: number | undefined;
  for (let page = 0; page < 10; page += 1) {
    const result = await listActions(environment.deps, { actor: tenant.viewer, input: { ...window, limit: 2, ...(cursor ? { cursor } : {}) } });
    seen.push(...result.items.map((item) => item.id));
    if (result.nextCursor === null) break;
    cursor = result.nextCursor;
  }
  expect(seen).toEqual(expected);
  expect(expected).toHaveLength(7);
});
