import { createEnv } from "@t3-oss/env-core";
import { z } from "zod";

import { deliveryEnv, engineEnv, observabilityEnv, storesEnv } from "@leash/core";

export const env = createEnv({
  server: {
    ...storesEnv,
    ...engineEnv,
    ...deliveryEnv,
    // The console serves no /metrics: of observability it takes the log level only.
    LOG_LEVEL: observabilityEnv.LOG_LEVEL,
    NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
    /** Signs the session cookie; at least 32 characters, and required in production. */
    SESSION_SECRET: z.string().min(32, "SESSION_SECRET must be at least 32 characters").optional(),
    /**
     * "true" lets single sign-on talk to an OpenID provider over plain http: for tests against a
     * provider on 127.0.0.1 only (tokens and the client secret would cross the network in clear).
     */
    SSO_ALLOW_INSECURE_ISSUER: z.enum(["true", "false"], "SSO_ALLOW_INSECURE_ISSUER must be true or false").default("false"),
  },
  runtimeEnv: process.env,
  emptyStringAsUndefined: true,
});

/** A fixed secret for local development only; production refuses to start without its own. */
const DEVELOPMENT_SESSION_SECRET = "leash-development-session-secret-not-for-production";

export const sessionSecret = ((): string => {
  if (env.SESSION_SECRET) return env.SESSION_SECRET;
  if (env.NODE_ENV === "production") {
    throw new Error("SESSION_SECRET is required in production (at least 32 random characters, e.g. `openssl rand -hex 32`)");
  }
  return DEVELOPMENT_SESSION_SECRET;
})();
