import { request as httpRequest, STATUS_CODES, type IncomingMessage, type OutgoingHttpHeaders } from "node:http";
import { request as httpsRequest } from "node:https";
import { isIP } from "node:net";
import { performance } from "node:perf_hooks";

import { CoreError } from "../errors.ts";
import { checkConnectorRequest } from "./check-connector-request.ts";
import type { HttpMethod } from "./connector-fields.ts";
import { followRedirect, REDIRECT_STATUSES, type Hop } from "./follow-redirect.ts";
import { openConnectorSecrets } from "./open-connector-secrets.ts";
import { pinAddress, resolveWithDns, type ResolveHost } from "./pin-address.ts";
import { readCappedBody } from "./read-capped-body.ts";
import { describeMs, requestFailure } from "./request-failure.ts";
import { bodyExcerpt, decodeResponseBody, type ConnectorJson } from "./response-body.ts";
import { parseRetryAfter } from "./retry-after.ts";
import { toStorableText } from "../actions/storable.ts";
import type { StoredConnector } from "./stored-connector.ts";
import { webhookSignature } from "./webhook-signature.ts";

export interface SendConnectorRequestOptions {
  connector: StoredConnector;
  /** CONNECTOR_SECRET_KEY, to decrypt the connector's headers and signing secrets for this request. */
  key: Buffer | undefined;
  method: HttpMethod;
  /** Under the connector's base URL, e.g. `/invoices?draft=true`. */
  path: string;
  /** Sent as JSON; undefined sends no body. */
  body?: ConnectorJson | undefined;
  /** The same on every retry of one action, so the receiver can tell a retry from a new request. */
  idempotencyKey: string;
  /** `webhook-id` of the signature: stable per action too. */
  messageId: string;
  /** The signature's timestamp; also whether the secret a rotation replaced still signs. */
  now: Date;
  resolve?: ResolveHost;
}

/** What the answer is recorded as: the status, a few of its headers and its body (at most 64 KiB). */
export interface ConnectorResult {
  status: number;
  /** The URL that answered (after any redirects followed). */
  url: string;
  headers: Record<string, string>;
  /** Parsed JSON when the answer is JSON, else its text. */
  body: ConnectorJson;
  truncated: boolean;
  durationMs: number;
}

/** Headers of the answer worth keeping: what it is, where it points, when to retry, how the receiver names it. */
const RECORDED_HEADERS = ["content-type", "location", "retry-after", "request-id", "x-request-id", "etag"] as const;

interface Answer {
  status: number;
  headers: Record<string, string>;
  bytes: Buffer;
  truncated: boolean;
}

function recordedHeaders(response: IncomingMessage): Record<string, string> {
  const kept: Record<string, string> = {};
  for (const name of RECORDED_HEADERS) {
    const value = response.headers[name];
    if (value !== undefined) kept[name] = toStorableText(Array.isArray(value) ? value.join(", ") : value).slice(0, 2048);
  }
  return kept;
}

function requestHeaders(options: SendConnectorRequestOptions, hop: Hop, secrets: ReturnType<typeof openConnectorSecrets>): OutgoingHttpHeaders {
  const payload = hop.payload ?? "";
  return {
    "user-agent": "Leash-Connector",
    // Lower-cased so a configured header replaces the default of the same name instead of doubling it.
    ...Object.fromEntries(secrets.headers.map(([name, value]) => [name.toLowerCase(), value])),
    host: hop.url.host,
    "idempotency-key": options.idempotencyKey,
    // Standard Webhooks: HMAC-SHA256 of `<id>.<timestamp>.<body>` under the connector's secret (and,
    // for a while after a rotation, under the one it replaced too).
    "webhook-id": options.messageId,
    "webhook-timestamp": String(Math.floor(options.now.getTime() / 1000)),
    "webhook-signature": webhookSignature(secrets.signingSecrets, { messageId: options.messageId, now: options.now, body: payload }),
    ...(hop.payload === undefined ? {} : { "content-type": "application/json", "content-length": Buffer.byteLength(hop.payload) }),
  };
}

