/**
 * `pnpm demo:agent`: a demo agent that proposes a realistic mix through the typed client against a
 * running Leash (`./leash up`) and prints what happened: an email that reaches the demo mail catcher
 * at once, and an HTTP request to the demo receivers that waits for a person. It uses LEASH_API_KEY,
 * or creates an agent key for the demo tenant (and the demo template if that tenant lacks it) through core.
 */
import { createApiKey, ensureDemoTemplate, findTenantBySlug } from "@leash/core";
import { createDb } from "@leash/db";

import { createLeashClient, TRPCClientError } from "../src/client.ts";
import { runDemo } from "./demo/run-demo.ts";
import { env } from "./env.ts";

async function demoKey(): Promise<string> {
  if (env.LEASH_API_KEY) return env.LEASH_API_KEY;
  const db = createDb({ connectionString: env.DATABASE_URL, maxConnections: 1 });
  try {
    const tenant = await findTenantBySlug(db, "demo");
    await ensureDemoTemplate(db, tenant.id);
    const { key } = await createApiKey(db, { tenantId: tenant.id, name: "demo-agent (pnpm demo:agent)", role: "agent" });
    console.log(`Created an agent key for the demo tenant (reuse it with: export LEASH_API_KEY=${key})\n`);
    return key;
  } finally {
    await db.$disconnect();
  }
}

try {
  const client = createLeashClient({ url: env.LEASH_API_URL, apiKey: await demoKey() });
  console.log(`Demo agent talking to ${env.LEASH_API_URL}\n`);
  await runDemo(
    client,
    (line) => {
      console.log(line);
    },
    { receiversUrl: `http://127.0.0.1:${env.DEMO_HTTP_PORT}/`, consoleUrl: env.WEB_BASE_URL },
  );
} catch (error) {
  const reason = error instanceof TRPCClientError || error instanceof Error ? error.message : String(error);
  console.error(`demo agent stopped: ${reason}`);
  console.error("Is Leash running (./leash up) and seeded (pnpm db:seed)?");
  process.exitCode = 1;
}
