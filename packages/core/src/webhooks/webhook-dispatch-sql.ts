import { Prisma } from "@leash/db";

import { webhookEventOf } from "./webhook-event-types.ts";

/** The offered audit events as rows the statement joins: (event, webhook type, implied status). */
const offered = JSON.stringify(Object.entries(webhookEventOf).map(([event, mapped]) => ({ event, type: mapped.type, status: mapped.status })));

/**
 * The audit sealer's statement made the outbox of outbound webhooks too: `sealing` is its UPDATE of
 * `action_event e` (the sealed events are what it returns), and the statement also makes one
 * delivery per (sealed event x enabled endpoint of its tenant that wants its type and, when it
 * filters, its action's type), the payload frozen now. Sealing and dispatch are one statement of
 * one transaction. (The sealer runs its plain UPDATE instead when none of the batch's tenants has
 * an enabled endpoint.)
 *
 * Answers the deliveries it made; after the commit, `enqueueReadyWebhookDeliveries` enqueues those
 * first in line for their action at their endpoint.
 */
export function webhookDispatchSql(sealing: Prisma.Sql, now: Date): Prisma.Sql {
  return Prisma.sql`
    WITH sealed AS (
      ${sealing}
      RETURNING e.id, e.tenant_id, e.action_id, e.type, e.actor_kind, e.actor_label, e.details, e.created_at
    ),
    made AS (
      INSERT INTO webhook_delivery (tenant_id, endpoint_id, event_id, action_id, event_type, message_id, payload, next_attempt_at, created_at)
      SELECT s.tenant_id, w.id, s.id, s.action_id, o.type, 'evt_' || s.id,
        jsonb_build_object(
          'type', o.type,
          'timestamp', to_char(s.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
          'data', jsonb_build_object(
            'eventId', s.id::text,
            'actionId', s.action_id,
            'actionType', a.action_type,
            'targetType', a.target_type::text,
            'targetId', a.target_id,
            'status', COALESCE(o.status, CASE WHEN EXISTS (
              SELECT 1 FROM action_event n WHERE n.action_id = s.action_id AND n.id > s.id AND n.type = 'auto_approved'
            ) THEN 'approved' ELSE 'rejected' END),
            'actor', jsonb_build_object('kind', s.actor_kind::text, 'label', s.actor_label),
            'details', s.details,
            'tenant', t.slug
          ) || CASE WHEN o.type = 'action.approved' THEN jsonb_build_object('auto', s.type = 'auto_approved') ELSE '{}'::jsonb END
        ),
        ${now}, ${now}
      FROM sealed s
      JOIN jsonb_to_recordset(${offered}::jsonb) AS o(event text, type text, status text) ON o.event = s.type::text
      JOIN webhook_endpoint w ON w.tenant_id = s.tenant_id AND w.enabled AND o.type = ANY (w.event_types)
      JOIN agent_action a ON a.id = s.action_id
      JOIN tenant t ON t.id = s.tenant_id
      WHERE COALESCE(cardinality(w.action_types), 0) = 0 OR a.action_type = ANY (w.action_types)
      ORDER BY s.id, w.id
      ON CONFLICT (endpoint_id, event_id) DO NOTHING
      RETURNING id, tenant_id
    )
    SELECT m.id, m.tenant_id::text AS "tenantId" FROM made m ORDER BY m.id`;
}
