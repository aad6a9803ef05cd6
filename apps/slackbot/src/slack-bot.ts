import type { Server } from "node:http";
import type { AddressInfo } from "node:net";

import { App, AuthorizationError, HTTPReceiver, SocketModeReceiver, webApi, type Receiver } from "@slack/bolt";

import { createRedisConnection, findSlackWorkspace, keepIdleConnections, slackTeamIdSchema, type CoreDeps, type Logger } from "@leash/core";

import { boltLogger } from "./bolt-logger.ts";
import type { BotDeps } from "./bot-deps.ts";
import { startCardWorker } from "./cards/card-worker.ts";
import { dedupeDeliveries } from "./dedupe-deliveries.ts";
import { createErrorHandler } from "./error-handler.ts";
import { createHealthServer, healthHandler } from "./health.ts";
import { startWorkspaceLookup, type LeashContext } from "./leash-context.ts";
import { register as registerActions } from "./listeners/actions/index.ts";
import { register as registerCommands } from "./listeners/commands/index.ts";
import { register as registerEvents } from "./listeners/events/index.ts";
import { register as registerViews } from "./listeners/views/index.ts";
import { answerMalformedEvents, guardMalformedRequests } from "./malformed-requests.ts";
import { countAcks, countingFetch, type BotMetrics } from "./slack-metrics.ts";

/** Largest request body Bolt reads (413 above): Slack's own payloads, even a full modal, are a few KiB. */
export const MAX_BODY_BYTES = 1024 * 1024;

export interface SlackBotOptions {
  core: CoreDeps;
  /** One server or a cluster (`redis+cluster://`), as resolveRedisUrl gives it. */
  redisUrl: string;
  queuePrefix: string;
  botToken: string;
  /** HTTP mode: requests to POST /slack/events are verified with it. */
  signingSecret?: string;
  /** Socket Mode, used instead of HTTP when set. */
  appToken?: string;
  /** Slack's Web API base URL; tests point it at a local fake. */
  apiUrl?: string;
  webBaseUrl: string;
  host: string;
  /** HTTP mode: Slack's requests and /healthz; Socket Mode: /healthz only. 0 picks a free port. */
  port: number;
  logger: Logger;
  /** Acks and Web API errors counted, and /metrics served when it has a handler (a token is set). */
  metrics?: BotMetrics;
}

export interface SlackBot {
  mode: "http" | "socket";
  /** Where /slack/events (HTTP mode) and /healthz listen. */
  baseUrl: string;
  close(): Promise<void>;
}

const listen = (server: Server, host: string, port: number) =>
  new Promise<Server>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => resolve(server));
  });

const close = (server: Server) => new Promise<void>((resolve) => server.close(() => resolve()));

/**
 * Starts the Bolt app (buttons, the Reject modal, /rollback) and the worker that keeps approval
 * cards in sync with action events. The bot keeps no state of its own: run as many as needed.
 */
