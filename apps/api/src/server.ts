import { createServer, type Server, type ServerResponse } from "node:http";

import { createHTTPHandler } from "@trpc/server/adapters/standalone";

import type { CoreDeps } from "@leash/core";

import { bearerToken } from "./context.ts";
import { appRouter } from "./router.ts";

/** Largest request body accepted, in bytes (a batch of 100 actions at the 16 KiB parameter limit fits). */
export const MAX_BODY_BYTES = 2 * 1024 * 1024;

export interface ApiServerOptions {
  deps: CoreDeps;
  /** Whether Postgres and Redis answer; /readyz reports it. */
  checkReady: () => Promise<{ ok: boolean; checks: Record<string, string> }>;
}

export function createApiServer({ deps, checkReady }: ApiServerOptions): Server {
  const trpc = createHTTPHandler({
    router: appRouter,
    basePath: "/trpc/",
    maxBodySize: MAX_BODY_BYTES,
    createContext: ({ req }) => ({ deps, apiKey: bearerToken(req) }),
    onError: ({ error, path }) => {
      if (error.code === "INTERNAL_SERVER_ERROR") deps.logger.error({ path, err: error.cause ?? error }, "procedure failed");
    },
  });

  return createServer((request, response) => {
    const path = (request.url ?? "/").split("?")[0] ?? "/";
    if (path.startsWith("/trpc/")) {
      trpc(request, response);
      return;
    }
    if (path === "/healthz") {
      sendJson(response, 200, { ok: true });
      return;
    }
    if (path === "/readyz") {
      void checkReady().then((ready) => sendJson(response, ready.ok ? 200 : 503, ready));
      return;
    }
    sendJson(response, 404, { error: "Not found. The API lives under /trpc/<router>.<procedure>." });
  });
}

function sendJson(response: ServerResponse, status: number, body: unknown) {
  response.writeHead(status, { "content-type": "application/json" });
  response.end(JSON.stringify(body));
}
