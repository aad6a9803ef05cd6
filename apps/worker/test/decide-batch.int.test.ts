import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { createTemplate, decideBatch, getAction, proposeBatch, runTemplate, type Actor } from "@leash/core";
import { waitFor, type TestEnvironment, type TestTenant } from "@leash/core/testing";

import { startWorkerStack, type WorkerStack } from "./support.ts";

let stack: WorkerStack;
let environment: TestEnvironment;
let tenant: TestTenant;

beforeAll(async () => {
  stack = await startWorkerStack();
  ({ environment, tenant } = stack);
});

afterAll(() => stack.close());

async function batchOf(
  titles: string[],
  actor: Actor = tenant.agent,
  targetType: "idea" | "project" = "idea",
) {
  return proposeBatch(environment.deps, {
    actor,
    input: { actions: titles.map((title) => ({ actionType: "create", targetType, parameters: { title } })) },
  });
}

const statusOf = async (actionId: number) =>
  (await getAction(environment.deps, { actor: tenant.viewer, input: { actionId } })).status;
const settled = (actionId: number, status: string) =>
  waitFor(async () => (await statusOf(actionId)) === status, { what: `#${actionId} ${status}` });

describe("decideBatch", () => {
  it("approves a batch with one decision, leaving out the actions the approver unticked", async () => {
    const { batchId, actions } = await batchOf(["One", "Two", "Three"]);
    const [one, two, three] = actions.map((action) => action.id) as [number, number, number];
    const result = await decideBatch(environment.deps, {
      actor: tenant.approver,
      input: { batchId, decision: "approve", excludeActionIds: [two] },
    });
    expect(result.decided.map((action) => action.id)).toEqual([one, three]);
    expect(result).toMatchObject({ refused: [], leftOut: [two] });
    await settled(one, "executed");
    await settled(three, "executed");
    expect(await statusOf(two)).toBe("pending");
  });

  it("rejects a batch with one reason, which each action keeps; a reject without a reason is refused before anything changes", async () => {
    const { batchId, actions } = await batchOf(["Four", "Five"]);
    await expect(
      decideBatch(environment.deps, { actor: tenant.approver, input: { batchId, decision: "reject" } }),
    ).rejects.toMatchObject({ code: "INVALID" });
    expect(await statusOf(actions[0]?.id ?? 0)).toBe("pending");
    const result = await decideBatch(environment.deps, {
      actor: tenant.approver,
      input: { batchId, decision: "reject", reason: "Not this quarter" },
    });
    expect(result.decided.map((action) => [action.status, action.rejectionReason])).toEqual([
      ["rejected", "Not this quarter"],
      ["rejected", "Not this quarter"],
    ]);
    await expect(
      decideBatch(environment.deps, { actor: tenant.approver, input: { batchId, decision: "approve" } }),
    ).rejects.toMatchObject({ code: "CONFLICT" });
  });

  it("applies each action's rules: a quorum of two needs a second batch decision, and the proposer's own actions are refused to them", async () => {
    await environment.db.approvalPolicy.create({
      data: { tenantId: tenant.id, actionType: "create", targetType: "project", requiredApprovals: 2 },
    });
    const { batchId, actions } = await batchOf(["Alpha", "Beta"], tenant.agent, "project");
    const first = await decideBatch(environment.deps, {
      actor: tenant.approver,
      input: { batchId, decision: "approve" },
    });
    expect(first.decided.map((action) => [action.status, action.approvals.count])).toEqual([
      ["pending", 1],
      ["pending", 1],
    ]);
    await decideBatch(environment.deps, { actor: tenant.admin, input: { batchId, decision: "approve" } });
    for (const action of actions) await settled(action.id, "executed");

    const own = await batchOf(["Mine"], tenant.approver);
    const refused = await decideBatch(environment.deps, {
      actor: tenant.approver,
      input: { batchId: own.batchId, decision: "approve" },
    });
    expect(refused.decided).toEqual([]);
    expect(refused.refused).toHaveLength(1);
    expect(await statusOf(own.actions[0]?.id ?? 0)).toBe("pending");
  });

  it("approves a template run with one decision; its steps then run in order", async () => {
    const template = await createTemplate(environment.deps, {
      actor: tenant.approver,
      input: {
        name: "Onboard",
        parameters: [{ name: "projectName", type: "string" }],
        steps: [
          { actionType: "create", targetType: "admin", parameters: { title: "{{params.projectName}}" } },
          { actionType: "create", targetType: "person", parameters: { title: "Contact" } },
          {
            actionType: "link",
            targetType: "person",
            targetId: "{{steps.1.result.itemId}}",
            parameters: { toType: "admin", toId: "{{steps.0.result.itemId}}", relation: "contact_for" },
          },
        ],
      },
    });
    const run = await runTemplate(environment.deps, {
      actor: tenant.agent,
      input: { templateId: template.id, parameters: { projectName: "Acme" } },
    });
    const result = await decideBatch(environment.deps, {
      actor: tenant.approver,
      input: { batchId: run.batchId, decision: "approve" },
    });
    expect(result.decided).toHaveLength(3);
    for (const action of run.actions) await settled(action.id, "executed");
  });

  it("refuses viewers, unknown batches and left-out ids that are not in the batch", async () => {
    const { batchId } = await batchOf(["Six"]);
    await expect(
      decideBatch(environment.deps, { actor: tenant.viewer, input: { batchId, decision: "approve" } }),
    ).rejects.toMatchObject({ code: "FORBIDDEN" });
    await expect(
      decideBatch(environment.deps, {
        actor: tenant.approver,
        input: { batchId: "00000000-0000-4000-8000-000000000000", decision: "approve" },
      }),
    ).rejects.toMatchObject({
      code: "NOT_FOUND",
    });
    await expect(
      decideBatch(environment.deps, {
        actor: tenant.approver,
        input: { batchId, decision: "approve", excludeActionIds: [999_999] },
      }),
    ).rejects.toMatchObject({ code: "INVALID" });
  });
});
