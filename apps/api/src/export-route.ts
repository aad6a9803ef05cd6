import type { IncomingMessage, ServerResponse } from "node:http";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";

import { getHTTPStatusCodeFromError } from "@trpc/server/http";
import { TRPC_ERROR_CODES_BY_KEY } from "@trpc/server/rpc";

import { exportActions, isCoreError, type ApiKeyAuthenticator, type CoreDeps } from "@leash/core";

import { bearerToken } from "./context.ts";
import { toTrpcError } from "./error-mapping.ts";
import { retryAfterSeconds } from "./rate-limit.ts";

/**
 * `GET /export/actions.csv|json?<filters>`: the filtered history as a download, streamed with
 * backpressure (a batch of rows is read only when the client has taken the previous one). Errors
 * before the first byte answer like a tRPC error; a failure mid-stream cuts the connection, so a
 * truncated file is never mistaken for a whole one.
 */
export async function handleExport(
  { deps, authenticate }: { deps: CoreDeps; authenticate: ApiKeyAuthenticator },
  request: IncomingMessage,
  response: ServerResponse,
  format: "csv" | "json",
): Promise<void> {
  try {
    const query = new URL(request.url ?? "/", "http://localhost").searchParams;
    query.set("format", format);
    const actor = await authenticate(bearerToken(request));
    const exported = exportActions(deps, { actor, input: query });
    response.writeHead(200, {
      "content-type": exported.contentType,
      "content-disposition": `attachment; filename="${exported.filename}"`,
      "cache-control": "no-store",
    });
    // One page ahead at most: Readable.from's default would read 16 pages ahead of a slow client.
    await pipeline(Readable.from(exported.chunks, { highWaterMark: 1 }), response);
  } catch (error) {
    if (response.headersSent) {
      deps.logger.error({ err: error }, "export failed while streaming");
      response.destroy();
      return;
    }
    const trpcError = toTrpcError(error);
    const status = getHTTPStatusCodeFromError(trpcError);
    if (status >= 500) deps.logger.error({ err: error }, "export failed");
    const retryAfter = retryAfterSeconds(error);
    response.writeHead(status, { "content-type": "application/json", ...(retryAfter !== undefined ? { "retry-after": String(retryAfter) } : {}) });
    response.end(
      JSON.stringify({
        error: {
          message: trpcError.message,
          code: TRPC_ERROR_CODES_BY_KEY[trpcError.code],
          data: { code: trpcError.code, httpStatus: status, issues: isCoreError(error) ? (error.issues ?? null) : null },
        },
      }),
    );
  }
}
