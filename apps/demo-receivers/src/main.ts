import { readFileSync } from "node:fs";

import { env } from "./env.ts";
import { startHttpReceiver } from "./http-receiver.ts";
import { startMailCatcher } from "./mail-catcher.ts";
import { ReceivedLog } from "./received.ts";

// Secrets are written by the seed, which may run after this process starts: read them on each request.
const readSecret = (file: string | undefined) => () => {
  if (!file) return null;
  try {
    return readFileSync(file, "utf8").trim() || null;
  } catch {
    return null;
  }
};
const secrets = { connector: readSecret(env.DEMO_SIGNING_SECRET_FILE), webhooks: readSecret(env.DEMO_WEBHOOK_SECRET_FILE) };

const log = new ReceivedLog();
const mail = startMailCatcher(log, { host: env.DEMO_HOST, port: env.DEMO_SMTP_PORT });
const http = startHttpReceiver(log, { host: env.DEMO_HOST, port: env.DEMO_HTTP_PORT, secrets });
process.stdout.write(`[demo-receivers] mail on smtp://${env.DEMO_HOST}:${env.DEMO_SMTP_PORT}, HTTP service and what arrived on http://${env.DEMO_HOST}:${env.DEMO_HTTP_PORT}/\n`);

function shutdown() {
  mail.close(() => undefined);
  http.close(() => process.exit(0));
}
process.on("SIGTERM", shutdown);
process.on("SIGINT", shutdown);
