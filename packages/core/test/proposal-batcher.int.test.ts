import { Writable } from "node:stream";

import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { createApiKey } from "../src/auth/api-keys.ts";
import {
  CoreError,
  createLogger,
  createProposalBatcher,
  proposeAction,
  type Actor,
  type CoreDeps,
  type ProposeActionInput,
  type ProposeResult,
} from "../src/index.ts";
import {
  createTestEnvironment,
  createTestItem,
  createTestTenant,
  type TestEnvironment,
  type TestTenant,
} from "../src/testing/index.ts";

let environment: TestEnvironment;
/** The size of every batch the batchers of this file wrote, from their debug log lines. */
const batchSizes: number[] = [];

beforeAll(async () => {
  environment = await createTestEnvironment();
});

afterAll(async () => {
  await environment.close();
});

const logLines = new Writable({
  write(chunk: Buffer, _encoding, done) {
    for (const line of chunk.toString().split("\n").filter(Boolean)) {
      const entry = JSON.parse(line) as { msg?: string; proposals?: number };
      if (entry.msg === "proposal batch written" && entry.proposals !== undefined)
        batchSizes.push(entry.proposals);
    }
    done();
  },
});

/** Core's deps with a batcher of their own, as the API builds them. */
function batching(extra: Partial<CoreDeps> = {}): CoreDeps {
  const deps: CoreDeps = {
    ...environment.deps,
    logger: createLogger({ name: "test", level: "debug", destination: logLines }),
    ...extra,
  };
  return { ...deps, proposalBatcher: createProposalBatcher(deps) };
}

/** Every proposal at once, each settled on its own. */
const proposeAll = (deps: CoreDeps, requests: { actor: Actor; input: ProposeActionInput }[]) =>
  Promise.allSettled(requests.map((request) => proposeAction(deps, request)));

const accepted = (settled: PromiseSettledResult<ProposeResult>[]) =>
  settled.flatMap((one) => (one.status === "fulfilled" ? [one.value] : []));
const refusals = (settled: PromiseSettledResult<ProposeResult>[]) =>
  settled.flatMap((one) => (one.status === "rejected" ? [one.reason as unknown] : []));
const idea = (
  title: string,
  extra: Partial<{ idempotencyKey: string; reason: string }> = {},
): ProposeActionInput => ({
  actionType: "create",
  targetType: "idea",
  parameters: { title },
  ...extra,
});

async function secondAgent(tenant: TestTenant): Promise<Actor> {
  const key = await createApiKey(environment.db, {
    tenantId: tenant.id,
    name: `second-${tenant.slug}`,
    role: "agent",
  });
  return {
    kind: "api_key",
    tenantId: tenant.id,
    apiKeyId: key.id,
    role: "agent",
    label: `agent key "second-${tenant.slug}"`,
    ownerId: null,
  };
}

