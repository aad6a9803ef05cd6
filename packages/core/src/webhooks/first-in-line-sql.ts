import { Prisma } from "@leash/db";

/**
 * The ordering rule of webhook deliveries, as SQL for a query whose delivery is aliased `d`: no
 * earlier delivery (lower event id) of the same action to the same endpoint is still pending. Only
 * a delivery first in line is enqueued; the one before it enqueues the next once it is settled.
 */
export const firstInLineSql = Prisma.sql`NOT EXISTS (
  SELECT 1 FROM webhook_delivery p
  WHERE p.endpoint_id = d.endpoint_id AND p.action_id = d.action_id AND p.status = 'pending' AND p.event_id < d.event_id
)`;
