import type { IncomingMessage, RequestListener, ServerResponse } from "node:http";
import { parse } from "node:querystring";

import { AuthorizationError, isValidSlackRequest, type ReceiverProcessEventErrorHandlerArgs } from "@slack/bolt";

import { nestsDeeperThan } from "@leash/core";

const FIVE_MINUTES_S = 5 * 60;

/** Far deeper than any payload Slack sends (a modal's state with rich text nests about a dozen levels). */
const MAX_PAYLOAD_DEPTH = 64;

/**
 * Bolt 5.1's HTTP receiver reads `body.ssl_check` of the parsed request without checking that it is
 * an object, and writes a `url_verification` challenge back with `JSON.stringify` after sending the
 * headers: a signed body of `null` (or `payload=null`), or a challenge nested thousands deep, ends in
 * an unhandled rejection, and the request is never answered. This listener reads the body first (up
 * to `bodyLimit`), answers such a body itself (401 unsigned, 400 signed), and hands every other request to Bolt with the body already
 * read (Bolt reuses `rawBody`). It also refuses timestamps from the future, which Bolt lets through,
 * and a body over the limit (413, and the connection is closed).
 */
export function guardMalformedRequests(bolt: RequestListener, { signingSecret, bodyLimit }: { signingSecret: string; bodyLimit: number }): RequestListener {
  const handle = async (request: IncomingMessage, response: ServerResponse) => {
    const rawBody = await readBody(request, bodyLimit);
    const text = rawBody?.toString() ?? "";
    // The rest of an oversized body is never read, so a next request on the same connection would wait
    // behind it unanswered: Node closes a connection once an answer with `Connection: close` is sent.
    if (rawBody === null) answer(response, 413, { connection: "close" });
    else if (unusable(parsedBody(request, text))) answer(response, isSigned(request, text, signingSecret) ? 400 : 401);
    else {
      Object.assign(request, { rawBody });
      bolt(request, response);
    }
  };
  return (request, response) => {
    // Slack refuses a timestamp more than five minutes from now either way; Bolt checks only the past.
    if (Number(request.headers["x-slack-request-timestamp"]) > Date.now() / 1000 + FIVE_MINUTES_S) {
      answer(response, 401);
      return;
    }
    if (request.method !== "POST") {
      bolt(request, response);
      return;
    }
    // Bolt throws at once for a path it does not serve: that, or a body that cannot be read, is a 4xx.
    handle(request, response).catch(() => answer(response, 404));
  };
}

/** The body, or null once it passes the limit (the rest is not read). */
async function readBody(request: IncomingMessage, limit: number): Promise<Buffer | null> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
    size += buffer.byteLength;
    if (size > limit) return null;
    chunks.push(buffer);
  }
  return Buffer.concat(chunks);
}

/** What Bolt's own parsing makes of the body (a form's `payload` field as JSON, or the body as JSON); undefined when it is not JSON. */
function parsedBody(request: IncomingMessage, text: string): unknown {
  try {
    if (request.headers["content-type"] === "application/x-www-form-urlencoded") {
      const { payload } = parse(text);
      return typeof payload === "string" ? JSON.parse(payload) : undefined;
    }
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function unusable(body: unknown): boolean {
  return body === null || nestsDeeperThan(body, MAX_PAYLOAD_DEPTH);
}

function isSigned(request: IncomingMessage, body: string, signingSecret: string): boolean {
  const signature = request.headers["x-slack-signature"];
  const timestamp = Number(request.headers["x-slack-request-timestamp"]);
  return typeof signature === "string" && isValidSlackRequest({ signingSecret, body, headers: { "x-slack-signature": signature, "x-slack-request-timestamp": timestamp } });
}

function answer(response: ServerResponse, status: number, headers: Record<string, string> = {}) {
  if (response.headersSent) return;
  response.writeHead(status, headers);
  response.end();
}

/**
 * Bolt's answer when processing a request fails before any listener ran. Failures of listeners and
 * middleware end in `app.error`, which never rethrows, so what reaches here is Bolt failing on the
 * payload itself (a `block_actions` without a user, say): a bad request (400), not a server error.
 * An authorization failure stays a 401, as in Bolt's default.
 */
export function answerMalformedEvents({ error, logger, response }: ReceiverProcessEventErrorHandlerArgs): Promise<boolean> {
  if (response.headersSent) return Promise.resolve(false);
  const authorization = error instanceof AuthorizationError;
  if (!authorization) logger.warn(`Slack request refused as malformed: ${error.message}`);
  answer(response, authorization ? 401 : 400);
  return Promise.resolve(authorization);
}
