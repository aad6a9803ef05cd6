import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { parse } from "node:querystring";

import { waitFor } from "@leash/core/testing";

import { attachSocketMode, type FakeSocketMode } from "./fake-socket-mode.ts";

export interface SlackCall {
  method: string;
  token: string | null;
  args: Record<string, unknown>;
  /** When the call reached the fake (epoch ms). */
  receivedAt: number;
}

export interface FakeSlack {
  /** The Web API base URL to give the bot (`slackApiUrl`). */
  apiUrl: string;
  /** A response_url of this fake, as Slack puts one in each interactive payload. */
  responseUrl(name: string): string;
  calls: SlackCall[];
  callsTo(method: string): SlackCall[];
  waitForCalls(method: string, count: number, filter?: (call: SlackCall) => boolean): Promise<SlackCall[]>;
  /** What users.info answers about each Slack user. */
  emails: Map<string, string>;
  /** Makes the next call to `method` fail as Slack fails one (`{ ok: false, error }`), once. */
  refuseNext(method: string, error: string): void;
  /** Slack's end of Socket Mode, for a bot started with an app token. */
  socketMode: FakeSocketMode;
  close(): Promise<void>;
}

export const BOT = { teamId: "TACME", userId: "ULEASHBOT", botId: "BLEASH", token: "xoxb-test-token" } as const;

/** Slack's form encoding flattens objects to JSON strings; the recorded args are the objects again. */
function decodeArgs(body: string, contentType: string | undefined): Record<string, unknown> {
  if (contentType?.startsWith("application/json")) return JSON.parse(body || "{}") as Record<string, unknown>;
  const form = parse(body);
  const args: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(form)) {
    const text = Array.isArray(value) ? value[0] : value;
    if (text === undefined) continue;
    try {
      args[key] = /^[[{]/.test(text) ? JSON.parse(text) : text;
    } catch {
      args[key] = text;
    }
  }
  return args;
}

/**
 * A local stand-in for Slack's Web API and response_urls: records every call and answers as Slack
 * does, so the tests can assert on exactly what the bot sent.
 */
export async function startFakeSlack(): Promise<FakeSlack> {
  const calls: SlackCall[] = [];
  const emails = new Map<string, string>();
  const refusals = new Map<string, string>();
  let clock = 1_700_000_000;
  const nextTs = () => `${(clock += 1)}.000100`;

  const answer = (method: string, args: Record<string, unknown>): Record<string, unknown> => {
    const refusal = refusals.get(method);
    if (refusal !== undefined) {
      refusals.delete(method);
      return { ok: false, error: refusal };
    }
    switch (method) {
      case "auth.test":
        return { ok: true, url: "https://acme.slack.com/", team: "Acme", user: "leash", team_id: BOT.teamId, user_id: BOT.userId, bot_id: BOT.botId };
      case "chat.postMessage":
        return { ok: true, channel: args.channel, ts: nextTs(), message: { text: args.text } };
      case "chat.update":
        return { ok: true, channel: args.channel, ts: args.ts, text: args.text };
      case "chat.postEphemeral":
        return { ok: true, message_ts: nextTs() };
      case "views.open":
        return { ok: true, view: { id: `V${clock}`, ...(typeof args.view === "object" ? args.view : {}) } };
      case "apps.connections.open":
        return { ok: true, url: socketMode.url };
      case "users.info": {
        const email = typeof args.user === "string" ? emails.get(args.user) : undefined;
        return { ok: true, user: { id: args.user, profile: email ? { email } : {} } };
      }
      default:
        return { ok: false, error: "unknown_method" };
    }
  };

  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      const url = new URL(request.url ?? "/", "http://fake");
      const args = decodeArgs(Buffer.concat(chunks).toString("utf8"), request.headers["content-type"]);
      const authorization = request.headers.authorization;
      const token = authorization?.startsWith("Bearer ") ? authorization.slice(7) : null;
      if (url.pathname.startsWith("/response/")) {
        calls.push({ method: `response_url:${url.pathname.slice("/response/".length)}`, token, args, receivedAt: Date.now() });
        response.writeHead(200, { "content-type": "text/plain" });
        response.end("ok");
        return;
      }
      const method = url.pathname.replace(/^\/api\//, "");
      calls.push({ method, token, args, receivedAt: Date.now() });
      response.writeHead(200, { "content-type": "application/json" });
      response.end(JSON.stringify(answer(method, args)));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  const base = `http://127.0.0.1:${port}`;
  const socketMode = attachSocketMode(server, base);

  const callsTo = (method: string) => calls.filter((call) => call.method === method);
  return {
    apiUrl: `${base}/api/`,
    responseUrl: (name) => `${base}/response/${name}`,
    calls,
    callsTo,
    emails,
    refuseNext: (method, error) => refusals.set(method, error),
    socketMode,
    waitForCalls: (method, count, filter = () => true) =>
      waitFor(
        () => {
          const found = callsTo(method).filter(filter);
          return Promise.resolve(found.length >= count ? found : undefined);
        },
        { what: `${count} call(s) to ${method}` },
      ),
    close: () =>
      new Promise<void>((resolve) => {
        socketMode.close();
        server.close(() => resolve());
      }),
  };
}
