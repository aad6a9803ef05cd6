import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Page } from "playwright-core";

import { waitFor, type TestEnvironment, type TestTenant } from "@leash/core/testing";

import { startConsoleStack, type RunningConsole, type TenantConsoleStack } from "./support.ts";

let stack: TenantConsoleStack;
let environment: TestEnvironment;
let tenant: TestTenant;
let api: TenantConsoleStack["api"];
let web: RunningConsole;
let pageFor: TenantConsoleStack["pageFor"];

beforeAll(async () => {
  stack = await startConsoleStack();
  ({ environment, tenant, api, web, pageFor } = stack);
});

afterAll(() => stack.close());

const agent = () => api.client(tenant.keys.agent);
const card = (page: Page, actionId: number) => page.locator(`article[data-action-id="${actionId}"]`);
const idea = (title: string) => ({
  actionType: "create" as const,
  targetType: "idea" as const,
  parameters: { title },
});
// Batches are of people, which no grant of the trust-ramp test covers.
const person = (title: string) => ({
  actionType: "create" as const,
  targetType: "person" as const,
  parameters: { title },
});

describe("trust ramp, batches and deadlines in the console", () => {
  it("Approve and trust for 7 days approves, the next idea from the agent runs without a person, and the grant is listed and revocable in Preferences", async () => {
    const page = await pageFor("approver");
    const { action } = await agent().action.propose.mutate(idea("Trusted idea"));
    const pending = card(page, action.id);
    await pending.waitFor();

    await pending.getByText("Approve and trust…").click();
    await pending.getByLabel(/Auto-approve create on idea from agent key "agent-acme" for/).selectOption("7");
    await pending.getByRole("button", { name: "Approve and trust" }).click();
    await pending.waitFor({ state: "detached" });
    await expect
      .poll(() => page.locator(".notice-region").textContent())
      .toContain(
        `Approved #${action.id} (create idea); create on idea from agent key "agent-acme" is auto-approved until`,
      );

    const { action: next } = await agent().action.propose.mutate(idea("Next idea"));
    expect(next.status).toBe("approved");

    await page.goto(`${web.url}/preferences`);
    const grants = page.getByTestId("grants");
    await grants.waitFor();
    const row = grants.locator("tbody tr").first();
    expect(await row.textContent()).toContain('agent key "agent-acme"');
    expect(await row.textContent()).toContain("Active");
    await row.getByRole("button", { name: "Revoke" }).click();
    await expect
      .poll(() => page.locator(".notice-region").textContent())
      .toContain("waits for a person again");
    await expect
      .poll(() => grants.locator("tbody tr").first().textContent())
      .toContain(`revoked by ${tenant.approver.label}`);
    const { action: after } = await agent().action.propose.mutate(idea("After revoke"));
    expect(after.status).toBe("pending");
  });

  it("a batch is one group in the inbox, approved with one decision except the action left out", async () => {
    const page = await pageFor("approver");
    const { batchId, actions } = await agent().action.proposeBatch.mutate({
      actions: [person("Batch A"), person("Batch B"), person("Batch C")],
    });
    const [a, b, c] = actions.map((action) => action.id) as [number, number, number];
    // The list keeps the batch's rows together under one heading; the selected member's detail decides the batch.
    const rows = page.locator(`.triage-run[data-batch-id="${batchId}"]`);
    await rows.waitFor();
    expect(await rows.locator("[data-row-id]").count()).toBe(3);
    expect(await rows.getByRole("heading", { level: 3 }).first().textContent()).toBe(
      "Batch · 3 actions waiting",
    );
    const group = page.locator(`article[data-action-id] section[data-batch-id="${batchId}"]`);

    await group.getByLabel(`Leave out #${b} (create person "Batch B")`).check();
    await group.getByRole("button", { name: "Approve batch" }).click();
    await expect
      .poll(() => page.locator(".notice-region").textContent())
      .toContain(`Approved 2 actions of the batch. Left out, still pending: #${b}.`);
    const statuses = async () =>
      Promise.all(
        [a, b, c].map(
          async (id) => (await environment.db.agentAction.findUniqueOrThrow({ where: { id } })).status,
        ),
      );
    await expect.poll(statuses).toEqual(["executed", "pending", "executed"]);
    await page.locator(`[data-row-id="${b}"]`).waitFor();
  });

  it("an action under a time limit shows how long it has left, and that it was escalated", async () => {
    await environment.db.approvalPolicy.create({
      data: {
        tenantId: tenant.id,
        actionType: "notify",
        escalateAfterSeconds: 1,
        escalateToUserId: tenant.admin.userId,
        expiresAfterSeconds: 3600,
      },
    });
    const page = await pageFor("approver");
    const { action } = await agent().action.propose.mutate({
      actionType: "notify",
      parameters: { channel: "email", recipient: "ops@example.com", message: "Deploy" },
    });
    const pending = card(page, action.id);
    await pending.waitFor();
    await expect.poll(() => pending.getByTestId("deadline").textContent()).toMatch(/Expires in (59 min|1 h)/);
    await waitFor(
      async () =>
        (await environment.db.agentAction.findUniqueOrThrow({ where: { id: action.id } }))
          .escalatedToLabel !== null,
      { what: "the escalation" },
    );
    await expect
      .poll(() => pending.getByTestId("deadline").textContent(), { timeout: 15_000 })
      .toContain(`Escalated to ${tenant.admin.label}`);
  });
});
