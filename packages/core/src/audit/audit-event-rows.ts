import { Prisma } from "@leash/db";

import type { AuditEventContent } from "./event-hash.ts";

/** The columns of `action_event` that an event's hash covers, named as `AuditEventContent` names them. */
export const auditContentColumns = Prisma.sql`
  id, tenant_id::text AS "tenantId", action_id AS "actionId", type::text AS type, actor_kind::text AS "actorKind",
  actor_id AS "actorId", actor_label AS "actorLabel", details::text AS details, created_at AS "createdAt"`;

export type AuditEventRow = AuditEventContent & { chainSeq: bigint | null; prevHash: string | null; hash: string | null };
