import { request as httpRequest, STATUS_CODES, type IncomingMessage } from "node:http";
import { request as httpsRequest } from "node:https";
import { isIP } from "node:net";
import { performance } from "node:perf_hooks";

import { toStorableText } from "../actions/storable.ts";
import { pinAddress, resolveWithDns, type ResolveHost } from "../connectors/pin-address.ts";
import { readCappedBody } from "../connectors/read-capped-body.ts";
import { requestFailure } from "../connectors/request-failure.ts";
import { parseRetryAfter } from "../connectors/retry-after.ts";
import { withoutControlCharacters } from "../connectors/safe-text.ts";
import { webhookSignature } from "../connectors/webhook-signature.ts";

/** How much of an answer's body an attempt keeps, in characters. */
export const RESPONSE_EXCERPT_CHARS = 1024;

export interface WebhookRequest {
  url: string;
  allowPrivateNetwork: boolean;
  /** `whsec_...`, in clear for this one request: one signature each, space-separated in `webhook-signature`. */
  signingSecrets: readonly string[];
  /** `webhook-id`: the same on every attempt of one delivery. */
  messageId: string;
  /** The JSON body, exactly as signed. */
  body: string;
  /** The signature's timestamp: when this attempt is made. */
  now: Date;
  timeoutMs: number;
  resolve?: ResolveHost;
}

/** What one attempt came to, as its `webhook_attempt` row records it. */
export interface WebhookAttemptResult {
  ok: boolean;
  /** Null when no answer came (timeout, refused connection, refused address). */
  statusCode: number | null;
  durationMs: number;
  error: string | null;
  responseExcerpt: string;
  /** What a 429 or 503 asked for in its `Retry-After`. */
  retryAfterMs: number | undefined;
}

/** The endpoint as it is named in an attempt's error ("the endpoint refused the connection"). */
const ENDPOINT = { name: "the endpoint" };

function excerptOf(bytes: Buffer): string {
  const text = withoutControlCharacters(toStorableText(new TextDecoder().decode(bytes))).trim();
  return text.length > RESPONSE_EXCERPT_CHARS ? `${text.slice(0, RESPONSE_EXCERPT_CHARS - 1)}…` : text;
}

/**
 * POSTs one signed delivery (Standard Webhooks: `webhook-id`, `webhook-timestamp`,
 * `webhook-signature` = `v1,` + base64 HMAC-SHA256 of `<id>.<timestamp>.<body>`). The connectors'
 * protection applies: the host is resolved once, every address checked (private ones only with
 * allowPrivateNetwork) and the checked address connected to; redirects are not followed (a 3xx is
 * a failed attempt); the timeout covers the whole exchange; at most a few KiB of the answer are read.
 * Never throws: every outcome is an attempt to record.
 */
export async function sendWebhookRequest(request: WebhookRequest): Promise<WebhookAttemptResult> {
  const url = new URL(request.url);
  const secure = url.protocol === "https:";
  const hostname = url.hostname.replace(/^\[(.*)\]$/, "$1");
  const controller = new AbortController();
  const timer = setTimeout(() => {
    controller.abort();
  }, request.timeoutMs);
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  try {
    const address = await pinAddress({ ...ENDPOINT, allowPrivateNetwork: request.allowPrivateNetwork }, url, {
      resolve: request.resolve ?? resolveWithDns,
      signal: controller.signal,
    });
    const response = await new Promise<IncomingMessage>((resolve, reject) => {
      const outgoing = (secure ? httpsRequest : httpRequest)(
        {
          host: address.address,
          family: address.family,
          port: url.port || (secure ? 443 : 80),
          path: `${url.pathname}${url.search}`,
          method: "POST",
          headers: {
            host: url.host,
            "content-type": "application/json",
            "content-length": Buffer.byteLength(request.body),
            "user-agent": "Leash-Webhooks/1",
            "webhook-id": request.messageId,
            "webhook-timestamp": String(Math.floor(request.now.getTime() / 1000)),
            "webhook-signature": webhookSignature(request.signingSecrets, request),
          },
          signal: controller.signal,
          // A connection of its own: a pooled one could have been opened to another address.
          agent: false,
          // The certificate is checked against the host name, not the address connected to.
          ...(secure && isIP(hostname) === 0 ? { servername: hostname } : {}),
        },
        resolve,
      );
      outgoing.on("error", reject);
      outgoing.end(request.body);
    });
    // UTF-8 takes at most 4 bytes a character: enough bytes for the excerpt, no more.
    const { bytes } = await readCappedBody(response, RESPONSE_EXCERPT_CHARS * 4);
    const status = response.statusCode ?? 0;
    const ok = status >= 200 && status < 300;
    const retryAfter = response.headers["retry-after"];
    return {
      ok,
      statusCode: status,
      durationMs: elapsed(),
      error: ok ? null : `HTTP ${`${status} ${STATUS_CODES[status] ?? ""}`.trim()}`,
      responseExcerpt: excerptOf(bytes),
      retryAfterMs: status === 429 || status === 503 ? parseRetryAfter(retryAfter, request.now) : undefined,
    };
  } catch (error) {
    const failure = requestFailure({ ...ENDPOINT, timeoutMs: request.timeoutMs }, error, { timedOut: controller.signal.aborted });
    return { ok: false, statusCode: null, durationMs: elapsed(), error: toStorableText(failure.message), responseExcerpt: "", retryAfterMs: undefined };
  } finally {
    clearTimeout(timer);
  }
}
