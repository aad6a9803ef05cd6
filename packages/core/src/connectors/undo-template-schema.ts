import { z } from "zod";

import { jsonValueSchema } from "../actions/json.ts";
import { httpMethodSchema } from "./connector-fields.ts";
import { pathProblem } from "./connector-path.ts";
import { jsonStrings, nestsDeeperThan } from "../actions/json-walk.ts";
import { jsonHasUnsafeText, safeText, unsafeTextMessage } from "../actions/storable.ts";
import { ANY_UNDO_PLACEHOLDER, undoPlaceholderHint, unknownUndoPlaceholder } from "./undo-placeholders.ts";

/** Upper bound on an undo template's body, as on an action's parameters. */
export const MAX_UNDO_BODY_BYTES = 16 * 1024;
const MAX_UNDO_BODY_DEPTH = 10;

const undoBodySchema = z
  .unknown()
  .superRefine((body, context) => {
    // `continue: false`: zod's JSON check below recurses, so a value too deep must stop here.
    if (nestsDeeperThan(body, MAX_UNDO_BODY_DEPTH)) context.addIssue({ code: "custom", message: `must not nest more than ${MAX_UNDO_BODY_DEPTH} levels deep`, continue: false });
  })
  .pipe(jsonValueSchema)
  .superRefine((body, context) => {
    if (Buffer.byteLength(JSON.stringify(body), "utf8") > MAX_UNDO_BODY_BYTES) context.addIssue({ code: "custom", message: `must be at most ${MAX_UNDO_BODY_BYTES / 1024} KiB as JSON` });
    if (jsonHasUnsafeText(body)) context.addIssue({ code: "custom", message: unsafeTextMessage });
    const unknown = jsonStrings(body).map(unknownUndoPlaceholder).find((found) => found !== undefined);
    if (unknown) context.addIssue({ code: "custom", message: `${unknown} is not a placeholder: ${undoPlaceholderHint}` });
  });

/** The path with every placeholder standing in as one plain segment, to check it as a path. */
export const undoPathSample = (path: string) => path.replace(ANY_UNDO_PLACEHOLDER, "x");

/**
 * The request that undoes a call, e.g. `DELETE /invoices/{{result.body.id}}`; placeholders are
 * filled from the answer to the call and the action's parameters when the rollback is planned.
 */
export const undoTemplateSchema = z.strictObject({
  method: httpMethodSchema,
  path: safeText(z.string().min(1).max(2048)).superRefine((path, context) => {
    const unknown = unknownUndoPlaceholder(path);
    if (unknown) context.addIssue({ code: "custom", message: `${unknown} is not a placeholder: ${undoPlaceholderHint}` });
    const problem = pathProblem(undoPathSample(path));
    if (problem) context.addIssue({ code: "custom", message: problem });
  }),
  body: undoBodySchema.optional(),
});
export type UndoTemplate = z.output<typeof undoTemplateSchema>;
