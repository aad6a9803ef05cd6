import type { ActionStatus, Prisma, TargetType } from "@leash/db";

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

/** The rows of one tenant's history matching the filters (list and export share it). */
export function actionFilterWhere(tenantId: string, filters: ActionFilters): Prisma.AgentActionWhereInput {
  const status = asList(filters.status);
  const actionType = asList(filters.actionType);
  const targetType = asList(filters.targetType);
  return {
    tenantId,
    ...(status ? { status: { in: status } } : {}),
    ...(actionType ? { actionType: { in: actionType } } : {}),
    ...(targetType ? { targetType: { in: targetType } } : {}),
    ...(filters.targetId !== undefined ? { targetId: filters.targetId } : {}),
    AND: [
      ...(filters.actor !== undefined
        ? [
            {
              OR: [
                { proposerLabel: { contains: filters.actor, mode: "insensitive" as const } },
                { decidedByLabel: { contains: filters.actor, mode: "insensitive" as const } },
              ],
            },
          ]
        : []),
      ...(filters.proposerId !== undefined ? [{ OR: [{ userId: filters.proposerId }, { apiKeyId: filters.proposerId }] }] : []),
    ],
    ...(filters.from || filters.to
      ? {
          createdAt: {
            ...(filters.from ? { gte: new Date(filters.from) } : {}),
            ...(filters.to ? { lt: new Date(filters.to) } : {}),
          },
        }
      : {}),
  };
}
