import type { AddressInfo } from "node:net";

import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";

import { setPreference, type ActionView } from "@leash/core";
import { createTestEnvironment, createTestItem, createTestTenant, type TestEnvironment, type TestTenant } from "@leash/core/testing";
import { startTestWorker } from "@leash/worker/test-support";

import { TRPCClientError } from "../src/client.ts";
import { createApiKeyRateLimiter } from "../src/rate-limit.ts";
import { createApiServer } from "../src/server.ts";
import { connectMcpClient, startTestApi } from "./support.ts";

// The worker is started per test where it is needed, so the watch test can see the approved state before anything runs.
let environment: TestEnvironment;
let api: Awaited<ReturnType<typeof startTestApi>>;
let tenant: TestTenant;
const cleanups: (() => Promise<void>)[] = [];

beforeAll(async () => {
  environment = await createTestEnvironment();
  api = await startTestApi(environment);
  tenant = await createTestTenant(environment.db, "agents");
});

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

afterAll(async () => {
  await api.close();
  await environment.close();
});

async function startWorker() {
  const worker = await startTestWorker(environment);
  cleanups.push(() => worker.close());
}

async function newProject(title: string) {
  return createTestItem(environment.db, tenant.id, { kind: "project", title, data: { status: "active" } });
}

const mcpClient = (apiKey: string) => connectMcpClient(api.baseUrl, apiKey, cleanups);

describe("propose and wait", () => {
  it("returns the executed action when an approval preference lets it through", async () => {
    await startWorker();
    await setPreference(environment.deps, { actor: tenant.admin, input: { actionType: "notify", autoApprove: true } });
    const answer = await api.client(tenant.keys.agent).action.proposeAndWait.mutate({
      actionType: "notify",
      parameters: { channel: "email", recipient: "ops@example.com", message: "Deploy done" },
      idempotencyKey: "notify-deploy-done",
    });
    expect(answer).toMatchObject({ done: true, duplicate: false, action: { status: "executed", requiresApproval: false } });
    // A retry with the same key finds the same action and answers at once.
    const retried = await api.client(tenant.keys.agent).action.proposeAndWait.mutate({
      actionType: "notify",
      parameters: { channel: "email", recipient: "ops@example.com", message: "Deploy done" },
      idempotencyKey: "notify-deploy-done",
    });
    expect(retried).toMatchObject({ done: true, duplicate: true, action: { id: answer.action.id, status: "executed" } });
  });

  it("answers pending with a cursor after a short wait, and a later wait (on another API instance) returns once a person approves", async () => {
    await startWorker();
    const project = await newProject("Website relaunch");
    const agent = api.client(tenant.keys.agent);
    const first = await agent.action.proposeAndWait.mutate({
      actionType: "update",
      targetType: "project",
      targetId: project.id,
      parameters: { data: { status: "at_risk" } },
      waitSeconds: 1,
    });
    expect(first).toMatchObject({ done: false, action: { status: "pending" } });
    expect(first.cursor).toEqual(expect.any(String));

    // The next wait goes to a second API instance (its own watcher), as behind a load balancer.
    const secondApi = await startTestApi(environment);
    cleanups.push(() => secondApi.close());
    const waiting = secondApi.client(tenant.keys.agent).action.wait.mutate({ cursor: first.cursor, waitSeconds: 25 });
    await api.client(tenant.keys.approver).action.approve.mutate({ actionId: first.action.id });
    const settled = await waiting;
    expect(settled).toMatchObject({ done: true, action: { id: first.action.id, status: "executed" } });
    // Waiting on an action that already ended answers at once, by id as well as by cursor.
    expect(await agent.action.wait.mutate({ actionId: first.action.id })).toMatchObject({ done: true, action: { status: "executed" } });
  });

  it("a rejection ends the wait too, with the reason", async () => {
    const project = await newProject("Office move");
    const agent = api.client(tenant.keys.agent);
    const proposed = await agent.action.propose.mutate({ actionType: "delete", targetType: "project", targetId: project.id, parameters: {} });
    const waiting = agent.action.wait.mutate({ actionId: proposed.action.id });
    await api.client(tenant.keys.approver).action.reject.mutate({ actionId: proposed.action.id, reason: "Still in use" });
    expect(await waiting).toMatchObject({ done: true, action: { status: "rejected", rejectionReason: "Still in use" } });
  });

  it("refuses bad input, foreign cursors, other tenants' actions and missing keys", async () => {
    const agent = api.client(tenant.keys.agent);
    const other = await createTestTenant(environment.db, "agents-other");
    const foreign = await api.client(other.keys.agent).action.propose.mutate({
      actionType: "notify",
      parameters: { channel: "email", recipient: "x@example.com", message: "hi" },
    });
    await expect(agent.action.wait.mutate({ actionId: foreign.action.id, waitSeconds: 0 })).rejects.toMatchObject({ data: { code: "NOT_FOUND" } });
    await expect(agent.action.wait.mutate({ cursor: "not-a-cursor" })).rejects.toMatchObject({ data: { code: "BAD_REQUEST" } });
    await expect(agent.action.wait.mutate({ actionId: foreign.action.id, cursor: "x" })).rejects.toMatchObject({ data: { code: "BAD_REQUEST" } });
    await expect(agent.action.wait.mutate({ actionId: foreign.action.id, waitSeconds: 26 })).rejects.toMatchObject({ data: { code: "BAD_REQUEST" } });
    const noKey = await api.call("POST", "action.proposeAndWait", { body: { actionType: "notify", parameters: { channel: "email", recipient: "x@example.com", message: "hi" } } });
    expect(noKey.status).toBe(401);
    await expect(api.client("lsh_wrong_key").action.wait.mutate({ actionId: foreign.action.id })).rejects.toMatchObject({ data: { code: "UNAUTHORIZED" } });
  });
});

