import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { parse } from "node:querystring";

export interface SlackApiCall {
  method: string;
  token: string | null;
  args: Record<string, unknown>;
}

export interface FakeSlackApi {
  /** The Web API base URL to give the sender (`slackApiUrl`). */
  apiUrl: string;
  teamId: string;
  calls: SlackApiCall[];
  callsTo(method: string): SlackApiCall[];
  /** Slack errors to answer for chat.postMessage to a channel, e.g. `channel_not_found`. */
  channelErrors: Map<string, string>;
  /** Answer every call with HTTP 429 and this Retry-After (seconds), as Slack rate-limits; null to stop. */
  setRateLimit(seconds: number | null): void;
  close(): Promise<void>;
}

/** The Web API client sends form bodies with nested objects as JSON strings; the recorded args are objects again. */
function decodeArgs(body: string, contentType: string | undefined): Record<string, unknown> {
  if (contentType?.startsWith("application/json")) return JSON.parse(body || "{}") as Record<string, unknown>;
  const args: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(parse(body))) {
    const text = Array.isArray(value) ? value[0] : value;
    if (text === undefined) continue;
    try {
      args[key] = /^[[{]/.test(text) ? (JSON.parse(text) as unknown) : text;
    } catch {
      args[key] = text;
    }
  }
  return args;
}

/**
 * A local stand-in for the few Slack Web API methods delivery calls (auth.test, conversations.open,
 * chat.postMessage): records each call and answers as Slack does, errors included.
 */
export async function startFakeSlackApi({ teamId = "TLEASH" }: { teamId?: string } = {}): Promise<FakeSlackApi> {
  const calls: SlackApiCall[] = [];
  const channelErrors = new Map<string, string>();
  let rateLimitedSeconds: number | null = null;
  let clock = 1_700_000_000;

  const answer = (method: string, args: Record<string, unknown>): Record<string, unknown> => {
    switch (method) {
      case "auth.test":
        return { ok: true, team_id: teamId, user_id: "ULEASHBOT", bot_id: "BLEASH" };
      case "conversations.open":
        return { ok: true, channel: { id: `D${String(args.users)}` } };
      case "chat.postMessage": {
        const error = typeof args.channel === "string" ? channelErrors.get(args.channel) : undefined;
        return error ? { ok: false, error } : { ok: true, channel: args.channel, ts: `${(clock += 1)}.000100` };
      }
      default:
        return { ok: false, error: "unknown_method" };
    }
  };

  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      const method = new URL(request.url ?? "/", "http://fake").pathname.replace(/^\/api\//, "");
      const authorization = request.headers.authorization;
      calls.push({
        method,
        token: authorization?.startsWith("Bearer ") ? authorization.slice(7) : null,
        args: decodeArgs(Buffer.concat(chunks).toString("utf8"), request.headers["content-type"]),
      });
      if (rateLimitedSeconds !== null) {
        response.writeHead(429, { "content-type": "application/json", "retry-after": String(rateLimitedSeconds) });
        response.end(JSON.stringify({ ok: false, error: "ratelimited" }));
        return;
      }
      response.writeHead(200, { "content-type": "application/json" });
      response.end(JSON.stringify(answer(method, calls.at(-1)?.args ?? {})));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    apiUrl: `http://127.0.0.1:${port}/api/`,
    teamId,
    calls,
    callsTo: (method) => calls.filter((call) => call.method === method),
    channelErrors,
    setRateLimit(seconds) {
      rateLimitedSeconds = seconds;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
