import { pino, type DestinationStream, type Logger as PinoLogger } from "pino";

import { traceLogFields } from "./observability/tracing.ts";

export type Logger = PinoLogger;

/**
 * Structured JSON logs on stdout (or `destination`, where tests read them); secrets are redacted wherever
 * they could appear. A line written inside a traced span carries `traceId`, `spanId` and, once known, `actionId`.
 */
export function createLogger(options: { name: string; level?: string; destination?: DestinationStream }): Logger {
  const settings = {
    name: options.name,
    level: options.level ?? "info",
    mixin: traceLogFields,
    redact: {
      paths: ["authorization", "*.authorization", "headers.authorization", "apiKey", "*.apiKey", "password", "*.password", "token", "*.token"],
      censor: "[redacted]",
    },
  };
  return options.destination ? pino(settings, options.destination) : pino(settings);
}

/** A logger that drops everything, for tests and scripts that do not want log noise. */
export function silentLogger(): Logger {
  return pino({ level: "silent" });
}
