import { pino, type DestinationStream, type Logger as PinoLogger } from "pino";

export type Logger = PinoLogger;

/** Structured JSON logs on stdout (or `destination`, where tests read them); secrets are redacted wherever they could appear. */
export function createLogger(options: { name: string; level?: string; destination?: DestinationStream }): Logger {
  const settings = {
    name: options.name,
    level: options.level ?? "info",
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
