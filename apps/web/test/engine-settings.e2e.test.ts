import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { createTemplate } from "@leash/core";
import { createTestEnvironment, createTestTenant, type TestEnvironment, type TestTenant } from "@leash/core/testing";

import { signInOverHttp } from "./http-session.ts";
import { givePasswords, startConsole, type RunningConsole } from "./support.ts";

let environment: TestEnvironment;
let tenant: TestTenant;
let web: RunningConsole;

beforeAll(async () => {
  environment = await createTestEnvironment();
  tenant = await createTestTenant(environment.db, "acme");
  await givePasswords(environment, tenant);
  web = await startConsole(environment, { MAX_PENDING_ACTIONS_PER_TENANT: "1", ACTION_MAX_ATTEMPTS: "5" });
});

afterAll(async () => {
  await web.close();
  await environment.close();
});

describe("the console's engine settings", () => {
  it("a template run stores ACTION_MAX_ATTEMPTS and is refused past MAX_PENDING_ACTIONS_PER_TENANT, storing nothing", async () => {
    const template = await createTemplate(environment.deps, {
      actor: tenant.admin,
      input: { name: "Note an idea", steps: [{ actionType: "create", targetType: "idea", parameters: { title: "Follow up with the client" } }] },
    });
    const approver = await signInOverHttp(web.url, tenant, "approver");
    const run = () => approver.post(`/templates/${template.id}/run`, [["reason", "From the console"]]);

    expect((await run()).status).toBe(302);
    const [first, ...others] = await environment.db.agentAction.findMany({ where: { tenantId: tenant.id } });
    expect(others).toEqual([]);
    expect(first).toMatchObject({ status: "pending", maxAttempts: 5 });

    const refused = await run();
    expect(refused.status).toBe(429);
    expect(refused.text).toContain("Too many pending actions");
    expect(await environment.db.agentAction.count({ where: { tenantId: tenant.id } })).toBe(1);
  });
});
