import type { Db, UserMailSetting } from "@leash/db";

import type { Actor } from "../actor.ts";
import { can } from "../authorization.ts";
import type { CoreDeps } from "../deps.ts";
import { CoreError } from "../errors.ts";
import { DEFAULT_DIGEST_MINUTES, type ApprovalMailSettingView } from "./approval-mail-inputs.ts";

/** The person whose approval mail this is: each person sets their own; an API key has no mailbox here. */
export function approvalMailPerson(actor: Actor): Actor & { kind: "user" } {
  if (actor.kind !== "user")
    throw new CoreError(
      "FORBIDDEN",
      `${actor.label} is not a person: approval mail is set by each person for themselves in the console`,
    );
  return actor;
}

/** Whether this process can send email (SMTP_URL): approval mail is sent by the worker with the same settings. */
export function emailConfigured(deps: Pick<CoreDeps, "delivery">): boolean {
  return deps.delivery?.channels.includes("email") ?? false;
}

/** The person's setting as the console shows it; a person who never changed it has mail off. */
export async function approvalMailView(
  deps: Pick<CoreDeps, "delivery"> & { db: Db },
  actor: Actor & { kind: "user" },
  setting: Pick<UserMailSetting, "approvalMail" | "approvalMailDigestMinutes"> | null,
): Promise<ApprovalMailSettingView> {
  const user = await deps.db.user.findFirst({
    where: { id: actor.userId, tenantId: actor.tenantId },
    select: { email: true },
  });
  if (!user) throw new CoreError("NOT_FOUND", "This account no longer exists");
  return {
    mode: setting?.approvalMail ?? "off",
    digestMinutes: setting?.approvalMailDigestMinutes ?? DEFAULT_DIGEST_MINUTES,
    email: user.email,
    emailConfigured: emailConfigured(deps),
    decides: can(actor, "action.decide"),
  };
}