/** One request and its answer, connected to the pinned address; a redirect's body is not read. */
async function exchange(hop: Hop, headers: OutgoingHttpHeaders, address: { address: string; family: number }, signal: AbortSignal): Promise<Answer> {
  const secure = hop.url.protocol === "https:";
  const hostname = hop.url.hostname.replace(/^\[(.*)\]$/, "$1");
  const response = await new Promise<IncomingMessage>((resolve, reject) => {
    const request = (secure ? httpsRequest : httpRequest)(
      {
        host: address.address,
        family: address.family,
        port: hop.url.port || (secure ? 443 : 80),
        path: `${hop.url.pathname}${hop.url.search}`,
        method: hop.method,
        headers,
        signal,
        // A connection of its own: a pooled one could have been opened to another address.
        agent: false,
        // The certificate is checked against the host name, not the address connected to.
        ...(secure && isIP(hostname) === 0 ? { servername: hostname } : {}),
      },
      resolve,
    );
    request.on("error", reject);
    request.end(hop.payload);
  });
  const status = response.statusCode ?? 0;
  const kept = recordedHeaders(response);
  if (REDIRECT_STATUSES.has(status) && kept.location !== undefined) {
    response.destroy();
    return { status, headers: kept, bytes: Buffer.alloc(0), truncated: false };
  }
  return { status, headers: kept, ...(await readCappedBody(response)) };
}

function outcome(connector: StoredConnector, answer: Answer, result: ConnectorResult, now: Date): ConnectorResult {
  const { status } = answer;
  if (status >= 200 && status < 300) return result;
  const statusLine = `${status} ${STATUS_CODES[status] ?? ""}`.trim();
  if (status === 408 || status === 429 || status >= 500) {
    const retryAfterMs = parseRetryAfter(answer.headers["retry-after"], new Date(now.getTime() + result.durationMs));
    const wait = retryAfterMs === undefined ? "" : `; it asks to retry after ${describeMs(retryAfterMs)}`;
    throw new CoreError("CONFLICT", `${connector.name} answered ${statusLine}${wait}`, { retryable: true, retryAfterMs });
  }
  const excerpt = bodyExcerpt(result.body);
  throw new CoreError("CONFLICT", `${connector.name} answered ${statusLine}${excerpt ? `: ${excerpt}` : ""}`);
}

/**
 * Sends one request through a connector and classifies the answer. 2xx is the result; 5xx, 408,
 * 429 (with its Retry-After), timeouts and connection failures throw a retryable CoreError; other
 * answers, refused redirects and refused addresses throw a permanent one. The connector's timeout
 * covers the whole exchange: resolving, connecting, redirects and reading the answer.
 */
export async function sendConnectorRequest(options: SendConnectorRequestOptions): Promise<ConnectorResult> {
  const { connector } = options;
  const checked = checkConnectorRequest(connector, options);
  if (!checked.ok) throw new CoreError("INVALID", checked.problem);
  const secrets = openConnectorSecrets(connector, options.key, options.now);
  const controller = new AbortController();
  const timer = setTimeout(() => {
    controller.abort();
  }, connector.timeoutMs);
  const started = performance.now();
  let hop: Hop = { method: options.method, url: checked.url, payload: options.body === undefined ? undefined : JSON.stringify(options.body) };
  try {
    for (let followed = 0; ; followed += 1) {
      const address = await pinAddress(connector, hop.url, { resolve: options.resolve ?? resolveWithDns, signal: controller.signal });
      const answer = await exchange(hop, requestHeaders(options, hop, secrets), address, controller.signal);
      const location = answer.headers.location;
      if (REDIRECT_STATUSES.has(answer.status) && location !== undefined) {
        hop = followRedirect(connector, { from: hop, status: answer.status, location, followed });
        continue;
      }
      const body = decodeResponseBody(answer.bytes, { contentType: answer.headers["content-type"], truncated: answer.truncated });
      const durationMs = Math.round(performance.now() - started);
      return outcome(connector, answer, { status: answer.status, url: hop.url.href, headers: answer.headers, body, truncated: answer.truncated, durationMs }, options.now);
    }
  } catch (error) {
    throw requestFailure(connector, error, { timedOut: controller.signal.aborted });
  } finally {
    clearTimeout(timer);
  }
}
