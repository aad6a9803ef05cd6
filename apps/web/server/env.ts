import { createEnv } from "@t3-oss/env-core";
import { z } from "zod";

/** The console server's own settings; the console's (database, sessions...) are in app/server/env.server.ts, read by the build. */
export const env = createEnv({
  server: {
    // Where to listen, under the names react-router-serve read (`pnpm start` maps WEB_HOST and WEB_PORT to them).
    HOST: z.string().min(1).default("127.0.0.1"),
    PORT: z.coerce.number().int().min(0).max(65535).default(3000),
    // React Router's mode; unset means production, as under react-router-serve.
    NODE_ENV: z.enum(["development", "production", "test"]).optional(),
  },
  runtimeEnv: process.env,
  emptyStringAsUndefined: true,
});
