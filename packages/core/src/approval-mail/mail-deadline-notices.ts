import type { Db, User } from "@leash/db";

import type { Actor } from "../actor.ts";
import type { CoreDeps } from "../deps.ts";
import type { EmailSender } from "../delivery/create-email-sender.ts";
import { isCoreError } from "../errors.ts";
import { mayDecide } from "../decisions/may-decide.ts";
import { composeApprovalMail, type ApprovalMailKind } from "./compose-approval-mail.ts";
import { loadMailedActions, type MailableAction } from "./load-mailed-actions.ts";
import type { SentApprovalMail } from "./sweep-approval-mail.ts";

type Deps = Pick<CoreDeps, "db" | "clock" | "logger" | "delivery">;

export interface DeadlineNoticeOptions {
  /** The console's base URL (WEB_BASE_URL): each mail links to `<base>/actions/<id>`. */
  consoleUrl: string;
  /** Actions the deadline sweep just reminded about (`reminder_sent`). */
  reminded: readonly number[];
  /** Actions the deadline sweep just escalated (`escalated`), to the backup approver its event names. */
  escalated: readonly number[];
}

type Person = Pick<User, "id" | "tenantId" | "email" | "name" | "role"> & { slackLinks: unknown[] };

const actorOf = (person: Person): Actor => ({
  kind: "user",
  tenantId: person.tenantId,
  userId: person.id,
  role: person.role,
  label: person.name,
});

/**
 * Emails the reminders and escalations the deadline sweep just recorded to the people Slack does
 * not reach (the tenant has no linked workspace, or they have no Slack link in it; the Slack bot
 * posts the notices to the others): a reminder to each person with approval mail on who may
 * decide the action, at once whatever their digest; an escalation to the backup approver its
 * `escalated` event names, with or without approval mail (the policy chose them), if they may
 * decide it. Sent once after the sweep's statements commit: a crash in between loses the mail,
 * never the reminder or escalation itself (the timeline and the inbox keep those).
 */
export async function mailDeadlineNotices(
  deps: Deps,
  { consoleUrl, reminded, escalated }: DeadlineNoticeOptions,
): Promise<SentApprovalMail[]> {
  const email = deps.delivery?.email;
  const ids = [...new Set([...reminded, ...escalated])];
  if (!email || ids.length === 0) return [];
  const rows = await deps.db.agentAction.findMany({
    where: { id: { in: ids } },
    select: { id: true, tenantId: true },
  });
  const sent: SentApprovalMail[] = [];
  for (const tenantId of new Set(rows.map((row) => row.tenantId))) {
    const actions = await loadMailedActions(deps.db, {
      tenantId,
      actionIds: rows.filter((row) => row.tenantId === tenantId).map((row) => row.id),
    });
    if (actions.length === 0) continue;
    const tenant = await deps.db.tenant.findUniqueOrThrow({
      where: { id: tenantId },
      select: { name: true },
    });
    // Links go with their workspace: without a linked workspace nobody has one.
    const slackLinks = { where: { workspace: { tenantId } }, select: { id: true } };
    const notOnSlack = (person: Person) => person.slackLinks.length === 0;
    const send = (kind: ApprovalMailKind, person: Person, action: MailableAction) =>
      sendNotice(deps, email, { kind, person, action, tenantName: tenant.name, consoleUrl, sent });

    const opted = await deps.db.user.findMany({
      where: { tenantId, mailSetting: { approvalMail: { not: "off" } } },
      include: { slackLinks },
    });
    for (const action of actions.filter((candidate) => reminded.includes(candidate.view.id))) {
      for (const person of opted) {
        if (notOnSlack(person) && mayDecide(actorOf(person), action)) await send("reminder", person, action);
      }
    }

    const escalatedHere = actions.filter((candidate) => escalated.includes(candidate.view.id));
    const backups = await escalationRecipients(
      deps.db,
      tenantId,
      escalatedHere.map((action) => action.view.id),
    );
    const people = await deps.db.user.findMany({
      where: { tenantId, id: { in: [...new Set(backups.values())] } },
      include: { slackLinks },
    });
    for (const action of escalatedHere) {
      const person = people.find((candidate) => candidate.id === backups.get(action.view.id));
      if (person && notOnSlack(person) && mayDecide(actorOf(person), action))
        await send("escalation", person, action);
    }
  }
  return sent;
}

/** The backup approver each action's latest `escalated` event names (the deadline sweep writes `userId` in its details). */
async function escalationRecipients(
  db: Db,
  tenantId: string,
  actionIds: number[],
): Promise<Map<number, string>> {
  const events = await db.actionEvent.findMany({
    where: { tenantId, actionId: { in: actionIds }, type: "escalated" },
    orderBy: { id: "desc" },
  });
  const recipients = new Map<number, string>();
  for (const event of events) {
    const details = event.details;
    const userId =
      typeof details === "object" && details !== null && !Array.isArray(details) ? details.userId : undefined;
    if (!recipients.has(event.actionId) && typeof userId === "string") recipients.set(event.actionId, userId);
  }
  return recipients;
}

/** One notice; a refusal or a server away is logged and skips this mail only. */
async function sendNotice(
  deps: Deps,
  email: EmailSender,
  {
    kind,
    person,
    action,
    tenantName,
    consoleUrl,
    sent,
  }: {
    kind: ApprovalMailKind;
    person: Person;
    action: MailableAction;
    tenantName: string;
    consoleUrl: string;
    sent: SentApprovalMail[];
  },
): Promise<void> {
  const mail = composeApprovalMail({
    kind,
    actions: [action],
    tenantName,
    consoleUrl,
    now: deps.clock.now(),
  });
  const reference = {
    approvalMail: kind,
    userId: person.id,
    waits: [{ actionId: action.view.id, waitingSince: action.waitingSince }],
  };
  try {
    await email.send({ to: person.email, ...mail, reference });
  } catch (error) {
    if (!isCoreError(error)) throw error;
    deps.logger.warn(
      { userId: person.id, actionId: action.view.id, kind, err: error.message },
      "approval mail not sent",
    );
    return;
  }
  deps.logger.info({ userId: person.id, kind, actionIds: [action.view.id] }, "approval mail sent");
  sent.push({ userId: person.id, kind, actionIds: [action.view.id] });
}
