import type { ApprovalMail, DbTransaction, UserRole } from "@leash/db";

import { userActor } from "../actor.ts";
import type { CoreDeps } from "../deps.ts";
import type { EmailSender } from "../delivery/create-email-sender.ts";
import { isCoreError } from "../errors.ts";
import { mayDecide } from "../decisions/may-decide.ts";
import { composeApprovalMail, type ApprovalMailKind } from "./compose-approval-mail.ts";
import { dueWaits } from "./due-waits.ts";
import { loadMailedActions, type MailableAction } from "./load-mailed-actions.ts";

/** Waits one sweep looks at, over everybody; the next sweep takes the rest. */
const DEFAULT_BATCH = 500;
/** Actions one digest lists at most; more go into the next one. */
const MAX_DIGEST_ACTIONS = 50;
/** Mails one person gets from one sweep at most (one per action); the next sweep, seconds later, goes on. */
const MAX_MAILS_PER_PERSON = 20;

type Deps = Pick<CoreDeps, "db" | "clock" | "logger" | "delivery">;

export interface ApprovalMailSweepOptions {
  /** The console's base URL (WEB_BASE_URL): each mail links to `<base>/actions/<id>`. */
  consoleUrl: string;
  batch?: number;
}

export interface SentApprovalMail {
  userId: string;
  kind: ApprovalMailKind;
  actionIds: number[];
}

export interface ApprovalMailSweepResult {
  sent: SentApprovalMail[];
  /** People whose mail the server deferred or could not take now; it is tried again next sweep. */
  deferred: string[];
}

interface Person {
  id: string;
  tenantId: string;
  tenantName: string;
  email: string;
  name: string;
  role: UserRole;
  mode: Exclude<ApprovalMail, "off">;
}

type Turn = { mailed: SentApprovalMail | null; again: boolean };

/**
 * Tells people with approval mail on what waits for them: one mail per action that started waiting
 * (`each`), or at most one digest per interval listing every such action that still waits
 * (`digest`). Only actions they may decide (`mayDecide`) are mailed. Runs in the worker, never in a
 * request; does nothing on a server without email.
 *
 * Each person's turn runs in a transaction holding their setting's row (`FOR UPDATE SKIP LOCKED`):
 * several workers sweeping at once take different people, and a mark per (person, action wait),
 * written in the transaction that sent the mail, keeps each wait from being mailed twice. A crash
 * between the send and the commit sends that mail again, with the same Message-ID.
 */
export async function sweepApprovalMail(
  deps: Deps,
  options: ApprovalMailSweepOptions,
): Promise<ApprovalMailSweepResult> {
  const email = deps.delivery?.email;
  const result: ApprovalMailSweepResult = { sent: [], deferred: [] };
  if (!email) return result;
  const now = deps.clock.now();
  const due = await dueWaits(deps.db, { now, limit: options.batch ?? DEFAULT_BATCH });
  for (const userId of new Set(due.map((wait) => wait.userId))) {
    for (let turn = 0; turn < MAX_MAILS_PER_PERSON; turn += 1) {
      let outcome: Turn;
      try {
        outcome = await mailPerson(deps, email, { userId, now, consoleUrl: options.consoleUrl });
      } catch (error) {
        // A server away or deferring this mailbox: this person is tried again next sweep; others go on.
        if (!isCoreError(error) || !error.retryable) throw error;
        deps.logger.warn({ userId, err: error.message }, "approval mail deferred");
        result.deferred.push(userId);
        break;
      }
      if (outcome.mailed) result.sent.push(outcome.mailed);
      if (!outcome.again) break;
    }
  }
  return result;
}

/** One mail to one person, if anything is due for them and no other worker holds them. */
async function mailPerson(
  deps: Deps,
  email: EmailSender,
  { userId, now, consoleUrl }: { userId: string; now: Date; consoleUrl: string },
): Promise<Turn> {
  return deps.db.$transaction(
    async (tx) => {
      const [person] = await tx.$queryRaw<Person[]>`
        SELECT s.user_id AS id, u.tenant_id AS "tenantId", t.name AS "tenantName", u.email, u.name, u.role, s.approval_mail AS mode
        FROM user_mail_setting s JOIN app_user u ON u.id = s.user_id JOIN tenant t ON t.id = u.tenant_id
        WHERE s.user_id = ${userId}::uuid AND s.approval_mail <> 'off'
        FOR UPDATE OF s SKIP LOCKED`;
      if (!person) return { mailed: null, again: false };
      // Read after the lock is held, so that marks another worker committed meanwhile are seen.
      const waits = await dueWaits(tx, { now, userId, limit: MAX_DIGEST_ACTIONS });
      const actions = await loadMailedActions(tx, {
        tenantId: person.tenantId,
        actionIds: waits.map((wait) => wait.actionId),
      });
      const actor = userActor(person);
      const decidable = actions.filter((action) => mayDecide(actor, action));
      // What they may not decide is marked too, so that it is not looked at again on every sweep.
      await mark(
        tx,
        userId,
        actions.filter((action) => !decidable.includes(action)),
        null,
      );
      const told = person.mode === "each" ? decidable.slice(0, 1) : decidable;
      if (told.length === 0)
        return { mailed: null, again: person.mode === "each" && waits.length === MAX_DIGEST_ACTIONS };

      const kind: ApprovalMailKind = person.mode === "each" ? "waiting" : "digest";
      const mail = composeApprovalMail({
        kind,
        actions: told,
        tenantName: person.tenantName,
        consoleUrl,
        now,
      });
      const waitsTold = told.map((action) => ({
        actionId: action.view.id,
        waitingSince: action.waitingSince,
      }));
      let mailedAt: Date | null = now;
      try {
        await email.send({
          to: person.email,
          ...mail,
          reference: { approvalMail: kind, userId, waits: waitsTold },
        });
      } catch (error) {
        if (!isCoreError(error) || error.retryable) throw error;
        // The server refused this mail for good (an unknown mailbox): sending it again would be refused again.
        deps.logger.warn(
          { userId, actionIds: waitsTold.map((wait) => wait.actionId), err: error.message },
          "approval mail refused",
        );
        mailedAt = null;
      }
      await mark(tx, userId, told, mailedAt);
      if (kind === "digest")
        await tx.userMailSetting.update({ where: { userId }, data: { lastDigestAt: now } });
      const actionIds = waitsTold.map((wait) => wait.actionId);
      if (mailedAt) deps.logger.info({ userId, kind, actionIds }, "approval mail sent");
      return { mailed: mailedAt ? { userId, kind, actionIds } : null, again: kind === "waiting" };
    },
    // The transaction holds the person while their mail is sent (the sender's own timeouts are shorter).
    { maxWait: 10_000, timeout: 60_000 },
  );
}

/** Records that the person was told about these waits (`mailedAt` null: considered, not mailed). */
async function mark(
  tx: DbTransaction,
  userId: string,
  actions: readonly MailableAction[],
  mailedAt: Date | null,
): Promise<void> {
  for (const { view, waitingSince } of actions) {
    await tx.approvalMailMark.upsert({
      where: { userId_actionId: { userId, actionId: view.id } },
      create: { userId, actionId: view.id, waitingSince, mailedAt },
      update: { waitingSince, mailedAt },
    });
  }
}
