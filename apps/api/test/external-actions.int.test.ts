import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";

import { createApiKey, setPreference } from "@leash/core";
import { createTestEnvironment, createTestItem, createTestTenant, waitFor, type TestEnvironment, type TestTenant } from "@leash/core/testing";
import { startTestWorker, type TestWorkerOverrides } from "@leash/worker/test-support";

import type { AppRouter, TRPCClientError } from "../src/client.ts";
import { connectMcpClient, startTestApi } from "./support.ts";

// Each test starts the worker it needs (some with a short outcome window), and stops it after.
let environment: TestEnvironment;
let api: Awaited<ReturnType<typeof startTestApi>>;
let tenant: TestTenant;
const cleanups: (() => Promise<void>)[] = [];

beforeAll(async () => {
  environment = await createTestEnvironment();
  api = await startTestApi(environment);
  tenant = await createTestTenant(environment.db, "external");
  // The positive signal that a worker is running and has had its chance: an auto-approved notify executes.
  await setPreference(environment.deps, { actor: tenant.admin, input: { actionType: "notify", autoApprove: true } });
});

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

afterAll(async () => {
  await api.close();
  await environment.close();
});

const agent = () => api.client(tenant.keys.agent);
const approver = () => api.client(tenant.keys.approver);
const errorOf = (promise: Promise<unknown>) => promise.then(() => null, (error: unknown) => error as TRPCClientError<AppRouter>);
const rowOf = (actionId: number) => environment.db.agentAction.findUniqueOrThrow({ where: { id: actionId } });

async function startWorker(overrides: TestWorkerOverrides = {}) {
  const worker = await startTestWorker(environment, overrides);
  cleanups.push(() => worker.close());
  return worker;
}

const restart = { tool: "shell", arguments: { command: "systemctl restart web" }, summary: "Restart the web service" };

async function proposeExternal(parameters: Record<string, unknown> = restart) {
  const { action } = await agent().action.propose.mutate({ actionType: "external", parameters: parameters as typeof restart });
  return action;
}

async function approvedExternal(parameters: Record<string, unknown> = restart) {
  const action = await proposeExternal(parameters);
  await approver().action.approve.mutate({ actionId: action.id });
  return action;
}

/** Proposes an auto-approved notify and waits until a worker executed it: proof the worker took every job queued before it. */
async function workerHasRun() {
  const { action } = await agent().action.propose.mutate({ actionType: "notify", parameters: { channel: "in_app", recipient: "approver@external.test", message: "Signal" } });
  await waitFor(async () => (await rowOf(action.id)).status === "executed", { what: `the signal #${action.id} to execute` });
}

const mcpClient = (apiKey: string) => connectMcpClient(api.baseUrl, apiKey, cleanups);