describe("the proposal batcher writes concurrent proposals together", () => {
  it("answers each request with its own action, in batches, with its events, and queues the approved ones", async () => {
    const tenant = await createTestTenant(environment.db);
    await environment.db.approvalPreference.create({
      data: { tenantId: tenant.id, actionType: "create", targetType: "idea", autoApprove: true },
    });
    const deps = batching();
    const before = batchSizes.length;
    const settled = await proposeAll(
      deps,
      Array.from({ length: 24 }, (_, index) => ({ actor: tenant.agent, input: idea(`Idea ${index}`) })),
    );
    const results = accepted(settled);
    expect(results).toHaveLength(24);
    expect(results.map((result) => result.action.parameters)).toMatchObject(
      Array.from({ length: 24 }, (_, index) => ({ title: `Idea ${index}` })),
    );
    expect(new Set(results.map((result) => result.action.id)).size).toBe(24);
    expect(results.every((result) => result.action.status === "approved" && !result.duplicate)).toBe(true);
    // Group commit happened: fewer batches than proposals, one of them holding several.
    const sizes = batchSizes.slice(before);
    expect(sizes.reduce((sum, size) => sum + size, 0)).toBe(24);
    expect(sizes.length).toBeLessThan(24);
    expect(Math.max(...sizes)).toBeGreaterThan(1);

    const events = await environment.db.actionEvent.groupBy({
      by: ["type"],
      where: { tenantId: tenant.id },
      _count: true,
    });
    expect(Object.fromEntries(events.map((row) => [row.type, row._count]))).toEqual({
      proposed: 24,
      auto_approved: 24,
    });
    for (const result of results) expect(await deps.queue.hasLiveExecution(result.action.id)).toBe(true);
  });

  it("answers a lone proposal at once, with nothing else to wait for", async () => {
    const tenant = await createTestTenant(environment.db);
    const before = batchSizes.length;
    const { action } = await proposeAction(batching(), { actor: tenant.agent, input: idea("Alone") });
    expect(action).toMatchObject({ status: "pending", parameters: { title: "Alone" } });
    expect(batchSizes.slice(before)).toEqual([1]);
  });

  it("keeps one proposal's refusal its own: the others of the batch are written", async () => {
    const tenant = await createTestTenant(environment.db);
    const deleted = await createTestItem(environment.db, tenant.id, { kind: "project", title: "Gone" });
    await environment.db.item.update({ where: { id: deleted.id }, data: { deletedAt: new Date() } });
    const live = await createTestItem(environment.db, tenant.id, { kind: "project", title: "Live" });
    const deps = batching();
    await proposeAction(deps, {
      actor: tenant.agent,
      input: idea("First use of the key", { idempotencyKey: "used" }),
    });

    const settled = await proposeAll(deps, [
      { actor: tenant.agent, input: idea("Fine 1") },
      {
        actor: tenant.agent,
        input: {
          actionType: "update",
          targetType: "project",
          targetId: 999_999,
          parameters: { title: "Nowhere" },
        },
      },
      {
        actor: tenant.agent,
        input: {
          actionType: "update",
          targetType: "project",
          targetId: deleted.id,
          parameters: { title: "Deleted" },
        },
      },
      { actor: tenant.agent, input: idea("Another request under a used key", { idempotencyKey: "used" }) },
      // The test environment delivers email only: the type's own check refuses Slack.
      {
        actor: tenant.agent,
        input: {
          actionType: "notify",
          parameters: { channel: "slack", recipient: "#general", message: "hi" },
        },
      },
      {
        actor: tenant.agent,
        input: {
          actionType: "update",
          targetType: "project",
          targetId: live.id,
          parameters: { title: "Renamed" },
        },
      },
      { actor: tenant.agent, input: idea("Fine 2") },
    ]);
    expect(
      settled.map((one) => (one.status === "fulfilled" ? "ok" : (one.reason as CoreError).code)),
    ).toEqual(["ok", "NOT_FOUND", "CONFLICT", "CONFLICT", "INVALID", "ok", "ok"]);
    expect(refusals(settled).every((error) => error instanceof CoreError)).toBe(true);
    expect(await environment.db.agentAction.count({ where: { tenantId: tenant.id } })).toBe(4);
  });
});

