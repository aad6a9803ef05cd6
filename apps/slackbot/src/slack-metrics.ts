import type { IncomingMessage, ServerResponse } from "node:http";

import type { App, ReceiverEvent, webApi } from "@slack/bolt";

import type { Registry, SlackbotMetrics } from "@leash/core";

/** What the bot counts and exposes; /metrics is served only with a token (see README, "Metrics"). */
export interface BotMetrics {
  registry: Registry;
  slack: SlackbotMetrics;
  serveMetrics: ((request: IncomingMessage, response: ServerResponse) => void) | null;
}

const slackError = (body: unknown): string | null => {
  if (typeof body !== "object" || body === null || !("ok" in body) || body.ok !== false) return null;
  return "error" in body && typeof body.error === "string" ? body.error : "unknown";
};

/**
 * The Web API client's fetch, counting the calls that fail: Slack's own `ok: false` answers (read
 * from a copy of the body, which the client still reads whole), HTTP errors (rate limits among them)
 * and calls that never got an answer. Every client of the bot uses it (listeners' and the card worker's).
 */
export function countingFetch(metrics: SlackbotMetrics): webApi.WebClientOptions["fetch"] {
  return async (url, init) => {
    const method = new URL(url).pathname.split("/").pop() ?? "unknown";
    let response: Response;
    try {
      response = await fetch(url, init);
    } catch (error) {
      metrics.webApiError(method, "network");
      throw error;
    }
    if (!response.ok) {
      metrics.webApiError(method, `http_${response.status}`);
      return response;
    }
    const error = slackError(await response.clone().json().catch(() => null));
    if (error !== null) metrics.webApiError(method, error);
    return response;
  };
}

/** What a request is, as Slack names it: `block_actions`, `view_submission`, `event_callback`... or `slash_command`. */
function kindOf(body: Record<string, unknown>): string {
  if (typeof body.command === "string") return "slash_command";
  return typeof body.type === "string" ? body.type : "other";
}

/**
 * Counts each acknowledgement to Slack and times it from the moment the receiver handed the request
 * to the app: every receiver (HTTP, Socket Mode) passes each request through `processEvent` with the
 * `ack` that answers Slack, which is wrapped here. Bolt's middleware gets copies of its arguments, so
 * a middleware could not do it. Events, which Bolt acknowledges itself, are counted too.
 */
export function countAcks(app: App, metrics: SlackbotMetrics): void {
  const processEvent = app.processEvent.bind(app);
  app.processEvent = (event: ReceiverEvent) => {
    const started = performance.now();
    const kind = kindOf(event.body);
    const ack = event.ack;
    return processEvent({
      ...event,
      ack: async (response?: unknown) => {
        await ack(response);
        metrics.acked(kind, (performance.now() - started) / 1000);
      },
    });
  };
}
