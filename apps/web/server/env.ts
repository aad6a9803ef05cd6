import { createEnv } from "@t3-oss/env-core";
import { z } from "zod";

/*
 * Production unless NODE_ENV says otherwise, as under react-router-serve: with it unset, React loads
 * its development build (several times slower to render a page, made to warn rather than to serve)
 * and the console's settings take their development defaults (a fixed session secret). main.ts
 * imports this module first, so this runs before React is loaded.
 */
if (!process.env.NODE_ENV) process.env.NODE_ENV = "production";

/** The console server's own settings; the console's (database, sessions...) are in app/server/env.server.ts, read by the build. */
export const env = createEnv({
  server: {
    // Where to listen, under the names react-router-serve read (`pnpm start` maps WEB_HOST and WEB_PORT to them).
    HOST: z.string().min(1).default("127.0.0.1"),
    PORT: z.coerce.number().int().min(0).max(65535).default(3000),
    // React Router's mode; production unless set (above).
    NODE_ENV: z.enum(["development", "production", "test"]).optional(),
  },
  runtimeEnv: process.env,
  emptyStringAsUndefined: true,
});
