// First: it settles NODE_ENV before React and the console's settings are loaded.
import { env } from "./env.ts";

import { join } from "node:path";
import { pathToFileURL } from "node:url";

import { createRequestHandler } from "@react-router/express";
import compression from "compression";
import express from "express";
import type { ServerBuild } from "react-router";

import { keepIdleConnections } from "@leash/core";

/*
 * Serves the built console as react-router-serve did (static assets, compression, the React Router
 * handler), and in addition hands each request's socket address to loaders and actions
 * (`context.clientAddress`): sign-in attempts are throttled per client address, and
 * react-router-serve passes none. X-Forwarded-For is not read: no setting says that a trusted
 * proxy stands in front, so the address is the peer's, which is the proxy's when there is one.
 */

declare module "react-router" {
  interface AppLoadContext {
    /** The peer address of the request's socket; absent under `react-router dev`, whose server passes none. */
    clientAddress?: string;
  }
}

const webRoot = join(import.meta.dirname, "..");
const buildDirectory = join(webRoot, "build");
const build = (await import(pathToFileURL(join(buildDirectory, "server/index.js")).href)) as ServerBuild;
const clientDirectory = join(buildDirectory, "client");

const app = express();
app.disable("x-powered-by");
app.use(compression());
// Asset names carry a hash of their content: cached for good.
app.use("/assets", express.static(join(clientDirectory, "assets"), { immutable: true, maxAge: "1y" }));
app.use(express.static(clientDirectory));
app.use(express.static(join(webRoot, "public"), { maxAge: "1h" }));
app.use(
  createRequestHandler({
    build,
    mode: env.NODE_ENV,
    getLoadContext: (request) => ({ clientAddress: request.socket.remoteAddress }),
  }),
);

const server = keepIdleConnections(
  app.listen(env.PORT, env.HOST, () => {
    process.stdout.write(`[leash-web] http://${env.HOST}:${env.PORT}\n`);
  }),
);
// The console's own connections close on the same signals (app/server/deps.server.ts).
for (const signal of ["SIGTERM", "SIGINT"] as const) process.once(signal, () => server.close());
