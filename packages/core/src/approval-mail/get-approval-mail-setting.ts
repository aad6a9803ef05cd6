import type { Actor } from "../actor.ts";
import type { CoreDeps } from "../deps.ts";
import type { ApprovalMailSettingView } from "./approval-mail-inputs.ts";
import { approvalMailPerson, approvalMailView } from "./my-approval-mail.ts";

/** The signed-in person's approval mail setting, with whether this server can send it at all. */
export async function getApprovalMailSetting(
  deps: Pick<CoreDeps, "db" | "delivery">,
  { actor }: { actor: Actor },
): Promise<ApprovalMailSettingView> {
  const person = approvalMailPerson(actor);
  const setting = await deps.db.userMailSetting.findUnique({ where: { userId: person.userId } });
  return approvalMailView(deps, person, setting);
}
