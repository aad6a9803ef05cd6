import { z } from "zod";

import { actionIdSchema } from "../actions/action-inputs.ts";
import { actionViewSchema } from "../actions/action-view.ts";
import { safeText } from "../actions/storable.ts";
import { MAX_BATCH_SIZE } from "../proposals/proposal-schema.ts";

export const decideBatchInputSchema = z
  .strictObject({
    batchId: z.uuid(),
    decision: z.enum(["approve", "reject"]),
    reason: safeText(z.string().trim().min(1).max(2000)).optional(),
    /** Actions of the batch to leave out of the decision: they stay pending. */
    excludeActionIds: z.array(actionIdSchema).max(MAX_BATCH_SIZE).default([]),
  })
  .refine((input) => input.decision === "approve" || input.reason !== undefined, {
    message: "a reason is required to reject",
    path: ["reason"],
  });
export type DecideBatchInput = z.input<typeof decideBatchInputSchema>;

export const decideBatchResultSchema = z.object({
  batchId: z.string(),
  /** The actions this decision reached, as they are now (a quorum may leave an approved one pending). */
  decided: z.array(actionViewSchema),
  /** Actions the usual rules refused to this person (separation of duties, someone decided first), with why. */
  refused: z.array(z.object({ actionId: z.int(), message: z.string() })),
  /** Pending actions left out on purpose; they still wait. */
  leftOut: z.array(z.int()),
});
export type DecideBatchResult = z.infer<typeof decideBatchResultSchema>;
