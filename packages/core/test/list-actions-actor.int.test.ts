import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { approveAction, listActions, proposeAction } from "../src/index.ts";
import { createTestEnvironment, createTestTenant, type TestEnvironment, type TestTenant } from "../src/testing/index.ts";

let environment: TestEnvironment;
let acme: TestTenant;

beforeAll(async () => {
  environment = await createTestEnvironment();
  acme = await createTestTenant(environment.db, "acme");
});

afterAll(async () => {
  await environment.close();
});

describe("listActions by actor", () => {
  it("matches part of the proposer's or the decider's name, in any case", async () => {
    const notify = { actionType: "notify" as const, parameters: { channel: "email" as const, recipient: "x@example.com", message: "hello" } };
    const byAgent = await proposeAction(environment.deps, { actor: acme.agent, input: notify });
    const byAdaDecidedByDana = await proposeAction(environment.deps, { actor: acme.admin, input: notify });
    await approveAction(environment.deps, { actor: acme.approver, input: { actionId: byAdaDecidedByDana.action.id } });

    const ids = async (actor: string) => (await listActions(environment.deps, { actor: acme.viewer, input: { actor } })).items.map((action) => action.id);
    expect(await ids("DANA")).toEqual([byAdaDecidedByDana.action.id]);
    expect(await ids("ada (")).toEqual([byAdaDecidedByDana.action.id]);
    expect(await ids("agent key")).toEqual([byAgent.action.id]);
    expect(await ids("nobody")).toEqual([]);
  });
});
