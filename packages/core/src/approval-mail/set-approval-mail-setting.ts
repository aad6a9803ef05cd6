import type { ApprovalMail } from "@leash/db";

import type { Actor } from "../actor.ts";
import { assertCan } from "../authorization.ts";
import type { CoreDeps } from "../deps.ts";
import { CoreError } from "../errors.ts";
import { parseInput } from "../validation.ts";
import {
  DEFAULT_DIGEST_MINUTES,
  setApprovalMailInputSchema,
  type ApprovalMailSettingView,
  type SetApprovalMailInput,
} from "./approval-mail-inputs.ts";
import { approvalMailPerson, approvalMailView, emailConfigured } from "./my-approval-mail.ts";

/**
 * The signed-in person turns their approval mail on (one mail per action, or a digest) or off.
 * Turning it on starts from now: what already waits is in the inbox and is not mailed, so switching
 * it on never sends a pile of mail at once; switching between one mail per action and a digest
 * keeps that start. Only people who decide may turn it on, and only on a server that sends email;
 * turning it off is always allowed. One statement, so two saves at once cannot collide.
 */
export async function setApprovalMailSetting(
  deps: Pick<CoreDeps, "db" | "clock" | "delivery">,
  { actor, input }: { actor: Actor; input: SetApprovalMailInput },
): Promise<ApprovalMailSettingView> {
  const person = approvalMailPerson(actor);
  const { mode, digestMinutes } = parseInput(setApprovalMailInputSchema, input, "approval mail setting");
  if (mode !== "off") {
    assertCan(person, "action.decide");
    if (!emailConfigured(deps)) {
      const message =
        "Email is not configured on this server (SMTP_URL is not set), so approval mail cannot be turned on";
      throw new CoreError("INVALID", message, { issues: [{ path: ["mode"], message }] });
    }
  }
  const now = deps.clock.now();
  const minutes = digestMinutes ?? null;
  const [saved] = await deps.db.$queryRaw<
    { approvalMail: ApprovalMail; approvalMailDigestMinutes: number }[]
  >`
    INSERT INTO user_mail_setting AS s (user_id, approval_mail, approval_mail_digest_minutes, approval_mail_since, updated_at)
    VALUES (${person.userId}::uuid, ${mode}::"ApprovalMail", COALESCE(${minutes}::int, ${DEFAULT_DIGEST_MINUTES}::int),
            CASE WHEN ${mode} = 'off' THEN NULL ELSE ${now}::timestamptz END, ${now}::timestamptz)
    ON CONFLICT (user_id) DO UPDATE SET
      approval_mail = EXCLUDED.approval_mail,
      approval_mail_digest_minutes = COALESCE(${minutes}::int, s.approval_mail_digest_minutes),
      approval_mail_since = CASE WHEN EXCLUDED.approval_mail = 'off' THEN NULL
                                 WHEN s.approval_mail = 'off' THEN EXCLUDED.approval_mail_since
                                 ELSE s.approval_mail_since END,
      updated_at = EXCLUDED.updated_at
    RETURNING approval_mail AS "approvalMail", approval_mail_digest_minutes AS "approvalMailDigestMinutes"`;
  return approvalMailView(deps, person, saved ?? null);
}
