import type { AnyMiddlewareArgs, Middleware } from "@slack/bolt";
import { z } from "zod";

import type { BotDeps } from "./bot-deps.ts";
import type { LeashContext } from "./leash-context.ts";

/** Slack ids that are unique per delivery: one per click, submission or command, one per event. */
const deliverySchema = z.looseObject({ trigger_id: z.string().min(1).optional(), event_id: z.string().min(1).optional() });

/** How long a delivery is remembered: longer than the 5 minutes after which a request is refused anyway. */
const REMEMBER_SECONDS = 600;

/**
 * Processes each delivery once. Slack retries what it thinks failed (`X-Slack-Retry-Num`), and a
 * captured request can be replayed within its 5-minute window with a valid signature: the second
 * copy is acknowledged, so Slack stops retrying, and dropped.
 *
 * Redis is asked without holding the ack: the listener acks first and then stops at
 * `requireFirstDelivery` (through `workspaceOf`) before it acts. Whatever a repeated delivery's
 * listener threw, its request is acknowledged here (if the listener had not) and dropped. If Redis
 * cannot be asked, requests go through: core's conditional updates still let only one decision win.
 */
export function dedupeDeliveries(deps: BotDeps): Middleware<AnyMiddlewareArgs, LeashContext> {
  return async (args) => {
    const delivery = deliverySchema.safeParse(args.body);
    const id = delivery.success ? (delivery.data.trigger_id ?? delivery.data.event_id) : undefined;
    if (id === undefined) {
      await args.next();
      return;
    }
    const first = firstDelivery(deps, id, args.logger);
    args.context.firstDelivery = first;
    try {
      await args.next();
    } catch (error) {
      if (await first) throw error;
      // A listener that threw before its ack (one that checks its input against the database first) leaves it to us.
      if ("ack" in args && args.ack) await args.ack().catch(() => undefined);
    }
    if (!(await first)) args.logger.info(`dropped a repeated delivery (retry ${args.context.retryNum ?? "none"})`);
  };
}

/** Never rejects: without Redis every delivery counts as the first. */
async function firstDelivery(deps: BotDeps, id: string, logger: { warn(...message: unknown[]): void }): Promise<boolean> {
  try {
    return (await deps.redis.set(`${deps.keyPrefix}:slack:delivery:${id}`, "1", "EX", REMEMBER_SECONDS, "NX")) === "OK";
  } catch (error) {
    logger.warn("delivery dedupe unavailable; processing anyway", error);
    return true;
  }
}
