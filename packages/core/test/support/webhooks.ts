import { createHmac, timingSafeEqual } from "node:crypto";
import { createServer, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";

import { DelayedError, UnrecoverableError, Worker } from "bullmq";
import { Redis } from "ioredis";

import type { ActionEventType } from "@leash/db";

import { sealAuditChain } from "../../src/audit/seal-audit-chain.ts";
import { isCoreError } from "../../src/errors.ts";
import { deliverWebhookJob, queueNames } from "../../src/queue/queue-definitions.ts";
import { testRedisUrl, type TestEnvironment, type TestTenant } from "../../src/testing/index.ts";
import { deliverWebhook } from "../../src/webhooks/deliver-webhook.ts";
import { enqueueReadyWebhookDeliveries } from "../../src/webhooks/enqueue-ready-webhook-deliveries.ts";
import type { WebhookPolicy } from "../../src/webhooks/webhook-policy.ts";

export interface Received {
  headers: IncomingHttpHeaders;
  body: string;
  /** The body parsed. */
  json: { type: string; timestamp: string; data: Record<string, unknown> };
}

export type Answer = { status: number; body?: string; headers?: Record<string, string> };

/** A real HTTP receiver on 127.0.0.1: records every request and answers what `answer` says (200 by default). */
export async function startReceiver(answer: (request: Received, index: number) => Answer = () => ({ status: 200 })) {
  const received: Received[] = [];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      const body = Buffer.concat(chunks).toString("utf8");
      const entry = { headers: request.headers, body, json: JSON.parse(body) as Received["json"] };
      received.push(entry);
      const reply = answer(entry, received.length - 1);
      response.writeHead(reply.status, { "content-type": "text/plain", ...reply.headers });
      response.end(reply.body ?? "");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hooks/leash?source=test`,
    received,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/**
 * Verifies a delivery the way the README tells receivers to, by hand (not with the standardwebhooks
 * library): HMAC-SHA256 of `<webhook-id>.<webhook-timestamp>.<body>` keyed with the base64-decoded
 * part of the secret after `whsec_`, base64, compared in constant time with each `v1,` entry, and a
 * timestamp within 5 minutes.
 */
export function verifySignature(secret: string, headers: IncomingHttpHeaders, body: string): boolean {
  const id = String(headers["webhook-id"]);
  const timestamp = String(headers["webhook-timestamp"]);
  if (Math.abs(Date.now() / 1000 - Number(timestamp)) > 300) return false;
  const key = Buffer.from(secret.slice("whsec_".length), "base64");
  const expected = createHmac("sha256", key).update(`${id}.${timestamp}.${body}`).digest();
  return String(headers["webhook-signature"])
    .split(" ")
    .some((entry) => {
      const [version, signature] = entry.split(",");
      const given = Buffer.from(signature ?? "", "base64");
      return version === "v1" && given.length === expected.length && timingSafeEqual(given, expected);
    });
}

/**
 * A BullMQ consumer of the webhooks queue doing what the worker's processor does
 * (apps/worker/src/processors/deliver-webhook-processor.ts), with the test's policy.
 */
export function startWebhookConsumer(environment: TestEnvironment, policy: WebhookPolicy, { concurrency = 8 } = {}) {
  const connection = new Redis(testRedisUrl, { maxRetriesPerRequest: null });
  const worker = new Worker(
    queueNames.webhooks,
    async (job, token) => {
      const payload = deliverWebhookJob.payload.parse(job.data);
      let outcome;
      try {
        outcome = await deliverWebhook(environment.deps, { ...payload, policy });
      } catch (error) {
        if (isCoreError(error) && !error.retryable) throw new UnrecoverableError(error.message);
        throw error;
      }
      if (outcome.kind === "retry" || outcome.kind === "not_due") {
        await job.moveToDelayed(Date.now() + outcome.retryInMs, token);
        throw new DelayedError();
      }
      return outcome;
    },
    { connection, prefix: environment.queuePrefix, concurrency },
  );
  return {
    worker,
    async close() {
      await worker.close();
      connection.disconnect();
    },
  };
}

/** What the worker's sealing pass does: seal new events, then enqueue the deliveries it made. */
export async function sealAndEnqueue(environment: TestEnvironment) {
  const sealed = await sealAuditChain(environment.deps);
  await enqueueReadyWebhookDeliveries(environment.deps, sealed.webhookDeliveries);
  return sealed;
}

/** An action with the given audit events, in order, written as proposing, deciding and running it would. */
export async function makeAction(environment: TestEnvironment, tenant: TestTenant, options: { actionType?: string; events: ActionEventType[] }) {
  const action = await environment.db.agentAction.create({
    data: {
      tenantId: tenant.id,
      proposerLabel: tenant.agent.label,
      actionType: options.actionType ?? "notify",
      parameters: { channel: "email", recipient: "x@example.com", message: "hello" },
      status: "pending",
    },
  });
  for (const type of options.events) {
    await environment.db.actionEvent.create({
      data: { tenantId: tenant.id, actionId: action.id, type, actorKind: "user", actorId: tenant.approver.userId, actorLabel: tenant.approver.label, details: { step: type } },
    });
  }
  return action;
}
