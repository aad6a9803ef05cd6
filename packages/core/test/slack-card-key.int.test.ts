import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { findSlackCardKey, proposeAction, proposeBatch, setPreference } from "../src/index.ts";
import { createTestEnvironment, createTestTenant, type TestEnvironment, type TestTenant } from "../src/testing/index.ts";

let environment: TestEnvironment;
let acme: TestTenant;
let globex: TestTenant;

beforeAll(async () => {
  environment = await createTestEnvironment();
  acme = await createTestTenant(environment.db, "acme");
  globex = await createTestTenant(environment.db, "globex");
});

afterAll(async () => {
  await environment.close();
});

const idea = (title: string) => ({ actionType: "create", targetType: "idea" as const, parameters: { title } });

describe("findSlackCardKey", () => {
  it("names a lone action's own card, and the batch's card for an action of a batch that waits for a person", async () => {
    const { action } = await proposeAction(environment.deps, { actor: acme.agent, input: idea("Alone") });
    expect(await findSlackCardKey(environment.deps, { tenantId: acme.id, actionId: action.id })).toBe(`action:${action.id}`);

    const { batchId, actions } = await proposeBatch(environment.deps, { actor: acme.agent, input: { actions: [idea("One"), idea("Two")] } });
    for (const member of actions) {
      expect(await findSlackCardKey(environment.deps, { tenantId: acme.id, actionId: member.id })).toBe(`batch:${batchId}`);
    }
  });

  it("gives an auto-approved action of a batch its own key (it has no card of the batch's)", async () => {
    await setPreference(environment.deps, { actor: globex.admin, input: { actionType: "create", targetType: "idea", autoApprove: true } });
    const { actions } = await proposeBatch(environment.deps, { actor: globex.agent, input: { actions: [idea("Auto one"), idea("Auto two")] } });
    const [first] = actions;
    expect(await findSlackCardKey(environment.deps, { tenantId: globex.id, actionId: first!.id })).toBe(`action:${first!.id}`);
  });

  it("answers null for an action that does not exist, or that belongs to another tenant", async () => {
    const { action } = await proposeAction(environment.deps, { actor: acme.agent, input: idea("Acme's") });
    expect(await findSlackCardKey(environment.deps, { tenantId: globex.id, actionId: action.id })).toBeNull();
    expect(await findSlackCardKey(environment.deps, { tenantId: acme.id, actionId: 2_147_483_000 })).toBeNull();
  });
});
