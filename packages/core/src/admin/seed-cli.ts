import { chmodSync, existsSync, mkdirSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";

import { createDb } from "@leash/db";

import { silentLogger } from "../logger.ts";
import { DEMO_CONNECTOR_NAME } from "./ensure-demo-connector.ts";
import type { DemoWebhookOutcome } from "./ensure-demo-webhook.ts";
import { env } from "./env.ts";
import { DEMO, seedDemo } from "./seed-demo.ts";

/** Only the receiver that verifies signatures may read the secret. */
function writeSecretFile(path: string, secret: string): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, `${secret}\n`, { mode: 0o600 });
  chmodSync(path, 0o600);
}

const db = createDb({ connectionString: env.DATABASE_URL, pooler: env.DATABASE_POOLER });
try {
  const result = await seedDemo(
    { db, logger: silentLogger(), ...(env.CONNECTOR_SECRET_KEY ? { connectorKey: env.CONNECTOR_SECRET_KEY } : {}) },
    { connectorBaseUrl: `http://127.0.0.1:${env.DEMO_HTTP_PORT}/api`, webhookUrl: `http://127.0.0.1:${env.DEMO_HTTP_PORT}/webhooks` },
  );
  if (!result.created) {
    console.log(`[seed] demo tenant "${DEMO.tenant.slug}" already exists; nothing changed${result.connector.created ? ` except adding the connector ${DEMO_CONNECTOR_NAME} it lacked` : ""}`);
  } else {
    console.log(`[seed] created demo tenant "${DEMO.tenant.slug}"`);
    console.log(`[seed]   admin:    ${DEMO.admin.email} / ${DEMO.admin.password}`);
    console.log(`[seed]   approver: ${DEMO.approver.email} / ${DEMO.approver.password}`);
    console.log(`[seed]   viewer:   ${DEMO.viewer.email} / ${DEMO.viewer.password}`);
    console.log(`[seed]   ${DEMO.approver.email} gets an email for each action waiting for her (her settings page changes that)`);
    console.log(`[seed]   agent API key (shown once): ${result.agentKey ?? ""}`);
  }
  const { connector } = result;
  if (connector.created) {
    if (env.DEMO_SIGNING_SECRET_FILE) {
      writeSecretFile(env.DEMO_SIGNING_SECRET_FILE, connector.signingSecret);
      console.log(`[seed]   connector ${DEMO_CONNECTOR_NAME} -> http://127.0.0.1:${env.DEMO_HTTP_PORT}/api; its signing secret is in ${env.DEMO_SIGNING_SECRET_FILE} for the demo receivers`);
    } else {
      console.log(`[seed]   connector ${DEMO_CONNECTOR_NAME} -> http://127.0.0.1:${env.DEMO_HTTP_PORT}/api; its signing secret (shown once): ${connector.signingSecret}`);
    }
  } else if (connector.reason === "no connector key") {
    console.log(`[seed]   connector ${DEMO_CONNECTOR_NAME} skipped: CONNECTOR_SECRET_KEY is not set (./leash up sets it; the demo's http request needs it)`);
  } else if (env.DEMO_SIGNING_SECRET_FILE && !existsSync(env.DEMO_SIGNING_SECRET_FILE)) {
    console.log(
      `[seed]   connector ${DEMO_CONNECTOR_NAME} exists but its signing secret is not in ${env.DEMO_SIGNING_SECRET_FILE}, so the demo receivers will not check signatures; ` +
        `put a new one there with: pnpm admin connector:rotate-secret --tenant ${DEMO.tenant.slug} --name ${DEMO_CONNECTOR_NAME} | tail -1 > ${env.DEMO_SIGNING_SECRET_FILE}`,
    );
  }
  reportWebhook(result.webhook);
} finally {
  await db.$disconnect();
}

function reportWebhook(webhook: DemoWebhookOutcome): void {
  const url = `http://127.0.0.1:${env.DEMO_HTTP_PORT}/webhooks`;
  if (webhook.created) {
    if (env.DEMO_WEBHOOK_SECRET_FILE) {
      writeSecretFile(env.DEMO_WEBHOOK_SECRET_FILE, webhook.signingSecret);
      console.log(`[seed]   webhook endpoint ${url} for every event; its signing secret is in ${env.DEMO_WEBHOOK_SECRET_FILE} for the demo receivers`);
    } else {
      console.log(`[seed]   webhook endpoint ${url} for every event; its signing secret (shown once): ${webhook.signingSecret}`);
    }
  } else if (webhook.reason === "no connector key") {
    console.log(`[seed]   webhook endpoint skipped: CONNECTOR_SECRET_KEY is not set (./leash up sets it; webhook secrets are encrypted with it)`);
  } else if (env.DEMO_WEBHOOK_SECRET_FILE && !existsSync(env.DEMO_WEBHOOK_SECRET_FILE)) {
    console.log(`[seed]   webhook endpoint ${url} exists but its signing secret is not in ${env.DEMO_WEBHOOK_SECRET_FILE}, so the demo receivers will not check its signatures; rotate it in the console (Webhooks) and put the new one there`);
  }
}
