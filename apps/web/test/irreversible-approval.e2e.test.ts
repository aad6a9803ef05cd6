import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { createTestItem, waitFor } from "@leash/core/testing";

import { hydrated, startConsoleStack, type TenantConsoleStack } from "./support.ts";

let stack: TenantConsoleStack;

beforeAll(async () => {
  stack = await startConsoleStack();
});

afterAll(() => stack.close());

async function proposeDelete(title: string, permanent: boolean) {
  const project = await createTestItem(stack.environment.db, stack.tenant.id, { kind: "project", title });
  const { action } = await stack.api.client(stack.tenant.keys.agent).action.propose.mutate({ actionType: "delete", targetType: "project", targetId: project.id, parameters: { permanent } });
  return action;
}

const statusOf = async (actionId: number) => (await stack.environment.db.agentAction.findUniqueOrThrow({ where: { id: actionId } })).status;

describe("approving what cannot be undone on the action's page", () => {
  it("asks for the typed id: refused without it (the action stays pending), approved with it", async () => {
    const action = await proposeDelete("Old archive", true);
    const page = await stack.pageFor("approver");
    await page.goto(`${stack.web.url}/actions/${action.id}`);
    await hydrated(page);
    expect(await page.getByRole("button", { name: "Approve", exact: true }).count()).toBe(0);
    const confirm = page.getByLabel(`Type ${action.id} to approve what cannot be undone`);
    const approve = page.getByRole("button", { name: `Approve #${action.id} for good` });

    await approve.click();
    await expect.poll(() => confirm.getAttribute("aria-invalid")).toBe("true");
    expect(await page.locator("#approve-confirm-error").textContent()).toBe(`#${action.id} cannot be undone (a permanent delete cannot be undone): type ${action.id} to confirm`);
    expect(await statusOf(action.id)).toBe("pending");

    // The one-click post the page used to send is refused by the server as well.
    const csrf = (await page.locator('input[name="csrf"]').first().getAttribute("value")) ?? "";
    const oneClick = await page.request.post(`${stack.web.url}/actions/${action.id}`, { form: { csrf, intent: "approve" } });
    expect(oneClick.status()).toBe(400);
    expect(await statusOf(action.id)).toBe("pending");
    // "Edit parameters, then approve" asks for it too.
    const edited = await page.request.post(`${stack.web.url}/actions/${action.id}`, { form: { csrf, intent: "approve-edited" } });
    expect(edited.status()).toBe(400);
    expect(await statusOf(action.id)).toBe("pending");
    expect(await page.getByLabel(`Type ${action.id} to confirm these edits of what cannot be undone`).count()).toBe(1);

    await confirm.fill(String(action.id));
    await approve.click();
    await expect.poll(() => page.locator(".notice-region:not(.toast-region)").textContent()).toContain(`Approved #${action.id}`);
    await waitFor(async () => (await statusOf(action.id)) === "executed", { what: "the permanent delete executed" });
    await page.context().close();
  });

  it("keeps one-click Approve for what can be undone", async () => {
    const action = await proposeDelete("Recoverable archive", false);
    const page = await stack.pageFor("approver");
    await page.goto(`${stack.web.url}/actions/${action.id}`);
    await hydrated(page);
    expect(await page.getByLabel(`Type ${action.id} to approve what cannot be undone`).count()).toBe(0);
    await page.getByRole("button", { name: "Approve", exact: true }).click();
    await expect.poll(() => page.locator(".notice-region:not(.toast-region)").textContent()).toContain(`Approved #${action.id}`);
    expect(await statusOf(action.id)).not.toBe("pending");
    await page.context().close();
  });
});
