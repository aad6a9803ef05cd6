import type { IncomingMessage, RequestListener, ServerResponse } from "node:http";
import { parse } from "node:querystring";

import { isValidSlackRequest } from "@slack/bolt";

/**
 * Bolt 5.1's HTTP receiver reads `body.ssl_check` of the parsed request without checking that it is
 * an object: a signed body of `null` (or `payload=null`) ends in an unhandled rejection, and the
 * request is never answered. This listener reads the body first (up to `bodyLimit`), answers such a
 * body itself (401 unsigned, 400 signed), and hands every other request to Bolt with the body already
 * read (Bolt reuses `rawBody`).
 */
export function guardNullBodies(bolt: RequestListener, { signingSecret, bodyLimit }: { signingSecret: string; bodyLimit: number }): RequestListener {
  const handle = async (request: IncomingMessage, response: ServerResponse) => {
    const rawBody = await readBody(request, bodyLimit);
    if (rawBody === null) return answer(response, 413);
    const text = rawBody.toString();
    if (parsesToNull(request, text)) return answer(response, isSigned(request, text, signingSecret) ? 400 : 401);
    Object.assign(request, { rawBody });
    bolt(request, response);
  };
  return (request, response) => {
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

/** Whether Bolt's own parsing (a form's `payload` field as JSON, or the body as JSON) gives null. */
function parsesToNull(request: IncomingMessage, text: string): boolean {
  try {
    if (request.headers["content-type"] === "application/x-www-form-urlencoded") {
      const { payload } = parse(text);
      return typeof payload === "string" && JSON.parse(payload) === null;
    }
    return JSON.parse(text) === null;
  } catch {
    return false;
  }
}

function isSigned(request: IncomingMessage, body: string, signingSecret: string): boolean {
  const signature = request.headers["x-slack-signature"];
  const timestamp = Number(request.headers["x-slack-request-timestamp"]);
  return typeof signature === "string" && isValidSlackRequest({ signingSecret, body, headers: { "x-slack-signature": signature, "x-slack-request-timestamp": timestamp } });
}

function answer(response: ServerResponse, status: number) {
  if (response.headersSent) return;
  response.writeHead(status);
  response.end();
}