describe("watching an action over server-sent events", () => {
  it("sees pending, then approved, then executed, and ends there", async () => {
    const project = await newProject("Data migration");
    const agent = api.client(tenant.keys.agent);
    const { action } = await agent.action.propose.mutate({ actionType: "update", targetType: "project", targetId: project.id, parameters: { data: { status: "done" } } });

    const seen: ActionView["status"][] = [];
    const ended = new Promise<void>((resolve, reject) => {
      const subscription = agent.action.watch.subscribe(
        { actionId: action.id },
        {
          onData: ({ data }) => {
            seen.push(data.status);
            // Each step is taken once the one before it was seen: no worker runs until the approval has been watched.
            if (data.status === "pending") void api.client(tenant.keys.approver).action.approve.mutate({ actionId: action.id }).catch(reject);
            if (data.status === "approved") void startWorker().catch(reject);
          },
          onError: reject,
          onComplete: resolve,
        },
      );
      cleanups.push(() => {
        subscription.unsubscribe();
        return Promise.resolve();
      });
    });
    await ended;
    expect(seen[0]).toBe("pending");
    expect(seen[1]).toBe("approved");
    expect(seen.at(-1)).toBe("executed");
    expect(seen.filter((status) => status !== "executing")).toEqual(["pending", "approved", "executed"]);
  });

  it("is plain server-sent events for clients without tRPC, and resumes from the last event id", async () => {
    const agent = api.client(tenant.keys.agent);
    const { action } = await agent.action.propose.mutate({ actionType: "notify", parameters: { channel: "email", recipient: "a@example.com", message: "hi" } });
    await agent.action.cancel.mutate({ actionId: action.id });
    const watch = async (headers: Record<string, string> = {}) => {
      const response = await fetch(`${api.trpcUrl}/action.watch?input=${encodeURIComponent(JSON.stringify({ actionId: action.id }))}`, {
        headers: { authorization: `Bearer ${tenant.keys.agent}`, accept: "text/event-stream", ...headers },
      });
      expect(response.headers.get("content-type")).toMatch(/^text\/event-stream/);
      // The action has ended, so the stream ends after its state.
      return response.text();
    };
    const first = await watch();
    const id = /^id: ?(.+)$/m.exec(first)?.[1];
    expect(id).toMatch(/^cancelled@/);
    expect(first).toContain('"status":"cancelled"');
    // A client that already saw that state is not sent it again.
    const resumed = await watch({ "last-event-id": id ?? "" });
    expect(resumed).not.toContain('"status"');
  });

  it("refuses a watch without a valid key", async () => {
    const error = await new Promise<unknown>((resolve) => {
      const subscription = api.client("lsh_wrong_key").action.watch.subscribe({ actionId: 1 }, { onData: () => resolve(null), onError: resolve });
      cleanups.push(() => {
        subscription.unsubscribe();
        return Promise.resolve();
      });
    });
    expect(error).toBeInstanceOf(TRPCClientError);
    expect(error).toMatchObject({ data: { code: "UNAUTHORIZED" } });
  });
});

