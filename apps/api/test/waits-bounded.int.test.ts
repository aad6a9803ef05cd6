import type { AddressInfo } from "node:net";

import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";

import { createApiKey, createWaitSlots, revokeTenantApiKey, silentLogger, type ActionView } from "@leash/core";
import { createTestEnvironment, createTestTenant, waitFor, type TestEnvironment, type TestTenant } from "@leash/core/testing";

import { createLeashClient, TRPCClientError } from "../src/client.ts";
import { createApiServer } from "../src/server.ts";
import { connectMcpClient } from "./support.ts";

const MAX_WAITS = 2;

let environment: TestEnvironment;
let tenant: TestTenant;
// Two API instances behind a load balancer, counting waits in the same Redis.
const instances: { baseUrl: string; close: () => Promise<void> }[] = [];
const cleanups: (() => Promise<void>)[] = [];

async function startInstance() {
  const server = createApiServer({
    deps: environment.deps,
    checkReady: () => Promise.resolve({ ok: true, checks: {} }),
    waitSlots: createWaitSlots({ redis: environment.redis, prefix: environment.queuePrefix, maxPerKey: MAX_WAITS, logger: silentLogger() }),
    keyRecheckMs: 100,
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return { baseUrl: `http://127.0.0.1:${port}`, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

beforeAll(async () => {
  environment = await createTestEnvironment();
  instances.push(await startInstance(), await startInstance());
  tenant = await createTestTenant(environment.db, "waits");
});

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

afterAll(async () => {
  for (const instance of instances) await instance.close();
  await environment.close();
});

const at = (index: 0 | 1) => instances[index] ?? { baseUrl: "" };
const client = (index: 0 | 1, apiKey: string) => createLeashClient({ url: `${at(index).baseUrl}/trpc`, apiKey });
const openWaits = (apiKeyId: string) => environment.redis.zcard(`${environment.queuePrefix}:wait-slots:${apiKeyId}`);

async function pendingAction(apiKey: string) {
  const { action } = await client(0, apiKey).action.propose.mutate({ actionType: "create", targetType: "idea", parameters: { title: "Office plants" } });
  expect(action.status).toBe("pending");
  return action;
}

/** Watches an action; `first` resolves with its first state, `ended` with how the stream ended. */
function watch(index: 0 | 1, apiKey: string, actionId: number) {
  let seen: (action: ActionView) => void = () => undefined;
  const first = new Promise<ActionView>((resolve) => (seen = resolve));
  const ended = new Promise<unknown>((resolve) => {
    const subscription = client(index, apiKey).action.watch.subscribe({ actionId }, { onData: ({ data }) => seen(data), onError: resolve, onComplete: () => resolve("complete") });
    cleanups.push(() => {
      subscription.unsubscribe();
      return Promise.resolve();
    });
  });
  return { first, ended };
}

describe("an API key's open waits and watches", () => {
  it("are capped across API instances: beyond the cap TOO_MANY_REQUESTS, nothing proposed, other keys unaffected", async () => {
    const action = await pendingAction(tenant.keys.agent);
    const waiting = client(0, tenant.keys.agent).action.wait.mutate({ actionId: action.id, waitSeconds: 25 });
    const watching = watch(1, tenant.keys.agent, action.id);
    await watching.first;
    await waitFor(async () => (await openWaits(tenant.agent.apiKeyId)) === MAX_WAITS, { what: "both waits to hold a slot" });

    const refused = await client(1, tenant.keys.agent).action.wait.mutate({ actionId: action.id, waitSeconds: 25 }).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(TRPCClientError);
    expect(refused).toMatchObject({ data: { code: "TOO_MANY_REQUESTS", httpStatus: 429 }, message: expect.stringContaining(`${MAX_WAITS} waits and watches open at once`) });

    const before = await environment.db.agentAction.count({ where: { tenantId: tenant.id } });
    await expect(
      client(0, tenant.keys.agent).action.proposeAndWait.mutate({ actionType: "create", targetType: "idea", parameters: { title: "Standing desks" }, waitSeconds: 25 }),
    ).rejects.toMatchObject({ data: { code: "TOO_MANY_REQUESTS" } });
    expect(await environment.db.agentAction.count({ where: { tenantId: tenant.id } })).toBe(before);

    const overWatch = watch(0, tenant.keys.agent, action.id);
    expect(await overWatch.ended).toMatchObject({ data: { code: "TOO_MANY_REQUESTS" } });

    const mcp = await connectMcpClient(at(1).baseUrl, tenant.keys.agent, cleanups);
    const overMcp = await mcp.callTool({ name: "wait_for_decision", arguments: { actionId: action.id, waitSeconds: 25 } });
    expect(overMcp.isError).toBe(true);
    expect(JSON.stringify(overMcp.content)).toContain("LIMIT_EXCEEDED: Too many waits");

    // Another key of the same tenant has its own count.
    expect(await client(1, tenant.keys.approver).action.wait.mutate({ actionId: action.id, waitSeconds: 0 })).toMatchObject({ done: false });

    // The action ends: the wait answers, the watch completes, and their slots are given back.
    await client(1, tenant.keys.approver).action.reject.mutate({ actionId: action.id, reason: "No budget" });
    expect(await waiting).toMatchObject({ done: true, action: { status: "rejected" } });
    expect(await watching.ended).toBe("complete");
    await waitFor(async () => (await openWaits(tenant.agent.apiKeyId)) === 0, { what: "the slots to be released" });
    expect(await client(1, tenant.keys.agent).action.wait.mutate({ actionId: action.id, waitSeconds: 25 })).toMatchObject({ done: true });
  });

  it("end once the key is revoked: waits answer UNAUTHORIZED and a watch ends with an UNAUTHORIZED error event", async () => {
    const key = await createApiKey(environment.db, { tenantId: tenant.id, name: "soon revoked", role: "agent" });
    const action = await pendingAction(key.key);
    const watching = watch(0, key.key, action.id);
    await watching.first;
    const waiting = client(1, key.key).action.wait.mutate({ actionId: action.id, waitSeconds: 25 }).catch((error: unknown) => error);
    await waitFor(async () => (await openWaits(key.id)) === MAX_WAITS, { what: "the watch and the wait to hold a slot" });

    await revokeTenantApiKey(environment.deps, { actor: tenant.admin, input: { publicId: key.publicId } });

    const waited = await waiting;
    expect(waited).toBeInstanceOf(TRPCClientError);
    expect(waited).toMatchObject({ data: { code: "UNAUTHORIZED", httpStatus: 401 }, message: expect.stringContaining("revoked") });
    const ended = await watching.ended;
    expect(ended).toBeInstanceOf(TRPCClientError);
    expect(ended).toMatchObject({ data: { code: "UNAUTHORIZED" }, message: expect.stringContaining("revoked") });
    await waitFor(async () => (await openWaits(key.id)) === 0, { what: "the slots to be released" });
    expect(await environment.db.agentAction.findUniqueOrThrow({ where: { id: action.id } })).toMatchObject({ status: "pending" });
  });

  it("end over MCP too once the key is revoked: a waiting tool answers an UNAUTHORIZED tool error", async () => {
    const key = await createApiKey(environment.db, { tenantId: tenant.id, name: "mcp revoked", role: "agent" });
    const mcp = await connectMcpClient(at(0).baseUrl, key.key, cleanups);
    const proposed = await mcp.callTool({ name: "propose_create", arguments: { targetType: "idea", parameters: { title: "A quiet room" }, waitSeconds: 0 } });
    const { cursor } = proposed.structuredContent as { cursor: string };
    const waiting = mcp.callTool({ name: "wait_for_decision", arguments: { cursor, waitSeconds: 25 } });
    await waitFor(async () => (await openWaits(key.id)) === 1, { what: "the tool's wait to hold a slot" });

    await revokeTenantApiKey(environment.deps, { actor: tenant.admin, input: { publicId: key.publicId } });

    const answer = await waiting;
    expect(answer.isError).toBe(true);
    expect(JSON.stringify(answer.content)).toContain("UNAUTHORIZED: This API key is no longer valid");
    await waitFor(async () => (await openWaits(key.id)) === 0, { what: "the slot to be released" });
  });
});
