import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { Writable } from "node:stream";

import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { createApiKey, createLogger } from "@leash/core";
import { createTestEnvironment, createTestTenant, waitFor, type TestEnvironment, type TestTenant } from "@leash/core/testing";
import { startTestWorker } from "@leash/worker/test-support";

import { createApiServer } from "../src/server.ts";

let environment: TestEnvironment;
let worker: Awaited<ReturnType<typeof startTestWorker>>;
const servers: Server[] = [];
/** The size of each proposal batch the API wrote, from its debug log lines. */
const batchSizes: number[] = [];

const logLines = new Writable({
  write(chunk: Buffer, _encoding, done) {
    for (const line of chunk.toString().split("\n").filter(Boolean)) {
      const entry = JSON.parse(line) as { msg?: string; proposals?: number };
      if (entry.msg === "proposal batch written" && entry.proposals !== undefined) batchSizes.push(entry.proposals);
    }
    done();
  },
});

beforeAll(async () => {
  environment = await createTestEnvironment();
  worker = await startTestWorker(environment);
});

afterAll(async () => {
  await Promise.all(servers.map((server) => new Promise<void>((resolve) => server.close(() => resolve()))));
  await worker.close();
  await environment.close();
});

/** The real HTTP API with its proposal batcher (the default), logging its batches here. */
async function startApi(options: { maxPendingActions?: number } = {}) {
  const server = createApiServer({
    deps: { ...environment.deps, logger: createLogger({ name: "api", level: "debug", destination: logLines }), ...options },
    checkReady: () => Promise.resolve({ ok: true, checks: {} }),
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return async (apiKey: string, input: unknown) => {
    const response = await fetch(`http://127.0.0.1:${port}/trpc/action.propose`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${apiKey}` },
      body: JSON.stringify(input),
    });
    const body = (await response.json()) as { result?: { data: { action: { id: number; status: string }; duplicate: boolean } }; error?: { data: { code: string } } };
    return { status: response.status, action: body.result?.data.action, duplicate: body.result?.data.duplicate, code: body.error?.data.code };
  };
}

const idea = (title: string, idempotencyKey?: string) => ({ actionType: "create", targetType: "idea", parameters: { title }, ...(idempotencyKey ? { idempotencyKey } : {}) });

async function secondKey(tenant: TestTenant): Promise<string> {
  return (await createApiKey(environment.db, { tenantId: tenant.id, name: `second-${tenant.slug}`, role: "agent" })).key;
}

describe("action.propose writes concurrent requests in batches", () => {
  it("answers 40 concurrent requests from two keys each with its own action, written in fewer batches, all executed", async () => {
    const tenant = await createTestTenant(environment.db);
    await environment.db.approvalPreference.create({ data: { tenantId: tenant.id, actionType: "create", targetType: "idea", autoApprove: true } });
    const keys = [tenant.keys.agent, await secondKey(tenant)];
    const propose = await startApi();
    const before = batchSizes.length;

    const answers = await Promise.all(Array.from({ length: 40 }, (_, index) => propose(keys[index % 2] ?? "", idea(`Idea ${index}`))));
    expect(answers.map((answer) => answer.status)).toEqual(Array.from({ length: 40 }, () => 200));
    const ids = answers.map((answer) => answer.action?.id);
    expect(new Set(ids).size).toBe(40);
    const sizes = batchSizes.slice(before);
    expect(sizes.reduce((sum, size) => sum + size, 0)).toBe(40);
    expect(sizes.length).toBeLessThan(40);

    await waitFor(async () => (await environment.db.agentAction.count({ where: { tenantId: tenant.id, status: "executed" } })) === 40 || undefined, {
      what: "40 executed actions",
    });
    const titles = await environment.db.item.findMany({ where: { tenantId: tenant.id, kind: "idea" }, select: { title: true } });
    expect(titles.map((item) => item.title).sort()).toEqual(Array.from({ length: 40 }, (_, index) => `Idea ${index}`).sort());
  });

  it("keeps the pending cap exact and one idempotency key to one action under concurrent requests", async () => {
    const tenant = await createTestTenant(environment.db);
    const keys = [tenant.keys.agent, await secondKey(tenant)];
    const propose = await startApi({ maxPendingActions: 5 });

    const capped = await Promise.all(Array.from({ length: 8 }, (_, index) => propose(keys[index % 2] ?? "", idea(`Waiting ${index}`))));
    expect(capped.filter((answer) => answer.status === 200)).toHaveLength(5);
    expect(capped.filter((answer) => answer.status === 429 && answer.code === "TOO_MANY_REQUESTS")).toHaveLength(3);
    expect(await environment.db.agentAction.count({ where: { tenantId: tenant.id, status: "pending" } })).toBe(5);

    const other = await createTestTenant(environment.db);
    const same = await Promise.all(Array.from({ length: 6 }, () => propose(other.keys.agent, idea("Once", "retry-me"))));
    expect(same.map((answer) => answer.status)).toEqual([200, 200, 200, 200, 200, 200]);
    expect(new Set(same.map((answer) => answer.action?.id)).size).toBe(1);
    expect(same.filter((answer) => answer.duplicate === false)).toHaveLength(1);
    const conflicting = await Promise.all([propose(other.keys.agent, idea("Twice", "taken")), propose(other.keys.agent, idea("Different", "taken"))]);
    expect(conflicting.map((answer) => answer.status).sort()).toEqual([200, 409]);
    expect(await environment.db.agentAction.count({ where: { tenantId: other.id } })).toBe(2);
  });
});
