import { createServer } from "node:http";
import type { AddressInfo } from "node:net";

export const FAKE_TEAM = { teamId: "TBENCH", botUserId: "UBENCHBOT", botId: "BBENCH", channelId: "CBENCHAPPROVALS" } as const;

/**
 * Slack's Web API as far as the bot uses it, answered locally and at once, so that the Slack
 * scenario measures the bot and Leash rather than a network. Counts the calls it answered.
 */
export async function startFakeSlackApi(): Promise<{ apiUrl: string; calls: () => number; close: () => Promise<void> }> {
  let ts = 1_800_000_000;
  let calls = 0;
  const answer = (method: string): Record<string, unknown> => {
    switch (method) {
      case "auth.test":
        return { ok: true, team_id: FAKE_TEAM.teamId, user_id: FAKE_TEAM.botUserId, bot_id: FAKE_TEAM.botId, user: "leash", team: "Bench" };
      case "chat.postMessage":
        return { ok: true, channel: FAKE_TEAM.channelId, ts: `${(ts += 1)}.000100` };
      case "chat.update":
        return { ok: true, channel: FAKE_TEAM.channelId, ts: `${ts}.000100` };
      case "chat.postEphemeral":
        return { ok: true, message_ts: `${(ts += 1)}.000100` };
      case "users.info":
        return { ok: true, user: { id: "UBENCHAPPROVER", profile: {} } };
      default:
        return { ok: true };
    }
  };
  const server = createServer((request, response) => {
    request.resume();
    request.on("end", () => {
      calls += 1;
      const method = new URL(request.url ?? "/", "http://fake").pathname.replace(/^\/api\//, "");
      response.writeHead(200, { "content-type": "application/json" });
      response.end(JSON.stringify(answer(method)));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    apiUrl: `http://127.0.0.1:${port}/api/`,
    calls: () => calls,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
