import type { DbTransaction } from "@leash/db";

import type { NotificationDelivery } from "../delivery/create-notification-delivery.ts";

/** What the tenant's admins are told of a disabled endpoint; emailed after the commit. */
export interface EndpointDisabledNotice {
  tenantId: string;
  endpointId: string;
  subject: string;
  message: string;
  adminEmails: string[];
}

/**
 * Disables an endpoint that has failed for too long, once: a conditional update, so of two attempts
 * failing together one disables it. Its pending deliveries stay pending (paused, resumed when an
 * admin enables it again). The tenant's admins are told in their console (the bell) in the same
 * transaction; the answer is what to email them after the commit, or null when the endpoint was no
 * longer enabled.
 */
export async function disableFailingEndpoint(
  tx: DbTransaction,
  { endpoint, reason, now, delivery }: { endpoint: { id: string; tenantId: string; url: string }; reason: string; now: Date; delivery: NotificationDelivery },
): Promise<EndpointDisabledNotice | null> {
  const disabled = await tx.$executeRaw`
    UPDATE webhook_endpoint SET enabled = false, disabled_reason = ${reason}, disabled_at = ${now}, updated_at = ${now}
    WHERE id = ${endpoint.id}::uuid AND enabled`;
  if (disabled === 0) return null;
  const subject = "Webhook endpoint disabled";
  const message =
    `Leash stopped sending webhooks to ${endpoint.url}: ${reason}. ` +
    "Its undelivered events are kept; enable the endpoint again once it answers, and they are sent in order.";
  const admins = await tx.user.findMany({ where: { tenantId: endpoint.tenantId, role: "admin" }, select: { email: true }, orderBy: { email: "asc" } });
  for (const admin of admins) {
    const notification = await tx.notification.create({
      data: { tenantId: endpoint.tenantId, channel: "in_app", recipient: admin.email, subject, message },
    });
    await delivery.deliver(tx, notification);
  }
  return { tenantId: endpoint.tenantId, endpointId: endpoint.id, subject, message, adminEmails: admins.map((admin) => admin.email) };
}
