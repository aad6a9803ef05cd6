import { Prisma, sqlFor, type Db } from "@leash/db";

import { actionWithApprovalsColumns, actionWithApprovalsFromRow, type ActionWithApprovals } from "../decisions/action-approvals.ts";

/**
 * Up to `limit` actions matching `where` (a condition on `agent_action a`, keyset bound included),
 * with their approvals, newest first by creation time or by id, in one statement: what the history
 * list and the export read each page with.
 */
export async function readActionPage(
  db: Db,
  where: Prisma.Sql,
  { byCreationTime, limit }: { byCreationTime: boolean; limit: number },
): Promise<ActionWithApprovals[]> {
  const rows = await sqlFor(db).query<Record<string, unknown>>(Prisma.sql`
    SELECT ${actionWithApprovalsColumns} FROM agent_action a
    WHERE ${where}
    ORDER BY ${byCreationTime ? Prisma.sql`a.created_at DESC, a.id DESC` : Prisma.sql`a.id DESC`}
    LIMIT ${limit}::int`);
  return rows.map(actionWithApprovalsFromRow);
}
