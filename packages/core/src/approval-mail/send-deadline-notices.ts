import type { DbTransaction, User } from "@leash/db";

import { userActor } from "../actor.ts";
import type { CoreDeps } from "../deps.ts";
import type { EmailSender } from "../delivery/create-email-sender.ts";
import { isCoreError } from "../errors.ts";
import { mayDecide } from "../decisions/may-decide.ts";
import { composeApprovalMail, type ApprovalMailKind } from "./compose-approval-mail.ts";
import { loadMailedActions, type MailableAction } from "./load-mailed-actions.ts";
import type { SentApprovalMail } from "./sweep-approval-mail.ts";

type Deps = Pick<CoreDeps, "db" | "clock" | "logger" | "delivery">;

/** Notices one pass looks at; the next pass, seconds later, takes the rest. */
const DEFAULT_BATCH = 100;
/** How long a notice the mail server deferred waits before it is tried again; the others go meanwhile. */
const DEADLINE_NOTICE_RETRY_MS = 60_000;

export interface DeadlineNoticeOptions {
  /** The console's base URL (WEB_BASE_URL): each mail links to `<base>/actions/<id>`. */
  consoleUrl: string;
  batch?: number;
}

export interface DeadlineNoticeResult {
  sent: SentApprovalMail[];
  /** Notices kept for later (DEADLINE_NOTICE_RETRY_MS): the mail server was away or deferred a mail of theirs. */
  deferred: number[];
}

/** A reminder or an escalation the deadline sweep left in the outbox (`deadline_notice`). */
interface Notice {
  id: bigint;
  tenantId: string;
  actionId: number;
  kind: Extract<ApprovalMailKind, "reminder" | "escalation">;
  /** The backup approver an escalation goes to; null for a reminder. */
  userId: string | null;
}

type Person = Pick<User, "id" | "tenantId" | "email" | "name" | "role"> & { slackLinks: unknown[] };

/**
 * Emails the reminders and escalations the deadline sweep left in the outbox to the people Slack
 * does not reach (the tenant has no linked workspace, or they have no Slack link in it; the Slack
 * bot posts the notices to the others): a reminder to each person with approval mail on who may
 * decide the action, at once whatever their digest; an escalation to the backup approver the sweep
 * named, with or without approval mail (the policy chose them), if they may decide it. A notice of
 * an action no longer waiting is dropped unsent.
 *
 * Each notice is sent in a transaction that holds its row (`FOR UPDATE SKIP LOCKED`, so workers
 * sending at once take different ones) and deletes it, and a crash between a send and the commit
 * sends that mail again with the same Message-ID. A mail server away or deferring keeps the notice,
 * tried again after DEADLINE_NOTICE_RETRY_MS, and ends the pass (one wait for a server away per
 * pass at most); the notices behind it go first on the next one. A mailbox the server refuses for
 * good is logged and skipped.
 */
export async function sendDeadlineNotices(deps: Deps, options: DeadlineNoticeOptions): Promise<DeadlineNoticeResult> {
  const email = deps.delivery?.email;
  const result: DeadlineNoticeResult = { sent: [], deferred: [] };
  if (!email) return result;
  const now = deps.clock.now();
  const waiting = await deps.db.$queryRaw<{ id: bigint }[]>`
    SELECT id FROM deadline_notice WHERE next_attempt_at <= ${now} ORDER BY next_attempt_at, id LIMIT ${options.batch ?? DEFAULT_BATCH}`;
  for (const { id } of waiting) {
    try {
      result.sent.push(...(await sendNotice(deps, email, id, options.consoleUrl)));
    } catch (error) {
      if (!isCoreError(error) || !error.retryable) throw error;
      const retryAt = new Date(deps.clock.now().getTime() + DEADLINE_NOTICE_RETRY_MS);
      await deps.db.$executeRaw`UPDATE deadline_notice SET next_attempt_at = ${retryAt} WHERE id = ${id}`;
      deps.logger.warn({ noticeId: Number(id), retryAt: retryAt.toISOString(), err: error.message }, "deadline notice deferred");
      result.deferred.push(Number(id));
      break;
    }
  }
  return result;
}

/** One notice to everyone it is for, then gone from the outbox; nothing when another worker holds it or sent it. */
async function sendNotice(deps: Deps, email: EmailSender, id: bigint, consoleUrl: string): Promise<SentApprovalMail[]> {
  return deps.db.$transaction(
    async (tx) => {
      const [notice] = await tx.$queryRaw<Notice[]>`
        SELECT id, tenant_id::text AS "tenantId", action_id AS "actionId", kind, user_id::text AS "userId"
        FROM deadline_notice WHERE id = ${id} FOR UPDATE SKIP LOCKED`;
      if (!notice) return [];
      const [action] = await loadMailedActions(tx, { tenantId: notice.tenantId, actionIds: [notice.actionId] });
      const sent: SentApprovalMail[] = [];
      if (action) {
        const { name: tenantName } = await tx.tenant.findUniqueOrThrow({ where: { id: notice.tenantId }, select: { name: true } });
        const { kind } = notice;
        for (const person of await recipientsOf(tx, notice)) {
          if (person.slackLinks.length > 0 || !mayDecide(userActor(person), action)) continue;
          if (await mailPerson(deps, email, { kind, person, action, tenantName, consoleUrl })) sent.push({ userId: person.id, kind, actionIds: [notice.actionId] });
        }
      }
      await tx.$executeRaw`DELETE FROM deadline_notice WHERE id = ${id}`;
      return sent;
    },
    // The transaction holds the notice while its mail is sent (the sender's own timeouts are shorter).
    { maxWait: 10_000, timeout: 60_000 },
  );
}

/** Who a notice may go to, with their Slack links in the tenant's workspace (without a linked workspace nobody has one). */
function recipientsOf(tx: DbTransaction, notice: Notice): Promise<Person[]> {
  const include = { slackLinks: { where: { workspace: { tenantId: notice.tenantId } }, select: { id: true } } };
  if (notice.kind === "escalation")
    return notice.userId === null ? Promise.resolve([]) : tx.user.findMany({ where: { tenantId: notice.tenantId, id: notice.userId }, include });
  return tx.user.findMany({ where: { tenantId: notice.tenantId, mailSetting: { approvalMail: { not: "off" } } }, include });
}

/** One mail; true once sent. A mailbox refused for good is logged and skipped; a server away throws (retryable). */
async function mailPerson(
  deps: Deps,
  email: EmailSender,
  { kind, person, action, tenantName, consoleUrl }: { kind: ApprovalMailKind; person: Person; action: MailableAction; tenantName: string; consoleUrl: string },
): Promise<boolean> {
  const mail = composeApprovalMail({ kind, actions: [action], tenantName, consoleUrl, now: deps.clock.now() });
  const reference = { approvalMail: kind, userId: person.id, waits: [{ actionId: action.view.id, waitingSince: action.waitingSince }] };
  try {
    await email.send({ to: person.email, ...mail, reference });
  } catch (error) {
    if (!isCoreError(error) || error.retryable) throw error;
    deps.logger.warn({ userId: person.id, actionId: action.view.id, kind, err: error.message }, "approval mail refused");
    return false;
  }
  deps.logger.info({ userId: person.id, kind, actionIds: [action.view.id] }, "approval mail sent");
  return true;
}
