import { LogLevel, type Logger as BoltLogger } from "@slack/bolt";

import type { Logger } from "@leash/core";

const asText = (parts: unknown[]) =>
  parts.map((part) => (typeof part === "string" ? part : part instanceof Error ? part.message : JSON.stringify(part))).join(" ");

/** Bolt's own logs go to the same structured logger as the rest of the process. */
export function boltLogger(logger: Logger): BoltLogger {
  let level = LogLevel.INFO;
  return {
    debug: (...parts: unknown[]) => logger.debug(asText(parts)),
    info: (...parts: unknown[]) => logger.info(asText(parts)),
    warn: (...parts: unknown[]) => logger.warn(asText(parts)),
    error: (...parts: unknown[]) => logger.error(asText(parts)),
    setLevel: (next: LogLevel) => {
      level = next;
    },
    getLevel: () => level,
    setName: () => undefined,
  };
}
