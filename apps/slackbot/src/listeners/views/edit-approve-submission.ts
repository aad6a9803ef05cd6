import type { Middleware, SlackViewMiddlewareArgs, ViewSubmitAction } from "@slack/bolt";
import { z } from "zod";

import { approveAction, CoreError, isCoreError } from "@leash/core";

import { rejectModalMetadataSchema } from "../../blocks/reject-modal.ts";
import type { BotDeps } from "../../bot-deps.ts";
import { ids } from "../../ids.ts";
import type { LeashContext } from "../../leash-context.ts";
import { parseJsonAs } from "../../payload-values.ts";
import { slackActor } from "../../slack-actor.ts";

const parametersObject = z.record(z.string(), z.unknown());

function parseParameters(text: string): { parameters: Record<string, unknown> } | { error: string } {
  try {
    const parsed = parametersObject.safeParse(JSON.parse(text));
    return parsed.success ? { parameters: parsed.data } : { error: "the parameters must be a JSON object" };
  } catch {
    return { error: "this is not valid JSON" };
  }
}

/**
 * The Edit & approve modal submitted: the edited parameters are approved at once (core validates
 * them again), so that what is wrong with them shows in the modal itself; any other refusal
 * closes the modal and is told ephemerally.
 */
export function editApproveSubmission(deps: BotDeps): Middleware<SlackViewMiddlewareArgs<ViewSubmitAction>, LeashContext> {
  return async ({ ack, body, view, context, client }) => {
    const fieldError = (message: string) => ack({ response_action: "errors", errors: { [ids.blocks.editedParameters]: message } });
    const edited = parseParameters(view.state.values[ids.blocks.editedParameters]?.[ids.inputs.editedParameters]?.value ?? "");
    if ("error" in edited) return fieldError(edited.error);
    const metadata = parseJsonAs(rejectModalMetadataSchema, view.private_metadata);
    if (!metadata) {
      await ack();
      throw new CoreError("INVALID", "This form does not name an action; open it again from the card");
    }
    const actor = await slackActor(deps, { context, client, body });
    try {
      await approveAction(deps.core, { actor, input: { actionId: metadata.actionId, parameters: edited.parameters } });
    } catch (error) {
      if (isCoreError(error) && error.code === "INVALID") return fieldError(error.message);
      await ack();
      throw error;
    }
    await ack();
  };
}
