import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { createApiKey } from "@leash/core";
import { createTestItem, createTestTenant, waitFor, type TestEnvironment, type TestTenant } from "@leash/core/testing";

import { startApiStack } from "./support.ts";

let stack: Awaited<ReturnType<typeof startApiStack>>;
let environment: TestEnvironment;
let api: typeof stack.api;
let tenant: TestTenant;
/** A second approver key (a distinct approver without an owner) and a key owned by Dana, the approver user. */
let otherApproverKey: string;
let danasAgentKey: string;
let danasApproverKey: string;

beforeAll(async () => {
  stack = await startApiStack();
  ({ environment, api } = stack);
  tenant = await createTestTenant(environment.db, "policies");
  otherApproverKey = (await createApiKey(environment.db, { tenantId: tenant.id, name: "second-approver", role: "approver" })).key;
  danasAgentKey = (await createApiKey(environment.db, { tenantId: tenant.id, name: "danas-agent", role: "agent", ownerId: tenant.approver.userId })).key;
  danasApproverKey = (await createApiKey(environment.db, { tenantId: tenant.id, name: "danas-approver", role: "approver", ownerId: tenant.approver.userId })).key;
});

afterAll(() => stack.close());

async function settled(actionId: number, status: string) {
  return waitFor(
    async () => {
      const action = await api.client(tenant.keys.agent).action.get.query({ actionId });
      return action.status === status ? action : undefined;
    },
    { what: `#${actionId} ${status}` },
  );
}

async function proposeUpdate(projectId: number, data: Record<string, string>, apiKey = tenant.keys.agent) {
  const { action } = await api.client(apiKey).action.propose.mutate({ actionType: "update", targetType: "project", targetId: projectId, parameters: { data } });
  return action;
}