describe("external: people decide, the agent runs its own tool and reports", () => {
  it("waits for a person; a report before the approval is a CONFLICT; once approved no worker runs it; only the proposer reports, once", async () => {
    const worker = await startWorker();
    const action = await proposeExternal();
    expect(action).toMatchObject({ actionType: "external", status: "pending", requiresApproval: true, targetType: null, targetId: null, parameters: restart });

    const early = await errorOf(agent().action.complete.mutate({ actionId: action.id, outcome: "succeeded", result: { exitCode: 0 } }));
    expect(early?.data?.code).toBe("CONFLICT");
    expect(early?.message).toContain("has not been approved yet");
    expect((await rowOf(action.id)).status).toBe("pending");

    const approved = await approver().action.approve.mutate({ actionId: action.id });
    expect(approved.status).toBe("approved");

    // A reconciliation pass and a later action's execution: the worker had every chance to take it.
    await worker.reconcile();
    await workerHasRun();
    const waiting = await rowOf(action.id);
    expect(waiting).toMatchObject({ status: "approved", attempts: 0, claimedAt: null, claimToken: null, executedAt: null });
    const timeline = await agent().action.history.query({ actionId: action.id });
    expect(timeline.map((event) => event.type)).toEqual(["proposed", "approved"]);

    // Another key of the same tenant, even an agent's, may not report.
    const otherAgent = await createApiKey(environment.db, { tenantId: tenant.id, name: "other-agent", role: "agent" });
    const foreign = await errorOf(api.client(otherAgent.key).action.complete.mutate({ actionId: action.id, outcome: "succeeded" }));
    expect(foreign?.data?.code).toBe("FORBIDDEN");
    expect(foreign?.message).toContain(`Only who proposed #${action.id}`);
    const byApprover = await errorOf(approver().action.complete.mutate({ actionId: action.id, outcome: "succeeded" }));
    expect(byApprover?.data?.code).toBe("FORBIDDEN");
    expect((await rowOf(action.id)).status).toBe("approved");

    const reported = await agent().action.complete.mutate({ actionId: action.id, outcome: "succeeded", result: { exitCode: 0, stdout: "restarted" } });
    expect(reported).toMatchObject({ id: action.id, status: "executed", result: { exitCode: 0, stdout: "restarted" }, errorMessage: null });
    const detail = await approver().action.get.query({ actionId: action.id });
    expect(detail).toMatchObject({ status: "executed", result: { exitCode: 0, stdout: "restarted" } });
    expect(detail.executedAt).not.toBeNull();
    const executed = detail.timeline.find((event) => event.type === "executed");
    expect(executed).toMatchObject({ actor: { kind: "api_key", label: `agent key "agent-${tenant.slug}"` }, details: { reported: true, result: { exitCode: 0, stdout: "restarted" } } });
    expect(detail.timeline.map((event) => event.type)).toEqual(["proposed", "approved", "executed"]);

    const again = await errorOf(agent().action.complete.mutate({ actionId: action.id, outcome: "failed", error: "late" }));
    expect(again?.data?.code).toBe("CONFLICT");
    expect(await rowOf(action.id)).toMatchObject({ status: "executed", errorMessage: null });
  });

  it("a failed report fails the action with the agent's error", async () => {
    const action = await approvedExternal({ tool: "stripe.refund", arguments: { charge: "ch_123", amount: 4200 }, summary: "Refund order 1042" });
    const reported = await agent().action.complete.mutate({ actionId: action.id, outcome: "failed", error: "card_declined: the card was declined" });
    expect(reported).toMatchObject({ status: "failed", errorMessage: "card_declined: the card was declined" });
    const detail = await approver().action.get.query({ actionId: action.id });
    expect(detail.timeline.at(-1)).toMatchObject({ type: "failed", details: { reported: true, error: "card_declined: the card was declined" } });
    // A failure without a reason, or a success with an error, is not a report.
    const other = await approvedExternal();
    expect((await errorOf(agent().action.complete.mutate({ actionId: other.id, outcome: "failed" })))?.data?.code).toBe("BAD_REQUEST");
    expect((await errorOf(agent().action.complete.mutate({ actionId: other.id, outcome: "succeeded", error: "no" })))?.data?.code).toBe("BAD_REQUEST");
    expect((await rowOf(other.id)).status).toBe("approved");
    await agent().action.complete.mutate({ actionId: other.id, outcome: "succeeded" });
  });

  it("reporting on an action the worker carries out is refused", async () => {
    const project = await createTestItem(environment.db, tenant.id, { kind: "project", title: "Not external", data: { status: "active" } });
    const { action } = await agent().action.propose.mutate({ actionType: "update", targetType: "project", targetId: project.id, parameters: { data: { status: "done" } } });
    const refused = await errorOf(agent().action.complete.mutate({ actionId: action.id, outcome: "succeeded" }));
    expect(refused?.data?.code).toBe("BAD_REQUEST");
    expect(refused?.message).toContain("which the worker carries out");
    await agent().action.cancel.mutate({ actionId: action.id });
  });

  it("an approval nobody reports on is failed by the worker's sweep after the outcome window, and a late report is refused", async () => {
    await startWorker({ outcomeWindowMs: 300, deadlineSweepIntervalMs: 100 });
    const action = await approvedExternal({ tool: "shell", arguments: { command: "rm -rf /tmp/cache" }, summary: "Clear the cache" });
    const failed = await waitFor(
      async () => {
        const row = await rowOf(action.id);
        return row.status === "failed" ? row : undefined;
      },
      { what: `#${action.id} to be failed by the sweep` },
    );
    expect(failed.errorMessage).toMatch(/^no outcome was reported within .+ of the approval$/);
    const detail = await approver().action.get.query({ actionId: action.id });
    expect(detail.timeline.at(-1)).toMatchObject({ type: "failed", actor: { kind: "system" }, details: { unreported: true, permanent: true } });
    const late = await errorOf(agent().action.complete.mutate({ actionId: action.id, outcome: "succeeded" }));
    expect(late?.data?.code).toBe("CONFLICT");
    expect((await rowOf(action.id)).status).toBe("failed");
  });

  it("proposeAndWait answers as soon as a person approves, with status approved", async () => {
    const waiting = agent().action.proposeAndWait.mutate({ actionType: "external", parameters: restart, waitSeconds: 25, idempotencyKey: "restart-web-1" });
    const pending = await waitFor(() => environment.db.agentAction.findFirst({ where: { tenantId: tenant.id, idempotencyKey: "restart-web-1" } }).then((row) => row ?? undefined), {
      what: "the proposal",
    });
    const approvedAt = Date.now();
    await approver().action.approve.mutate({ actionId: pending.id });
    const answer = await waiting;
    // The agent learns the decision at once: it does not sit out the rest of its 25 s.
    expect(Date.now() - approvedAt).toBeLessThan(10_000);
    expect(answer).toMatchObject({ done: true, action: { id: pending.id, status: "approved" } });
    await agent().action.complete.mutate({ actionId: pending.id, outcome: "succeeded" });
  });

  it("proposeAndWait answers a rejection with the reason", async () => {
    const waiting = agent().action.proposeAndWait.mutate({ actionType: "external", parameters: restart, waitSeconds: 25, idempotencyKey: "restart-web-2" });
    const pending = await waitFor(() => environment.db.agentAction.findFirst({ where: { tenantId: tenant.id, idempotencyKey: "restart-web-2" } }).then((row) => row ?? undefined), {
      what: "the proposal",
    });
    await approver().action.reject.mutate({ actionId: pending.id, reason: "Not during business hours" });
    expect(await waiting).toMatchObject({ done: true, action: { status: "rejected", rejectionReason: "Not during business hours" } });
  });

  it("cannot be rolled back: refused as not reversible with the reason", async () => {
    const action = await approvedExternal();
    await agent().action.complete.mutate({ actionId: action.id, outcome: "succeeded", result: { exitCode: 0 } });
    const preview = await approver().action.rollbackPreview.query({ actionId: action.id });
    expect(preview).toMatchObject({ canRollBack: false, refusal: { code: "NOT_REVERSIBLE", message: expect.stringContaining("Leash cannot undo it") }, steps: [] });
    const refused = await errorOf(approver().action.rollback.mutate({ actionId: action.id, confirm: true }));
    expect(refused?.data?.code).toBe("UNPROCESSABLE_CONTENT");
    expect(refused?.data?.httpStatus).toBe(422);
    expect(refused?.message).toBe(`#${action.id} was carried out by the agent with its own tool; Leash cannot undo it`);
    expect(await rowOf(action.id)).toMatchObject({ status: "executed", rollbackActionId: null });
    expect(await environment.db.agentAction.count({ where: { rollbackOfId: action.id } })).toBe(0);
  });

  it("cannot be a template step: refused at creation with a clear message", async () => {
    const before = await environment.db.actionTemplate.count({ where: { tenantId: tenant.id } });
    const response = await api.call("POST", "template.create", {
      apiKey: tenant.keys.admin,
      body: {
        name: "Restart and tell",
        parameters: [],
        steps: [
          { actionType: "external", parameters: restart },
          { actionType: "notify", parameters: { channel: "email", recipient: "ops@example.com", message: "Restarted" } },
        ],
      },
    });
    expect(response.status).toBe(400);
    expect(response.body.error?.data.code).toBe("BAD_REQUEST");
    expect(response.body.error?.data.issues).toEqual([
      { path: ["steps", "0", "actionType"], message: "external actions are carried out by the agent that proposes them, so they cannot be template steps" },
    ]);
    expect(await environment.db.actionTemplate.count({ where: { tenantId: tenant.id } })).toBe(before);
  });
});

