import type { IncomingMessage, ServerResponse } from "node:http";

import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { StreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/streamableHttp.js";
import { getHTTPStatusCodeFromError } from "@trpc/server/http";

import { isCoreError, type ApiKeyAuthenticator, type CoreDeps, type WaitDeps } from "@leash/core";

import packageJson from "../../package.json" with { type: "json" };
import { bearerToken } from "../context.ts";
import { toTrpcError } from "../error-mapping.ts";
import { retryAfterSeconds } from "../rate-limit.ts";
import { registerMcpTools } from "./mcp-tools.ts";

/** In JSON-RPC's "server error" range; MCP clients show the message. */
const REFUSED_CODE = -32001;

function sendJsonRpcError(response: ServerResponse, status: number, code: number, message: string, headers: Record<string, string> = {}) {
  response.writeHead(status, { "content-type": "application/json", ...headers });
  response.end(JSON.stringify({ jsonrpc: "2.0", error: { code, message }, id: null }));
}

async function readJsonBody(request: IncomingMessage, maxBytes: number): Promise<{ ok: true; body: unknown } | { ok: false; status: number; message: string }> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
    size += buffer.length;
    if (size > maxBytes) return { ok: false, status: 413, message: `Request body larger than ${maxBytes} bytes` };
    chunks.push(buffer);
  }
  try {
    return { ok: true, body: JSON.parse(Buffer.concat(chunks).toString("utf8")) };
  } catch {
    return { ok: false, status: 400, message: "Parse error: the body is not JSON" };
  }
}

/**
 * `POST /mcp`: the Model Context Protocol over Streamable HTTP, stateless (a server and a transport
 * per request, no session), so any API instance answers any request. The API key is checked
 * before anything else, exactly as for /trpc; the tools then act as the key's actor.
 */
export async function handleMcp(
  {
    deps,
    authenticate,
    lookUpKey,
    maxBodyBytes,
  }: {
    deps: CoreDeps & WaitDeps;
    authenticate: ApiKeyAuthenticator;
    /** The key lookup without the rate limit, which tools that wait re-check the key with. */
    lookUpKey: ApiKeyAuthenticator;
    maxBodyBytes: number;
  },
  request: IncomingMessage,
  response: ServerResponse,
): Promise<void> {
  try {
    if (request.method !== "POST") {
      // Stateless: no server-initiated stream (GET) and no session to end (DELETE).
      sendJsonRpcError(response, 405, -32000, "Method not allowed: send MCP messages with POST", { allow: "POST" });
      return;
    }
    const presented = bearerToken(request);
    let actor;
    try {
      actor = await authenticate(presented);
    } catch (error) {
      if (!isCoreError(error)) throw error;
      // No or a bad key (401), or the key over its rate limit (429 with Retry-After), as on /trpc.
      const status = getHTTPStatusCodeFromError(toTrpcError(error));
      const retryAfter = retryAfterSeconds(error);
      const headers: Record<string, string> =
        retryAfter !== undefined ? { "retry-after": String(retryAfter) } : status === 401 ? { "www-authenticate": 'Bearer realm="leash"' } : {};
      sendJsonRpcError(response, status, REFUSED_CODE, error.message, headers);
      return;
    }
    const body = await readJsonBody(request, maxBodyBytes);
    if (!body.ok) {
      sendJsonRpcError(response, body.status, -32700, body.message);
      return;
    }
    const closed = new AbortController();
    const server = new McpServer({ name: "leash", version: packageJson.version });
    registerMcpTools(server, { deps, actor, reauthenticate: () => lookUpKey(presented) }, closed.signal);
    const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true });
    response.on("close", () => {
      // The client went away (or the answer was sent): a tool still waiting stops, and both are released.
      closed.abort();
      void transport.close();
      void server.close();
    });
    await server.connect(transport);
    await transport.handleRequest(request, response, body.body);
  } catch (error) {
    deps.logger.error({ err: error }, "mcp request failed");
    if (!response.headersSent) sendJsonRpcError(response, 500, -32603, "Internal error");
    else response.destroy();
  }
}
