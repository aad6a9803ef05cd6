import { z } from "zod";

import { ApprovalMail } from "@leash/db";

/** The shortest and longest time between two digests: no more than one mail every 5 minutes, at least one a day. */
export const MIN_DIGEST_MINUTES = 5;
export const MAX_DIGEST_MINUTES = 1440;
export const DEFAULT_DIGEST_MINUTES = 60;

// One sentence for every way a number can be wrong (not a number, a fraction, out of range): people
// read it next to the field, so it says what to enter rather than what zod found.
const minutesMessage = `Enter the digest interval in whole minutes, from ${MIN_DIGEST_MINUTES} to ${MAX_DIGEST_MINUTES} (a day)`;

export const approvalMailModeSchema = z.enum(ApprovalMail, {
  error: "Choose no approval mail, one mail per action, or a digest",
});

/**
 * A person's approval mail: `off`, `each` (one mail per action that starts waiting for them) or
 * `digest` (at most one mail every `digestMinutes`, listing what started waiting since the last).
 * `digestMinutes` is kept when omitted, and kept for later when the mode is not `digest`.
 */
export const setApprovalMailInputSchema = z.strictObject({
  mode: approvalMailModeSchema,
  digestMinutes: z
    .int({ error: minutesMessage })
    .min(MIN_DIGEST_MINUTES, { error: minutesMessage })
    .max(MAX_DIGEST_MINUTES, { error: minutesMessage })
    .optional(),
});
export type SetApprovalMailInput = z.input<typeof setApprovalMailInputSchema>;

export const approvalMailSettingViewSchema = z.object({
  mode: approvalMailModeSchema,
  digestMinutes: z.int(),
  /** Where the mail goes: the person's own address. */
  email: z.string(),
  /** Whether this server sends email at all (SMTP_URL): without it nothing is mailed and mail cannot be turned on. */
  emailConfigured: z.boolean(),
  /** Whether the person's role decides on actions: only they have anything waiting for them. */
  decides: z.boolean(),
});
export type ApprovalMailSettingView = z.infer<typeof approvalMailSettingViewSchema>;
