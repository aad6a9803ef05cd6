import { z } from "zod";

import { engineEnv, storesEnv } from "../settings/settings-env.ts";

const schema = z.object({
  DATABASE_URL: storesEnv.DATABASE_URL,
  DATABASE_POOLER: storesEnv.DATABASE_POOLER,
  /** Where `revoke-api-key` announces the revocation to the API processes, as the apps read them. */
  REDIS_URL: storesEnv.REDIS_URL,
  REDIS_CLUSTER_NODES: storesEnv.REDIS_CLUSTER_NODES,
  QUEUE_PREFIX: storesEnv.QUEUE_PREFIX,
  /** As the apps read it: connectors and webhook endpoints are created with it; without it the seed skips the demo's. */
  CONNECTOR_SECRET_KEY: engineEnv.CONNECTOR_SECRET_KEY,
  /** `create-user`'s password when --password is not given, so it stays out of the shell's history. */
  LEASH_PASSWORD: z.string().optional(),
  /** Where the demo receivers read the connector's signing secret (`./leash up` sets it). */
  DEMO_SIGNING_SECRET_FILE: z.string().min(1).optional(),
  /** Where the demo receivers read the demo webhook endpoint's secret (`./leash up` sets it). */
  DEMO_WEBHOOK_SECRET_FILE: z.string().min(1).optional(),
  /** The demo receivers' HTTP port, as apps/demo-receivers reads it: the connector and the webhook endpoint point there. */
  DEMO_HTTP_PORT: z.coerce.number().int().min(1).max(65535).default(3004),
});

/**
 * The settings of the admin and seed CLIs, each a process of its own, read once at start (core's
 * services never read the environment). An empty variable counts as unset, as in the apps.
 */
const parsed = schema.safeParse(Object.fromEntries(Object.entries(process.env).filter(([, value]) => value !== "")));
if (!parsed.success) throw new Error(`Invalid environment variables:\n${z.prettifyError(parsed.error)}`);

export const env = parsed.data;
