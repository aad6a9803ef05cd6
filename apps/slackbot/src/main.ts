import { createServer } from "node:http";

import { createLogger } from "@leash/core";

import { env } from "./env.ts";

// The Bolt app (approval cards, decisions, /rollback) is tracked in its own issue; until it lands
// this process only reports whether Slack is configured, so the whole system starts either way.
const logger = createLogger({ name: "slackbot", level: env.LOG_LEVEL });
const missing = [
  env.SLACK_BOT_TOKEN ? null : "SLACK_BOT_TOKEN",
  env.SLACK_SIGNING_SECRET ? null : "SLACK_SIGNING_SECRET",
].filter((name): name is string => name !== null);
const status = missing.length
  ? { enabled: false, reason: `${missing.join(" and ")} not set` }
  : { enabled: false, reason: "the Slack bot is not part of this build yet" };
logger.info(status, "Slack bot disabled");

const server = createServer((request, response) => {
  const found = request.url === "/healthz";
  response.writeHead(found ? 200 : 404, { "content-type": "application/json" });
  response.end(JSON.stringify(found ? { ok: true, slack: status } : { error: "Not found" }));
});
server.listen(env.SLACKBOT_PORT, env.SLACKBOT_HOST);

const stop = () => {
  server.close(() => process.exit(0));
};
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
