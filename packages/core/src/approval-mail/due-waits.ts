import { Prisma, type Db, type DbTransaction } from "@leash/db";

import type { MailedWait } from "../delivery/delivery-reference.ts";
import { waitingSinceSql } from "./waiting-since.ts";

export type DueWait = MailedWait & { userId: string };

/**
 * The waits people with approval mail on have not been told about yet, oldest first: actions of
 * their own tenant still pending that started waiting since they turned mail on, of whose current
 * wait they have no mark. A person on a digest is due only once their interval has passed since
 * the last digest. Who may decide is not asked here: the caller asks `mayDecide` of each.
 */
export async function dueWaits(
  db: Db | DbTransaction,
  { now, limit, userId }: { now: Date; limit: number; userId?: string },
): Promise<DueWait[]> {
  const onlyUser = userId === undefined ? Prisma.empty : Prisma.sql`AND s.user_id = ${userId}::uuid`;
  return db.$queryRaw<DueWait[]>`
    SELECT s.user_id AS "userId", w.id AS "actionId", w.waiting_since AS "waitingSince"
    FROM user_mail_setting s
    JOIN app_user u ON u.id = s.user_id
    CROSS JOIN LATERAL (
      SELECT a.id, ${waitingSinceSql} AS waiting_since
      FROM agent_action a WHERE a.tenant_id = u.tenant_id AND a.status = 'pending'
    ) w
    LEFT JOIN approval_mail_mark m ON m.user_id = s.user_id AND m.action_id = w.id
    WHERE s.approval_mail <> 'off' ${onlyUser}
      AND w.waiting_since >= s.approval_mail_since
      AND (m.waiting_since IS NULL OR m.waiting_since < w.waiting_since)
      AND (s.approval_mail = 'each' OR s.last_digest_at IS NULL
           OR s.last_digest_at <= ${now}::timestamptz - make_interval(mins => s.approval_mail_digest_minutes))
    ORDER BY w.waiting_since, w.id
    LIMIT ${limit}`;
}
