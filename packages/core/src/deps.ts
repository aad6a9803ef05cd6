import type { Db } from "@leash/db";

import type { Clock } from "./clock.ts";
import type { Logger } from "./logger.ts";
import type { ActionQueue } from "./queue/action-queue.ts";

/** What core services run against; every app builds one at start and passes it explicitly. */
export interface CoreDeps {
  db: Db;
  queue: ActionQueue;
  clock: Clock;
  logger: Logger;
  /** Attempts an action gets before it is marked failed (stored with each action when proposed). */
  maxAttempts?: number;
  /** Pending actions a tenant may have before proposals are refused (default DEFAULT_MAX_PENDING_ACTIONS). */
  maxPendingActions?: number;
}

export const DEFAULT_MAX_ATTEMPTS = 3;
