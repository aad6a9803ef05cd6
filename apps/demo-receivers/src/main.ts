import { readFileSync } from "node:fs";

import { env } from "./env.ts";
import { startHttpReceiver } from "./http-receiver.ts";
import { startMailCatcher } from "./mail-catcher.ts";
import { ReceivedLog } from "./received.ts";

// The secret is written by the seed, which may run after this process starts: read it on each request.
const secret = () => {
  if (!env.DEMO_SIGNING_SECRET_FILE) return null;
  try {
    return readFileSync(env.DEMO_SIGNING_SECRET_FILE, "utf8").trim() || null;
  } catch {
    return null;
  }
};

const log = new ReceivedLog();
const mail = startMailCatcher(log, { host: env.DEMO_HOST, port: env.DEMO_SMTP_PORT });
const http = startHttpReceiver(log, { host: env.DEMO_HOST, port: env.DEMO_HTTP_PORT, secret });
process.stdout.write(`[demo-receivers] mail on smtp://${env.DEMO_HOST}:${env.DEMO_SMTP_PORT}, HTTP service and what arrived on http://${env.DEMO_HOST}:${env.DEMO_HTTP_PORT}/\n`);

function shutdown() {
  mail.close(() => undefined);
  http.close(() => process.exit(0));
}
process.on("SIGTERM", shutdown);
process.on("SIGINT", shutdown);
