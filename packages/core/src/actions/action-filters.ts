import { Prisma, type ActionStatus, type TargetType } from "@leash/db";

import { likeLiteral } from "../like-literal.ts";

export interface ActionFilters {
  status?: ActionStatus | ActionStatus[] | undefined;
  actionType?: string | string[] | undefined;
  targetType?: TargetType | TargetType[] | undefined;
  targetId?: number | undefined;
  actor?: string | undefined;
  proposerId?: string | undefined;
  from?: string | undefined;
  to?: string | undefined;
}

const asList = <T>(value: T | T[] | undefined): T[] | undefined =>
  value === undefined ? undefined : Array.isArray(value) ? value : [value];

const containing = (text: string) => `%${likeLiteral(text)}%`;

/**
 * The condition on `agent_action a` that selects one tenant's history matching the filters (list
 * and export share it). SQL rather than a Prisma `where`: both read their pages with one statement
 * each, without the model API, which took about four times as long to read the same pages of
 * actions with their approvals (measured on a 100,000-row export, reading alone).
 */
export function actionFilterSql(tenantId: string, filters: ActionFilters): Prisma.Sql {
  const status = asList(filters.status);
  const actionType = asList(filters.actionType);
  const targetType = asList(filters.targetType);
  const conditions = [
    Prisma.sql`a.tenant_id = ${tenantId}::uuid`,
    ...(status ? [Prisma.sql`a.status = ANY(${status}::"ActionStatus"[])`] : []),
    ...(actionType ? [Prisma.sql`a.action_type = ANY(${actionType}::text[])`] : []),
    ...(targetType ? [Prisma.sql`a.target_type = ANY(${targetType}::"TargetType"[])`] : []),
    ...(filters.targetId !== undefined ? [Prisma.sql`a.target_id = ${filters.targetId}::int`] : []),
    ...(filters.actor !== undefined
      ? [Prisma.sql`(a.proposer_label ILIKE ${containing(filters.actor)} OR a.decided_by_label ILIKE ${containing(filters.actor)})`]
      : []),
    ...(filters.proposerId !== undefined
      ? [Prisma.sql`(a.user_id = ${filters.proposerId}::uuid OR a.api_key_id = ${filters.proposerId}::uuid)`]
      : []),
    ...(filters.from ? [Prisma.sql`a.created_at >= ${new Date(filters.from)}::timestamptz`] : []),
    ...(filters.to ? [Prisma.sql`a.created_at < ${new Date(filters.to)}::timestamptz`] : []),
  ];
  return Prisma.join(conditions, " AND ");
}