describe("approval policies over the API", () => {
  it("only admins set policies, every role reads them, and a policy that makes no sense is refused with its reasons", async () => {
    const byApprover = await api.call("POST", "policy.set", { apiKey: tenant.keys.approver, body: { actionType: "update", requiredApprovals: 2 } });
    expect(byApprover.body.error?.data.code).toBe("FORBIDDEN");

    const late = await api.call("POST", "policy.set", {
      apiKey: tenant.keys.admin,
      body: { actionType: "notify", expiresAfterSeconds: 60, remindAfterSeconds: 120, expiryFallback: "auto_approve" },
    });
    expect(late.body.error?.data.code).toBe("BAD_REQUEST");
    expect(late.body.error?.data.issues).toEqual(
      expect.arrayContaining([
        { path: ["remindAfterSeconds"], message: expect.stringContaining("before the action expires") },
        { path: ["expiryFallback"], message: "notify cannot be rolled back, so it may not be auto-approved at expiry" },
      ]),
    );
    const stranger = await api.call("POST", "policy.set", {
      apiKey: tenant.keys.admin,
      body: { actionType: "delete", escalateAfterSeconds: 30, escalateToUserId: "00000000-0000-4000-8000-000000000000" },
    });
    expect(stranger.body.error?.data.issues).toEqual([{ path: ["escalateToUserId"], message: "no such user in this tenant" }]);

    const admin = api.client(tenant.keys.admin);
    const set = await admin.policy.set.mutate({ actionType: "link", targetType: "person", requiredApprovals: 3, separationOfDuties: false });
    expect(set.description).toBe("link on person needs 3 distinct approvers; the proposer may approve");
    // Setting the same scope again replaces the policy in place.
    const again = await admin.policy.set.mutate({ actionType: "link", targetType: "person", requiredApprovals: 2 });
    expect(again.id).toBe(set.id);
    expect((await api.client(tenant.keys.agent).policy.list.query()).map((policy) => policy.id)).toContain(set.id);
    await admin.policy.delete.mutate({ policyId: set.id });
    expect(await api.client(tenant.keys.viewer).policy.list.query()).toEqual([]);
  });

  it("quorum 2: one approval leaves it pending (1 of 2), the same approver twice does not count, a second distinct approver executes it", async () => {
    await api.client(tenant.keys.admin).policy.set.mutate({ actionType: "update", targetType: "project", requiredApprovals: 2 });
    const project = await createTestItem(environment.db, tenant.id, { kind: "project", title: "Quorum", data: { status: "active" } });
    const proposed = await proposeUpdate(project.id, { status: "at_risk" });
    expect(proposed.approvals).toEqual({ count: 0, required: 2, approvers: [] });

    const first = await api.client(tenant.keys.approver).action.approve.mutate({ actionId: proposed.id });
    expect(first.status).toBe("pending");
    expect(first.approvals).toMatchObject({ count: 1, required: 2, approvers: [{ label: 'approver key "approver-policies"' }] });

    const twice = await api.call("POST", "action.approve", { apiKey: tenant.keys.approver, body: { actionId: proposed.id } });
    expect(twice.body.error?.data.code).toBe("CONFLICT");
    expect(twice.body.error?.message).toContain("already approved #");
    expect((await api.client(tenant.keys.agent).action.get.query({ actionId: proposed.id })).approvals.count).toBe(1);

    const second = await api.client(otherApproverKey).action.approve.mutate({ actionId: proposed.id });
    expect(second.status).toBe("approved");
    const done = await settled(proposed.id, "executed");
    expect(done.approvals.count).toBe(2);
    expect(done.timeline.map((event) => event.type)).toEqual(["proposed", "approval_added", "approved", "started", "executed"]);
    expect(done.timeline.find((event) => event.type === "approval_added")?.details).toEqual({ approvals: 1, required: 2 });
    expect((await environment.db.item.findUniqueOrThrow({ where: { id: project.id } })).data).toEqual({ status: "at_risk" });
  });

  it("concurrent approvals by distinct approvers reach the quorum exactly once", async () => {
    const project = await createTestItem(environment.db, tenant.id, { kind: "project", title: "Race", data: { status: "active" } });
    const proposed = await proposeUpdate(project.id, { status: "done" });
    const results = await Promise.allSettled([tenant.keys.approver, otherApproverKey, tenant.keys.admin].map((key) => api.client(key).action.approve.mutate({ actionId: proposed.id })));
    const statuses = results.map((result) => (result.status === "fulfilled" ? result.value.status : "refused"));
    // Two approvals reach the quorum of 2: one leaves it pending, one approves it, the third comes too late.
    expect(statuses.filter((status) => status === "approved")).toHaveLength(1);
    expect(statuses.filter((status) => status === "pending")).toHaveLength(1);
    expect(statuses.filter((status) => status === "refused")).toHaveLength(1);
    const done = await settled(proposed.id, "executed");
    expect(done.timeline.filter((event) => event.type === "approved")).toHaveLength(1);
    expect(done.timeline.filter((event) => event.type === "executed")).toHaveLength(1);
  });

  it("separation of duties: the proposing key, or a key of the person who owns the proposing key, may not approve", async () => {
    const project = await createTestItem(environment.db, tenant.id, { kind: "project", title: "Duties", data: { status: "active" } });
    await api.client(tenant.keys.admin).policy.set.mutate({ actionType: "update", targetType: "project", requiredApprovals: 1 });

    const ownKey = await proposeUpdate(project.id, { status: "done" }, tenant.keys.approver);
    const self = await api.call("POST", "action.approve", { apiKey: tenant.keys.approver, body: { actionId: ownKey.id } });
    expect(self.status).toBe(403);
    expect(self.body.error?.message).toBe(`approver key "approver-policies" proposed #${ownKey.id}: separation of duties requires another approver for #${ownKey.id}`);

    const byDanasAgent = await proposeUpdate(project.id, { status: "planned" }, danasAgentKey);
    const owner = await api.call("POST", "action.approve", { apiKey: danasApproverKey, body: { actionId: byDanasAgent.id } });
    expect(owner.status).toBe(403);
    expect(owner.body.error?.message).toContain('owns agent key "danas-agent", which proposed');
    expect((await api.client(tenant.keys.agent).action.get.query({ actionId: byDanasAgent.id })).status).toBe("pending");

    // A policy may turn it off.
    await api.client(tenant.keys.admin).policy.set.mutate({ actionType: "update", targetType: "project", separationOfDuties: false });
    const allowed = await api.client(danasApproverKey).action.approve.mutate({ actionId: byDanasAgent.id });
    expect(allowed.status).toBe("approved");
    await settled(byDanasAgent.id, "executed");
    await api.client(tenant.keys.admin).policy.set.mutate({ actionType: "update", targetType: "project" });
    await api.client(tenant.keys.admin).action.reject.mutate({ actionId: ownKey.id, reason: "test over" });
  });

  it("an update whose target changed after the proposal returns to pending and never overwrites the newer change", async () => {
    const project = await createTestItem(environment.db, tenant.id, { kind: "project", title: "Stale", data: { status: "active" } });
    const older = await proposeUpdate(project.id, { status: "planned" });
    const newer = await proposeUpdate(project.id, { status: "done" });
    await api.client(tenant.keys.approver).action.approve.mutate({ actionId: newer.id });
    await settled(newer.id, "executed");

    await api.client(tenant.keys.approver).action.approve.mutate({ actionId: older.id });
    const returned = await waitFor(
      async () => {
        const action = await api.client(tenant.keys.agent).action.get.query({ actionId: older.id });
        // The action and its timeline are two reads: wait until both show the return.
        return action.status === "pending" && action.timeline.some((event) => event.type === "returned_to_pending") ? action : undefined;
      },
      { what: "the stale action back in pending" },
    );
    expect(returned.status).toBe("pending");
    expect(returned.approvals.count).toBe(0);
    expect(returned.timeline.find((event) => event.type === "returned_to_pending")?.details).toMatchObject({
      reason: `project #${project.id} changed after the proposal (version 1 -> 2)`,
      clearedApprovals: ['approver key "approver-policies"'],
    });
    expect((await environment.db.item.findUniqueOrThrow({ where: { id: project.id } })).data).toEqual({ status: "done" });

    // Approved again on fresh data, it runs.
    await api.client(tenant.keys.approver).action.approve.mutate({ actionId: older.id });
    const done = await settled(older.id, "executed");
    expect(done.timeline.map((event) => event.type)).toEqual(["proposed", "approved", "started", "returned_to_pending", "approved", "started", "executed"]);
    expect((await environment.db.item.findUniqueOrThrow({ where: { id: project.id } })).data).toEqual({ status: "planned" });
  });

  it("updates queued one after the other on one target both run: an earlier action's change is no stale change", async () => {
    const project = await createTestItem(environment.db, tenant.id, { kind: "project", title: "Queued", data: { status: "active" } });
    const first = await proposeUpdate(project.id, { status: "at_risk" });
    const second = await proposeUpdate(project.id, { status: "done" });
    await api.client(tenant.keys.approver).action.approve.mutate({ actionId: first.id });
    await api.client(tenant.keys.approver).action.approve.mutate({ actionId: second.id });

    const done = await settled(second.id, "executed");
    expect(done.timeline.map((event) => event.type)).not.toContain("returned_to_pending");
    expect((await settled(first.id, "executed")).executedAt! < done.executedAt!).toBe(true);
    expect((await environment.db.item.findUniqueOrThrow({ where: { id: project.id } })).data).toEqual({ status: "done" });
  });

  it("approve with edits: the edit is validated again, recorded with the original in the timeline, and runs", async () => {
    const project = await createTestItem(environment.db, tenant.id, { kind: "project", title: "Edits", data: { status: "active" } });
    const proposed = await proposeUpdate(project.id, { status: "at_risk" });

    const invalid = await api.call("POST", "action.approve", { apiKey: tenant.keys.approver, body: { actionId: proposed.id, parameters: { colour: "red" } } });
    expect(invalid.body.error?.data.code).toBe("BAD_REQUEST");
    expect((await api.client(tenant.keys.agent).action.get.query({ actionId: proposed.id })).status).toBe("pending");

    const approved = await api.client(tenant.keys.approver).action.approve.mutate({ actionId: proposed.id, parameters: { data: { status: "done" } } });
    expect(approved.parameters).toEqual({ data: { status: "done" } });
    expect(approved.originalParameters).toEqual({ data: { status: "at_risk" } });
    const done = await settled(proposed.id, "executed");
    const edit = done.timeline.find((event) => event.type === "parameters_edited");
    expect(edit?.actor.label).toBe('approver key "approver-policies"');
    expect(edit?.details).toEqual({ original: { data: { status: "at_risk" } }, edited: { data: { status: "done" } } });
    expect((await environment.db.item.findUniqueOrThrow({ where: { id: project.id } })).data).toEqual({ status: "done" });
  });
});