describe("the MCP server", () => {
  it("lists a propose tool per action type with its parameter schema, and the other tools", async () => {
    const client = await mcpClient(tenant.keys.agent);
    const { tools } = await client.listTools();
    const names = tools.map((tool) => tool.name).sort();
    expect(names).toEqual(
      ["get_action", "list_connectors", "list_templates", "propose_create", "propose_delete", "propose_external", "propose_http", "propose_link", "propose_notify", "propose_schedule", "propose_update", "report_outcome", "request_approval", "run_template", "wait_for_decision"].sort(),
    );
    const update = tools.find((tool) => tool.name === "propose_update");
    expect(update?.inputSchema).toMatchObject({
      type: "object",
      required: expect.arrayContaining(["targetType", "targetId", "parameters"]),
      properties: { targetId: { type: "integer" }, parameters: { type: "object" }, waitSeconds: { maximum: 25 } },
    });
    expect(update?.inputSchema.properties).not.toHaveProperty("actionType");
  });

  it("proposes an action and waits for it while a person approves it", async () => {
    await startWorker();
    const project = await newProject("Pricing page");
    const client = await mcpClient(tenant.keys.agent);
    const proposed = await client.callTool({
      name: "propose_update",
      arguments: { targetType: "project", targetId: project.id, parameters: { title: "Pricing page v2" }, reason: "Renamed in the roadmap", waitSeconds: 0 },
    });
    expect(proposed.isError).toBeFalsy();
    const first = proposed.structuredContent as { action: { id: number; status: string }; done: boolean; cursor: string };
    expect(first).toMatchObject({ done: false, action: { status: "pending" } });

    const waiting = client.callTool({ name: "wait_for_decision", arguments: { cursor: first.cursor, waitSeconds: 25 } });
    await api.client(tenant.keys.approver).action.approve.mutate({ actionId: first.action.id });
    const settled = await waiting;
    expect(settled.isError).toBeFalsy();
    expect(settled.structuredContent).toMatchObject({ done: true, action: { id: first.action.id, status: "executed" } });

    const detail = await client.callTool({ name: "get_action", arguments: { actionId: first.action.id } });
    expect(detail.structuredContent).toMatchObject({ status: "executed", timeline: expect.arrayContaining([expect.objectContaining({ type: "approved" })]) });
    expect(await environment.db.item.findUniqueOrThrow({ where: { id: project.id } })).toMatchObject({ title: "Pricing page v2" });
  });

  it("lists and runs templates", async () => {
    const client = await mcpClient(tenant.keys.agent);
    await api.client(tenant.keys.admin).template.create.mutate({
      name: "Announce",
      parameters: [{ name: "message", type: "string" }],
      steps: [{ actionType: "notify", parameters: { channel: "email", recipient: "team@example.com", message: "{{params.message}}" } }],
    });
    const listed = await client.callTool({ name: "list_templates", arguments: {} });
    const { templates } = listed.structuredContent as { templates: { id: number; name: string }[] };
    const template = templates.find((entry) => entry.name === "Announce");
    expect(template).toBeDefined();
    const run = await client.callTool({ name: "run_template", arguments: { templateId: template?.id, parameters: { message: "We ship on Friday" } } });
    expect(run.isError).toBeFalsy();
    expect(run.structuredContent).toMatchObject({ templateId: template?.id, actions: [{ actionType: "notify", parameters: { message: "We ship on Friday" } }] });
  });

  it("answers refusals of core and invalid arguments as tool errors that say why", async () => {
    const client = await mcpClient(tenant.keys.agent);
    const missing = await client.callTool({ name: "get_action", arguments: { actionId: 999_999 } });
    expect(missing.isError).toBe(true);
    expect(missing.content).toEqual([{ type: "text", text: expect.stringContaining("NOT_FOUND: No action #999999") }]);
    const invalid = await client.callTool({ name: "propose_update", arguments: { targetType: "project", targetId: -1, parameters: {} } });
    expect(invalid.isError).toBe(true);
    expect(JSON.stringify(invalid.content)).toMatch(/targetId/);
  });

  it("refuses a client without a valid API key", async () => {
    await expect(mcpClient("lsh_wrong_key")).rejects.toThrow(/401|API key/);
    const response = await fetch(`${api.baseUrl}/mcp`, {
      method: "POST",
      headers: { "content-type": "application/json", accept: "application/json, text/event-stream" },
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "tools/list" }),
    });
    expect(response.status).toBe(401);
    expect(response.headers.get("www-authenticate")).toMatch(/^Bearer/);
    expect(await response.json()).toMatchObject({ jsonrpc: "2.0", error: { message: expect.stringContaining("API key") } });
  });

  it("counts against the key's rate limit like /trpc, with Retry-After", async () => {
    const server = createApiServer({
      deps: environment.deps,
      checkReady: () => Promise.resolve({ ok: true, checks: {} }),
      rateLimiter: createApiKeyRateLimiter({ redis: environment.redis, prefix: `${environment.queuePrefix}:mcp`, points: 1, windowSeconds: 60, burst: 0 }),
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    cleanups.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
    const { port } = server.address() as AddressInfo;
    const list = () =>
      fetch(`http://127.0.0.1:${port}/mcp`, {
        method: "POST",
        headers: { authorization: `Bearer ${tenant.keys.agent}`, "content-type": "application/json", accept: "application/json, text/event-stream" },
        body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "tools/list" }),
      });
    expect((await list()).status).toBe(200);
    const refused = await list();
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(await refused.json()).toMatchObject({ error: { message: expect.stringContaining("Rate limit exceeded") } });
  });
});
