import { randomBytes } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";

import { Webhook } from "standardwebhooks";

import { receivedPage } from "./received-page.ts";
import type { ReceivedLog } from "./received.ts";

const MAX_BODY_BYTES = 64 * 1024;

async function readBody(request: IncomingMessage): Promise<string> {
  let size = 0;
  const chunks: Buffer[] = [];
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) break;
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString("utf8");
}

function header(request: IncomingMessage, name: string): string | null {
  const value = request.headers[name];
  return typeof value === "string" ? value : null;
}

function signatureOf(request: IncomingMessage, body: string, secret: string | null): "verified" | "invalid" | "not checked" {
  if (!secret) return "not checked";
  try {
    new Webhook(secret).verify(body, {
      "webhook-id": header(request, "webhook-id") ?? "",
      "webhook-timestamp": header(request, "webhook-timestamp") ?? "",
      "webhook-signature": header(request, "webhook-signature") ?? "",
    });
    return "verified";
  } catch {
    return "invalid";
  }
}

function json(response: ServerResponse, status: number, value: unknown): number {
  response.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(value));
  return status;
}

type SecretSource = () => string | null;

/**
 * A stand-in for a team's own service, behind the demo tenant's connector: `POST /api/invoices`
 * creates an invoice (the same Idempotency-Key answers the same invoice again, as a careful API
 * does), `DELETE /api/invoices/<id>` removes it (the connector's undo). `POST /webhooks` receives the
 * demo tenant's webhooks, checked with that endpoint's own secret. `/` lists what arrived.
 */
export function startHttpReceiver(
  log: ReceivedLog,
  { host, port, secrets }: { host: string; port: number; secrets: { connector: SecretSource; webhooks: SecretSource } },
): Server {
  const invoices = new Map<string, { id: string; body: unknown }>();
  const byKey = new Map<string, string>();
  const server = createServer((request, response) => {
    void (async () => {
      const url = new URL(request.url ?? "/", "http://receiver");
      if (request.method === "GET" && url.pathname === "/") {
        response.writeHead(200, { "content-type": "text/html; charset=utf-8" }).end(receivedPage(log.entries));
        return;
      }
      if (request.method === "GET" && url.pathname === "/received.json") {
        json(response, 200, log.entries);
        return;
      }
      const body = await readBody(request);
      const idempotencyKey = header(request, "idempotency-key");
      const isWebhook = url.pathname === "/webhooks";
      const signature = signatureOf(request, body, (isWebhook ? secrets.webhooks : secrets.connector)());
      let status: number;
      const removal = /^\/api\/invoices\/([\w-]+)$/.exec(url.pathname);
      if (signature === "invalid") {
        status = json(response, 401, { error: "bad signature" });
      } else if (isWebhook && request.method === "POST") {
        status = json(response, 200, { received: header(request, "webhook-id") });
      } else if (request.method === "POST" && url.pathname === "/api/invoices") {
        const earlierId = idempotencyKey ? byKey.get(idempotencyKey) : undefined;
        const earlier = earlierId ? invoices.get(earlierId) : undefined;
        const invoice = earlier ?? { id: `inv_${randomBytes(4).toString("hex")}`, body: body ? (JSON.parse(body) as unknown) : null };
        invoices.set(invoice.id, invoice);
        if (idempotencyKey) byKey.set(idempotencyKey, invoice.id);
        status = json(response, earlier ? 200 : 201, { id: invoice.id, replayed: Boolean(earlier) });
      } else if (request.method === "DELETE" && removal?.[1]) {
        status = invoices.delete(removal[1]) ? json(response, 200, { id: removal[1], deleted: true }) : json(response, 404, { error: "no such invoice" });
      } else {
        status = json(response, 404, { error: "not found" });
      }
      log.add({ kind: "request", at: new Date(), method: request.method ?? "?", path: url.pathname, idempotencyKey, webhookId: header(request, "webhook-id"), signature, body, status });
    })().catch((error: unknown) => {
      response.writeHead(400, { "content-type": "application/json" }).end(JSON.stringify({ error: error instanceof Error ? error.message : "bad request" }));
    });
  });
  server.listen(port, host);
  return server;
}
