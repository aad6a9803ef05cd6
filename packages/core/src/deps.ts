import type { Db } from "@leash/db";

import type { ActionServices } from "./action-types/action-definition.ts";
import type { Clock } from "./clock.ts";
import type { NotificationDelivery } from "./delivery/create-notification-delivery.ts";
import type { Logger } from "./logger.ts";
import type { ActionCounters } from "./observability/action-counters.ts";
import type { ProposalBatcher } from "./proposals/proposal-batcher.ts";
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
  /** Encrypts connectors' secrets at rest (32 bytes, from CONNECTOR_SECRET_KEY); connectors cannot be created or called without it. */
  connectorKey?: Buffer;
  /** Email, Slack and in-app delivery as configured here: the worker delivers with it, the API and console check `channels` at proposal time. */
  delivery?: NotificationDelivery;
  /** Prometheus counters of actions proposed, executed, failed and retried in this process (apps that serve /metrics). */
  counters?: ActionCounters;
  /** Writes single proposals of concurrent requests together (the API's group commit); each proposal is written alone without it. */
  proposalBatcher?: ProposalBatcher;
}

export const DEFAULT_MAX_ATTEMPTS = 3;

/** What this process gives action types to reach beyond the database with. */
export function actionServices(deps: Pick<CoreDeps, "connectorKey" | "delivery">): ActionServices {
  return { connectorKey: deps.connectorKey, delivery: deps.delivery };
}
