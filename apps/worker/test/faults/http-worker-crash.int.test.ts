import { randomBytes } from "node:crypto";
import { createServer, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { approveAction, createConnector, proposeAction, type CoreDeps } from "@leash/core";
import { waitFor } from "@leash/core/testing";

import { startFaultStack, type FaultStack } from "./fault-stack.ts";
import { recordScenario } from "./scenario-results.ts";

// An outside effect cannot share Postgres' transaction: the worker sends the request inside its
// fenced execution transaction, so a crash after the receiver got it and before the commit sends it
// again on the next attempt. What Leash promises is the same Idempotency-Key every time, and one
// recorded execution (RELIABILITY.md, "Outside effects").
const connectorKey = randomBytes(32);
let stack: FaultStack;
let deps: CoreDeps;
let receiver: Awaited<ReturnType<typeof startHoldingReceiver>>;

interface Arrival {
  method: string;
  url: string;
  idempotencyKey: string | undefined;
  webhookId: string | undefined;
  body: string;
}

/** An HTTP receiver on 127.0.0.1 that records every request and holds its answer while `holding` is true. */
async function startHoldingReceiver() {
  const requests: Arrival[] = [];
  const held: ServerResponse[] = [];
  const state = { holding: true };
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      const idempotencyKey = request.headers["idempotency-key"];
      const webhookId = request.headers["webhook-id"];
      requests.push({
        method: request.method ?? "",
        url: request.url ?? "",
        idempotencyKey: typeof idempotencyKey === "string" ? idempotencyKey : undefined,
        webhookId: typeof webhookId === "string" ? webhookId : undefined,
        body: Buffer.concat(chunks).toString("utf8"),
      });
      if (state.holding) {
        held.push(response);
        return;
      }
      response.writeHead(201, { "content-type": "application/json" });
      response.end(JSON.stringify({ id: "inv_crash_1" }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    requests,
    state,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

beforeAll(async () => {
  stack = await startFaultStack();
  deps = { ...stack.deps, connectorKey };
  receiver = await startHoldingReceiver();
});

afterAll(async () => {
  await stack.close();
  await receiver.close();
});

describe("a worker killed with SIGKILL while the receiver holds the request of an http action", () => {
  it("the request is sent again with the same Idempotency-Key after recovery, and the action is recorded executed once", async () => {
    await createConnector(deps, {
      actor: stack.tenant.admin,
      input: {
        name: "billing",
        baseUrl: `${receiver.origin}/v1`,
        allowedMethods: ["POST"],
        allowedPathPrefixes: ["/invoices"],
        // Longer than the test holds the request: the kill, not a timeout, ends the first attempt.
        timeoutMs: 30_000,
        allowPrivateNetwork: true,
      },
    });
    const { action } = await proposeAction(deps, {
      actor: stack.tenant.agent,
      input: { actionType: "http", parameters: { connector: "billing", method: "POST", path: "/invoices", body: { customer: "cus_7", amount: 1200 } } },
    });
    await approveAction(deps, { actor: stack.tenant.approver, input: { actionId: action.id } });
    const workerEnv = { CONNECTOR_SECRET_KEY: connectorKey.toString("hex") };
    const startedAt = Date.now();

    const first = stack.spawnWorker(workerEnv);
    await waitFor(() => Promise.resolve(receiver.requests.length >= 1), { timeoutMs: 60_000, what: "the first worker's request to reach the receiver" });
    expect(await stack.db.agentAction.findUniqueOrThrow({ where: { id: action.id } })).toMatchObject({ status: "executing", attempts: 1 });
    expect(await first.stop("SIGKILL")).toBeNull();
    const atKill = receiver.requests.length;
    // Nothing was recorded: the execution's transaction died with the worker.
    expect(await stack.db.actionEvent.count({ where: { actionId: action.id, type: "executed" } })).toBe(0);

    receiver.state.holding = false;
    const second = stack.spawnWorker(workerEnv);
    const done = await waitFor(
      async () => {
        const row = await stack.db.agentAction.findUniqueOrThrow({ where: { id: action.id } });
        return row.status === "executed" || row.status === "failed" ? row : undefined;
      },
      { timeoutMs: 60_000, intervalMs: 100, what: `#${action.id} to finish after the crash` },
    );

    expect(done.status, done.errorMessage ?? "").toBe("executed");
    const afterRecovery = receiver.requests.slice(atKill);
    expect(afterRecovery.length).toBeGreaterThanOrEqual(1);
    // Every delivery, before the kill and after, is the same request under the same key.
    expect(new Set(receiver.requests.map((request) => JSON.stringify([request.method, request.url, request.idempotencyKey, request.webhookId, request.body])))).toEqual(
      new Set([JSON.stringify(["POST", "/v1/invoices", `leash-action-${action.id}`, `msg_leash_action_${action.id}`, receiver.requests[0]?.body])]),
    );
    expect(done.result).toMatchObject({ status: 201, body: { id: "inv_crash_1" } });

    const events = await stack.db.actionEvent.findMany({ where: { actionId: action.id }, orderBy: { id: "asc" } });
    const executedEvents = events.filter((event) => event.type === "executed").length;
    expect(executedEvents).toBe(1);
    expect(events.filter((event) => event.type === "started").length).toBeGreaterThanOrEqual(2);
    expect(await second.stop("SIGTERM")).toBe(0);
    await recordScenario(
      stack,
      "http-worker-sigkill",
      {
        actionIds: [action.id],
        outcome: { inFlight: 1, executed: 1, terminalWithReason: 0, lost: 0, duplicated: executedEvents - 1 },
        executedBeforeFault: 0,
        serverErrors: null,
        startedAt,
      },
      { deliveries: receiver.requests.length, idempotencyKeys: new Set(receiver.requests.map((request) => request.idempotencyKey)).size },
    );
  });
});
