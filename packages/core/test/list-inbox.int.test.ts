import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { CoreError, listInbox, proposeAction, rejectAction } from "../src/index.ts";
import { createTestEnvironment, createTestTenant, type TestEnvironment } from "../src/testing/index.ts";

let environment: TestEnvironment;

beforeAll(async () => {
  environment = await createTestEnvironment();
});

afterAll(async () => {
  await environment.close();
});

const idea = (title: string) => ({ actionType: "create" as const, targetType: "idea" as const, parameters: { title } });

describe("the inbox of a reader", () => {
  it("lists only the asked pending actions of the reader's tenant when ids are given, each as the full list shows it", async () => {
    const [tenant, other] = [await createTestTenant(environment.db), await createTestTenant(environment.db)];
    const proposed = [];
    for (const title of ["one", "two", "three"]) proposed.push((await proposeAction(environment.deps, { actor: tenant.agent, input: idea(title) })).action.id);
    const [one, two, three] = proposed as [number, number, number];
    await rejectAction(environment.deps, { actor: tenant.approver, input: { actionId: three, reason: "no" } });
    const foreign = (await proposeAction(environment.deps, { actor: other.agent, input: idea("theirs") })).action.id;

    const all = await listInbox(environment.deps, { actor: tenant.approver });
    expect(all.entries.map((entry) => entry.action.id)).toEqual([two, one]);

    const asked = await listInbox(environment.deps, { actor: tenant.approver, input: { actionIds: [one, three, foreign] } });
    expect(asked.entries.map((entry) => entry.action.id)).toEqual([one]);
    expect(asked.entries[0]).toEqual(all.entries.find((entry) => entry.action.id === one));
    expect(asked.more).toBe(false);
  });

  it("refuses an empty or malformed list of ids", async () => {
    const tenant = await createTestTenant(environment.db);
    await expect(listInbox(environment.deps, { actor: tenant.approver, input: { actionIds: [] } })).rejects.toBeInstanceOf(CoreError);
    await expect(listInbox(environment.deps, { actor: tenant.approver, input: { actionIds: [-1] } })).rejects.toMatchObject({ code: "INVALID" });
  });
});
