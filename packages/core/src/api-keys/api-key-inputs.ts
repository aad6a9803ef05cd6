import { z } from "zod";

import { safeText } from "../actions/storable.ts";

const nameSchema = safeText(z.string().trim().min(1, "the name is required").max(100, "the name is longer than 100 characters"));

/** The public half of a key (`lsh_<public id>_...`), which lists show and forms post. */
const publicIdSchema = z.string().regex(/^[A-Za-z0-9]{12}$/, "the key id is not valid");

/** A calendar date, YYYY-MM-DD: the key is refused from 00:00 UTC that day. */
const expiryDateSchema = z.iso.date("the expiry date must be a date (YYYY-MM-DD)");

export const issueApiKeyInputSchema = z.strictObject({
  name: nameSchema,
  role: z.enum(["admin", "approver", "viewer", "agent"], "the role must be agent, viewer, approver or admin"),
  /** Whose key it is: it stops while they are deactivated, and agents' proposals count as theirs for "not your own" rules. */
  ownerId: z.uuid("the owner is not valid").nullable().default(null),
  expiresOn: expiryDateSchema.nullable().default(null),
});
export type IssueApiKeyInput = z.input<typeof issueApiKeyInputSchema>;

export const renameApiKeyInputSchema = z.strictObject({ publicId: publicIdSchema, name: nameSchema });
export type RenameApiKeyInput = z.input<typeof renameApiKeyInputSchema>;

export const apiKeyRefInputSchema = z.strictObject({ publicId: publicIdSchema });
export type ApiKeyRefInput = z.input<typeof apiKeyRefInputSchema>;
