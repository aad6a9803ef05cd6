import type { webApi } from "@slack/bolt";
import { z } from "zod";

import { rejectModalMetadataSchema } from "./blocks/reject-modal.ts";
import { parseJsonAs } from "./payload-values.ts";

/** The parts of any interactive payload that say who to answer and where. */
const replyTargetSchema = z.looseObject({
  type: z.string().optional(),
  response_url: z.url().optional(),
  user: z.looseObject({ id: z.string() }).optional(),
  user_id: z.string().optional(),
  channel: z.looseObject({ id: z.string() }).optional(),
  container: z.looseObject({ is_ephemeral: z.boolean().optional() }).optional(),
  view: z.looseObject({ private_metadata: z.string().optional() }).optional(),
});

/**
 * Answers only the person who made the request: beside a card with chat.postEphemeral, through the
 * response_url for slash commands and ephemeral messages (replacing a stale preview), and for a
 * modal in the channel of the card it was opened from, or their direct messages.
 */
export async function replyEphemeral(slack: webApi.WebClient, body: unknown, text: string): Promise<void> {
  const parsed = replyTargetSchema.safeParse(body);
  if (!parsed.success) return;
  const target = parsed.data;
  const user = target.user?.id ?? target.user_id;
  if (!user) return;
  if (target.type === "view_submission") {
    const channel = parseJsonAs(rejectModalMetadataSchema, target.view?.private_metadata)?.channelId;
    if (channel) await slack.chat.postEphemeral({ channel, user, text });
    else await slack.chat.postMessage({ channel: user, text });
    return;
  }
  if (target.type === "block_actions" && target.channel && target.container?.is_ephemeral !== true) {
    await slack.chat.postEphemeral({ channel: target.channel.id, user, text });
    return;
  }
  if (target.response_url) {
    const response = await fetch(target.response_url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ response_type: "ephemeral", replace_original: target.container?.is_ephemeral === true, text }),
    });
    if (!response.ok) throw new Error(`response_url answered ${response.status}`);
  }
}
