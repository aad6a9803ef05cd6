import { createEnv } from "@t3-oss/env-core";
import { z } from "zod";

export const env = createEnv({
  server: {
    DEMO_HOST: z.string().default("127.0.0.1"),
    /** The mail catcher: the demo's SMTP_URL is smtp://127.0.0.1:2525. */
    DEMO_SMTP_PORT: z.coerce.number().int().min(1).max(65535).default(2525),
    /** The HTTP receiver of the demo connector and the page listing what arrived. */
    DEMO_HTTP_PORT: z.coerce.number().int().min(1).max(65535).default(3004),
    /** A file holding the demo connector's signing secret (whsec_...), written by the seed: signatures are verified with it. */
    DEMO_SIGNING_SECRET_FILE: z.string().min(1).optional(),
    /** A file holding the demo webhook endpoint's secret (whsec_...), written by the seed: webhooks to /webhooks are verified with it. */
    DEMO_WEBHOOK_SECRET_FILE: z.string().min(1).optional(),
  },
  runtimeEnv: process.env,
  emptyStringAsUndefined: true,
});