describe("external over MCP: request_approval and report_outcome", () => {
  it("request_approval proposes and waits; once approved, wait_for_decision says so; report_outcome completes it", async () => {
    const client = await mcpClient(tenant.keys.agent);
    const { tools } = await client.listTools();
    expect(tools.map((tool) => tool.name)).toEqual(expect.arrayContaining(["request_approval", "report_outcome", "propose_external"]));
    const request = tools.find((tool) => tool.name === "request_approval");
    expect(request?.inputSchema).toMatchObject({ required: expect.arrayContaining(["tool", "summary"]), properties: { tool: { type: "string" }, arguments: { type: "object" }, summary: { type: "string" } } });
    expect(request?.annotations).toMatchObject({ openWorldHint: true });

    const asked = await client.callTool({ name: "request_approval", arguments: { tool: "shell", arguments: { command: "make deploy" }, summary: "Deploy the site", reason: "Release 4.2", waitSeconds: 1 } });
    expect(asked.isError).toBeFalsy();
    const first = asked.structuredContent as { done: boolean; cursor: string; action: { id: number; status: string; actionType: string; parameters: unknown; reason: string | null } };
    expect(first).toMatchObject({ done: false, action: { status: "pending", actionType: "external", parameters: { tool: "shell", arguments: { command: "make deploy" }, summary: "Deploy the site" }, reason: "Release 4.2" } });

    const waiting = client.callTool({ name: "wait_for_decision", arguments: { cursor: first.cursor, waitSeconds: 25 } });
    const approvedAt = Date.now();
    await approver().action.approve.mutate({ actionId: first.action.id });
    const decided = await waiting;
    expect(Date.now() - approvedAt).toBeLessThan(10_000);
    expect(decided.isError).toBeFalsy();
    expect(decided.structuredContent).toMatchObject({ done: true, action: { id: first.action.id, status: "approved" } });

    const reported = await client.callTool({ name: "report_outcome", arguments: { actionId: first.action.id, outcome: "succeeded", result: { deployed: "4.2" } } });
    expect(reported.isError).toBeFalsy();
    expect(reported.structuredContent).toMatchObject({ id: first.action.id, status: "executed", result: { deployed: "4.2" } });
    expect(await rowOf(first.action.id)).toMatchObject({ status: "executed", result: { deployed: "4.2" } });

    const again = await client.callTool({ name: "report_outcome", arguments: { actionId: first.action.id, outcome: "failed", error: "twice" } });
    expect(again.isError).toBe(true);
    expect(JSON.stringify(again.content)).toContain("CONFLICT");
  });

  it("report_outcome from another key is refused as a tool error", async () => {
    const action = await approvedExternal();
    const otherAgent = await createApiKey(environment.db, { tenantId: tenant.id, name: "mcp-other-agent", role: "agent" });
    const client = await mcpClient(otherAgent.key);
    const refused = await client.callTool({ name: "report_outcome", arguments: { actionId: action.id, outcome: "succeeded" } });
    expect(refused.isError).toBe(true);
    expect(JSON.stringify(refused.content)).toContain("FORBIDDEN");
    expect((await rowOf(action.id)).status).toBe("approved");
    await agent().action.complete.mutate({ actionId: action.id, outcome: "succeeded" });
  });
});