describe("the rules hold under concurrency, as for proposals made one at a time", () => {
  it("one idempotency key sent concurrently: one action, every request answered with it", async () => {
    const tenant = await createTestTenant(environment.db);
    const settled = await proposeAll(
      batching(),
      Array.from({ length: 8 }, () => ({
        actor: tenant.agent,
        input: idea("Once", { idempotencyKey: "same" }),
      })),
    );
    const results = accepted(settled);
    expect(results).toHaveLength(8);
    expect(new Set(results.map((result) => result.action.id)).size).toBe(1);
    expect(results.filter((result) => !result.duplicate)).toHaveLength(1);
    expect(await environment.db.agentAction.count({ where: { tenantId: tenant.id } })).toBe(1);
  });

  it("one idempotency key for different requests concurrently: one is stored, the others are conflicts", async () => {
    const tenant = await createTestTenant(environment.db);
    const settled = await proposeAll(
      batching(),
      Array.from({ length: 6 }, (_, index) => ({
        actor: tenant.agent,
        input: idea(`Different ${index}`, { idempotencyKey: "shared" }),
      })),
    );
    expect(accepted(settled)).toHaveLength(1);
    expect(refusals(settled)).toHaveLength(5);
    for (const error of refusals(settled))
      expect(error).toMatchObject({
        code: "CONFLICT",
        message: expect.stringMatching(/already used for a different action/),
      });
    expect(await environment.db.agentAction.count({ where: { tenantId: tenant.id } })).toBe(1);
  });

  it("the pending cap: 8 concurrent proposals under a cap of 5 store exactly 5", async () => {
    const tenant = await createTestTenant(environment.db);
    const other = await secondAgent(tenant);
    const settled = await proposeAll(
      batching({ maxPendingActions: 5 }),
      Array.from({ length: 8 }, (_, index) => ({
        actor: index % 2 === 0 ? tenant.agent : other,
        input: idea(`Waiting ${index}`),
      })),
    );
    expect(accepted(settled)).toHaveLength(5);
    expect(refusals(settled)).toHaveLength(3);
    for (const error of refusals(settled))
      expect(error).toMatchObject({
        code: "LIMIT_EXCEEDED",
        message: expect.stringMatching(/this proposal was not stored/),
      });
    expect(
      await environment.db.agentAction.count({ where: { tenantId: tenant.id, status: "pending" } }),
    ).toBe(5);
  });

  it("the pending cap counts each tenant on its own within one batch", async () => {
    const [first, second] = [await createTestTenant(environment.db), await createTestTenant(environment.db)];
    const settled = await proposeAll(
      batching({ maxPendingActions: 2 }),
      Array.from({ length: 6 }, (_, index) => ({
        actor: index % 2 === 0 ? first.agent : second.agent,
        input: idea(`Tenant idea ${index}`),
      })),
    );
    expect(accepted(settled)).toHaveLength(4);
    expect(await environment.db.agentAction.count({ where: { tenantId: first.id } })).toBe(2);
    expect(await environment.db.agentAction.count({ where: { tenantId: second.id } })).toBe(2);
  });

  it("an auto-approval budget of 3 per hour lets exactly 3 of 8 concurrent proposals through, whoever proposes them", async () => {
    const tenant = await createTestTenant(environment.db);
    const other = await secondAgent(tenant);
    await environment.db.approvalPreference.create({
      data: { tenantId: tenant.id, actionType: "create", targetType: "idea", autoApprove: true },
    });
    await environment.db.approvalPolicy.create({
      data: { tenantId: tenant.id, actionType: "create", targetType: "idea", autoApproveBudgetPerHour: 3 },
    });
    const settled = await proposeAll(
      batching(),
      Array.from({ length: 8 }, (_, index) => ({
        actor: index % 2 === 0 ? tenant.agent : other,
        input: idea(`Budgeted ${index}`),
      })),
    );
    const results = accepted(settled);
    expect(results).toHaveLength(8);
    expect(results.filter((result) => result.action.status === "approved")).toHaveLength(3);
    const held = results.filter((result) => result.action.status === "pending");
    expect(held).toHaveLength(5);
    const events = await environment.db.actionEvent.findMany({
      where: { actionId: { in: held.map((result) => result.action.id) }, type: "proposed" },
    });
    for (const event of events)
      expect(event.details).toMatchObject({
        waitingBecause: expect.stringMatching(/budget .* \(3 per hour\) is used up/),
      });
  });

  it("a trust grant approves its proposer's proposals on the spot, not another key's in the same batch", async () => {
    const tenant = await createTestTenant(environment.db);
    const other = await secondAgent(tenant);
    await environment.db.autoApprovalGrant.create({
      data: {
        tenantId: tenant.id,
        apiKeyId: tenant.agent.apiKeyId,
        actionType: "create",
        targetType: "idea",
        grantedByLabel: "Dana",
        expiresAt: new Date(Date.now() + 3_600_000),
      },
    });
    const settled = await proposeAll(
      batching(),
      Array.from({ length: 8 }, (_, index) => ({
        actor: index % 2 === 0 ? tenant.agent : other,
        input: idea(`Trusted ${index}`),
      })),
    );
    const results = accepted(settled);
    expect(results.map((result) => result.action.status)).toEqual(
      Array.from({ length: 8 }, (_, index) => (index % 2 === 0 ? "approved" : "pending")),
    );
    const approved = await environment.db.agentAction.findMany({
      where: { tenantId: tenant.id, status: "approved" },
    });
    expect(
      approved.every(
        (action) =>
          action.decidedByLabel === "auto-approval granted by Dana" && action.autoApprovalGrantId !== null,
      ),
    ).toBe(true);
  });

  it("policies: waiting proposals carry their policy's quorum and deadlines, preferences approve theirs, in one batch", async () => {
    const tenant = await createTestTenant(environment.db);
    const project = await createTestItem(environment.db, tenant.id, { kind: "project", title: "Quorum" });
    const policy = await environment.db.approvalPolicy.create({
      data: {
        tenantId: tenant.id,
        actionType: "update",
        targetType: "project",
        requiredApprovals: 2,
        expiresAfterSeconds: 3600,
      },
    });
    await environment.db.approvalPreference.create({
      data: { tenantId: tenant.id, actionType: "create", targetType: "idea", autoApprove: true },
    });
    const settled = await proposeAll(
      batching(),
      Array.from({ length: 6 }, (_, index) => ({
        actor: tenant.agent,
        input:
          index % 2 === 0
            ? ({
                actionType: "update",
                targetType: "project",
                targetId: project.id,
                parameters: { title: `Quorum ${index}` },
              } as const)
            : idea(`Approved ${index}`),
      })),
    );
    const results = accepted(settled);
    expect(results).toHaveLength(6);
    const rows = await environment.db.agentAction.findMany({
      where: { id: { in: results.map((result) => result.action.id) } },
      orderBy: { id: "asc" },
    });
    for (const row of rows) {
      if (row.actionType === "update") {
        expect(row).toMatchObject({
          status: "pending",
          policyId: policy.id,
          requiredApprovals: 2,
          targetVersion: project.version,
        });
        expect(row.expiresAt?.getTime()).toBe(row.createdAt.getTime() + 3_600_000);
      } else {
        expect(row).toMatchObject({ status: "approved", policyId: null, requiredApprovals: 1 });
      }
    }
  });
});