export async function startSlackBot(options: SlackBotOptions): Promise<SlackBot> {
  const mode = options.appToken ? "socket" : "http";
  const logger = options.logger.child({ slack: mode });
  const clientOptions: webApi.WebClientOptions = {
    logger: boltLogger(logger),
    // Failed card updates are retried by their queue; a listener should not hang on Slack for minutes.
    retryConfig: { retries: 2, factor: 2, minTimeout: 250, maxTimeout: 2_000 },
    ...(options.apiUrl ? { slackApiUrl: options.apiUrl } : {}),
    ...(options.metrics ? { fetch: countingFetch(options.metrics.slack) } : {}),
  };
  const slack = new webApi.WebClient(options.botToken, clientOptions);
  // Checks the token once at start, and names the bot and the workspace it belongs to.
  const identity = await slack.auth.test();
  if (!identity.user_id || !identity.team_id) throw new Error("auth.test did not name the bot user and its workspace");
  const botUserId = identity.user_id;
  const teamId = identity.team_id;

  // Delivery dedupe and card locks: a request asks once and goes on without it when Redis is away.
  const redis = createRedisConnection({ url: options.redisUrl, role: "producer", name: "dedupe and card locks", logger });
  const deps: BotDeps = { core: options.core, redis, keyPrefix: options.queuePrefix, slack, webBaseUrl: options.webBaseUrl };

  const status = { enabled: true, mode } as const;
  let receiver: Receiver;
  if (options.appToken) {
    // The socket client asks the Web API (apps.connections.open) where to connect: same base URL.
    receiver = new SocketModeReceiver({ appToken: options.appToken, logger: boltLogger(logger), installerOptions: { clientOptions } });
  } else {
    if (!options.signingSecret) throw new Error("HTTP mode needs the signing secret");
    const http = new HTTPReceiver({
      signingSecret: options.signingSecret,
      endpoints: "/slack/events",
      customRoutes: [
        { path: "/healthz", method: ["GET"], handler: healthHandler(status) },
        ...(options.metrics?.serveMetrics ? [{ path: "/metrics", method: ["GET"], handler: options.metrics.serveMetrics }] : []),
      ],
      bodyLimit: MAX_BODY_BYTES,
      processEventErrorHandler: answerMalformedEvents,
      logger: boltLogger(logger),
    });
    http.requestListener = guardMalformedRequests(http.requestListener, { signingSecret: options.signingSecret, bodyLimit: MAX_BODY_BYTES });
    receiver = http;
  }
  const app = new App<LeashContext>({
    receiver,
    // Each request's workspace is looked up here, as Bolt does for installations, but not waited
    // for: listeners await it after their ack (see LeashContext).
    authorize: (source) => {
      // Bolt keeps its Web API clients in a plain object keyed by these ids, so an id such as
      // "constructor" would reach Object.prototype and fail as a 500. Slack never sends a malformed one.
      for (const id of [source.teamId, source.enterpriseId]) {
        if (id !== undefined && !slackTeamIdSchema.safeParse(id).success) throw new AuthorizationError("Not a Slack team or enterprise id", new Error(id.slice(0, 40)));
      }
      return Promise.resolve({
        botToken: options.botToken,
        botUserId,
        ...(identity.bot_id ? { botId: identity.bot_id } : {}),
        workspace: startWorkspaceLookup(source.teamId ? findSlackWorkspace(options.core.db, source.teamId) : Promise.resolve(null)),
      });
    },
    clientOptions,
    logger: boltLogger(logger),
    extendedErrorHandler: true,
  });
  if (options.metrics) countAcks(app, options.metrics.slack);
  // Listeners ack at once and work on after the answer: a stopping bot waits for that work before
  // its connections close, or a click Slack saw acknowledged could be lost.
  const inFlight = new Set<Promise<void>>();
  app.use(async ({ next }) => {
    const work = next();
    inFlight.add(work);
    try {
      await work;
    } finally {
      inFlight.delete(work);
    }
  });
  app.use(dedupeDeliveries(deps));
  registerActions(app, deps);
  registerViews(app, deps);
  registerCommands(app, deps);
  registerEvents(app);
  app.error(createErrorHandler(deps));

  const cards = await startCardWorker(deps, { redisUrl: options.redisUrl, queuePrefix: options.queuePrefix, teamId, logger });

  let server: Server;
  if (options.appToken) {
    await app.start();
    server = await listen(createHealthServer(status, options.metrics?.serveMetrics ?? null), options.host, options.port);
  } else {
    server = await app.start({ port: options.port, host: options.host });
  }
  keepIdleConnections(server);
  const { port } = server.address() as AddressInfo;
  const baseUrl = `http://${options.host}:${port}`;
  logger.info({ mode, team: teamId, url: mode === "http" ? `${baseUrl}/slack/events` : undefined }, "Slack bot ready");

  return {
    mode,
    baseUrl,
    async close() {
      if (options.appToken) {
        await app.stop();
        await close(server);
      } else {
        await app.stop();
      }
      logger.info({ requests: inFlight.size }, "Slack bot stopped listening; finishing the requests it acknowledged");
      await Promise.allSettled(inFlight);
      await cards.close();
      redis.disconnect();
    },
  };
}
