import { createEnv } from "@t3-oss/env-core";
import { z } from "zod";

import { consoleLinkEnv, deliveryEnv, engineEnv, observabilityEnv, storesEnv } from "@leash/core";

export const env = createEnv({
  server: {
    ...storesEnv,
    // Decisions here store and check what proposals elsewhere do: a rollback's attempts, an edited email's channel.
    ...engineEnv,
    ...deliveryEnv,
    ...observabilityEnv,
    ...consoleLinkEnv,
    SLACK_SIGNING_SECRET: z.string().min(1).optional(),
    /** Set to use Socket Mode (no public URL needed) instead of HTTP. */
    SLACK_APP_TOKEN: z.string().min(1).optional(),
    SLACKBOT_HOST: z.string().default("127.0.0.1"),
    SLACKBOT_PORT: z.coerce.number().int().min(0).max(65535).default(3003),
    /** A smaller pool than the other apps' by default: the bot serves people's clicks, not agents' traffic. */
    DB_POOL_SIZE: storesEnv.DB_POOL_SIZE.unwrap().default(10),
  },
  runtimeEnv: process.env,
  emptyStringAsUndefined: true,
});
