import { z } from "zod";

import { actionIdSchema } from "../actions/action-inputs.ts";
import { actionViewSchema } from "../actions/action-view.ts";
import { safeText } from "../actions/storable.ts";
import { registeredProposalSchema, type ActionProposal, type ProposeActionInput } from "../proposals/proposal-schema.ts";
import { CoreError } from "../errors.ts";

/** Longest wait of one call: below the 30 s at which many agents' tool calls and HTTP proxies give up. */
export const MAX_WAIT_SECONDS = 25;

export const waitSecondsSchema = z
  .int()
  .min(0)
  .max(MAX_WAIT_SECONDS)
  .default(MAX_WAIT_SECONDS)
  .describe("seconds to wait for the action to end (0: answer at once)");

const cursorSchema = safeText(z.string().min(1).max(200)).describe("the cursor of an earlier answer");

const waiting = { waitSeconds: waitSecondsSchema };

export type ProposeAndWaitInput = (ProposeActionInput | ActionProposal) & { waitSeconds?: number | undefined };

/** action.propose's input plus how long to wait, for every registered type. */
export const proposeAndWaitInputSchema = z.lazy(() => registeredProposalSchema(waiting)) as unknown as z.ZodType<
  ActionProposal & { waitSeconds: number },
  ProposeAndWaitInput
>;

/** Which action to wait for: its id, or the cursor of an earlier answer. */
export const waitForActionInputSchema = z
  .strictObject({ actionId: actionIdSchema.optional(), cursor: cursorSchema.optional(), ...waiting })
  .refine((input) => (input.actionId === undefined) !== (input.cursor === undefined), { message: "give either actionId or cursor", path: ["actionId"] });
export type WaitForActionInput = z.input<typeof waitForActionInputSchema>;

export const watchActionInputSchema = z.strictObject({
  actionId: actionIdSchema,
  /** Sent back by an SSE client that reconnects: the current state is emitted only if it differs. */
  lastEventId: safeText(z.string().max(200)).optional(),
});
export type WatchActionInput = z.input<typeof watchActionInputSchema>;

export const actionWaitSchema = z.object({
  action: actionViewSchema,
  done: z
    .boolean()
    .describe("true once the action is executed, rejected, failed or cancelled (or approved, for a type you run yourself such as external); until then, wait again with the cursor"),
  cursor: z.string().describe("pass to action.wait to keep waiting for this action"),
});
export type ActionWait = z.infer<typeof actionWaitSchema>;

export const proposeAndWaitResultSchema = actionWaitSchema.extend({
  duplicate: z.boolean().describe("true when the idempotencyKey matched an earlier proposal, which is the action waited for"),
});
export type ProposeAndWaitResult = z.infer<typeof proposeAndWaitResultSchema>;

/** One state of a watched action; `version` is the SSE event id a reconnecting client sends back. */
export interface ActionChange {
  version: string;
  action: z.infer<typeof actionViewSchema>;
}

const cursorContent = z.strictObject({ actionId: actionIdSchema });

/** Opaque to clients, so what it carries can grow without changing the API. */
export function encodeWaitCursor(actionId: number): string {
  return Buffer.from(JSON.stringify({ actionId })).toString("base64url");
}

export function decodeWaitCursor(cursor: string): number {
  let content: unknown = null;
  try {
    content = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
  } catch {
    // Not JSON: refused below like any other foreign cursor.
  }
  const parsed = cursorContent.safeParse(content);
  if (!parsed.success) throw new CoreError("INVALID", "Invalid cursor: pass the cursor of an earlier answer unchanged", { issues: [{ path: ["cursor"], message: "not a cursor of this API" }] });
  return parsed.data.actionId;
}
