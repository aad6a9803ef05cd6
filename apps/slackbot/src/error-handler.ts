import type { Context } from "@slack/bolt";
import { z } from "zod";

import { isCoreError } from "@leash/core";

import { refusalText, type Attempt } from "./blocks/refusal.ts";
import type { BotDeps } from "./bot-deps.ts";
import { ids } from "./ids.ts";
import { workspaceOf } from "./leash-context.ts";
import { replyEphemeral } from "./reply-ephemeral.ts";

const rollbackPayload = z.union([
  z.looseObject({ command: z.literal(ids.commands.rollback) }),
  z.looseObject({ actions: z.tuple([z.looseObject({ action_id: z.enum([ids.actions.confirmRollback, ids.actions.cancelRollback]) })], z.unknown()) }),
]);

const attemptOf = (body: unknown): Attempt => (rollbackPayload.safeParse(body).success ? "roll back" : "decide");

/**
 * The one place where failures of listeners end: a refusal from core (not allowed, already decided,
 * no such action) becomes an ephemeral sentence for the person who clicked; anything else is logged
 * and they are told that nothing changed.
 */
export function createErrorHandler(deps: BotDeps) {
  const logger = deps.core.logger;
  return async ({ error, body, context }: { error: Error; body: unknown; context: Context }): Promise<void> => {
    if (isCoreError(error)) logger.info({ code: error.code, reason: error.message }, "Slack request refused");
    else logger.error({ err: error }, "Slack listener failed");
    // The refusal names the tenant when it is known; a failed lookup only leaves the name out.
    const workspace = await workspaceOf(context).catch(() => null);
    const text = refusalText(error, { tenantName: workspace?.tenant.name ?? null, attempt: attemptOf(body) });
    try {
      await replyEphemeral(deps.slack, body, text);
    } catch (replyError) {
      logger.error({ err: replyError }, "could not tell the person why their Slack request failed");
    }
  };
}
