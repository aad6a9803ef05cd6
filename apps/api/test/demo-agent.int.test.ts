import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { createTemplate, DEMO_TEMPLATE, setPreference } from "@leash/core";
import { createTestTenant, type TestEnvironment, type TestTenant } from "@leash/core/testing";

import { runDemo } from "../scripts/demo/run-demo.ts";
import { startApiStack } from "./support.ts";

let stack: Awaited<ReturnType<typeof startApiStack>>;
let environment: TestEnvironment;
let api: typeof stack.api;
let tenant: TestTenant;

beforeAll(async () => {
  stack = await startApiStack();
  ({ environment, api } = stack);
  tenant = await createTestTenant(environment.db, "demo-agent");
  await setPreference(environment.deps, { actor: tenant.admin, input: { actionType: "notify", autoApprove: true } });
  await createTemplate(environment.deps, { actor: tenant.admin, input: DEMO_TEMPLATE });
});

afterAll(() => stack.close());

describe("the demo agent", () => {
  it("proposes an auto-approved action, some waiting for a person, a batch and a template run, and says what happened", async () => {
    const lines: string[] = [];
    const report = await runDemo(api.client(tenant.keys.agent), (line) => lines.push(line), "2026-11-25T12:00:00.000Z");
    expect(report.autoApproved).toMatchObject({ actionType: "notify", status: "executed", requiresApproval: false });
    expect(report.waiting.map((action) => action.status)).toEqual(["pending", "pending"]);
    expect(report.batch.map((action) => action.actionType)).toEqual(["create", "create", "notify"]);
    expect(new Set(report.batch.map((action) => action.batchId)).size).toBe(1);
    expect(report.templateRun?.map((action) => [action.templateStep, action.status])).toEqual([[0, "pending"], [1, "pending"], [2, "pending"]]);
    const output = lines.join("\n");
    expect(output).toContain("notify on any target runs without a person");
    expect(output).toContain("(duplicate: true)");
    expect(output).toContain(`can it be rolled back? no: #${report.autoApproved.id} sent a notification; a sent message cannot be recalled`);
    expect(output).toContain('"Onboard a client" proposed 3 steps');
    expect(await environment.db.agentAction.count({ where: { tenantId: tenant.id } })).toBe(1 + 2 + 3 + 3);
  });
});
