import type { CoreDeps } from "../deps.ts";
import type { EndpointDisabledNotice } from "./disable-failing-endpoint.ts";

/**
 * Emails the admins that their endpoint was disabled, when this server sends email. Each message is
 * a notification row written in the transaction that hands it to the mail server; one that cannot
 * be sent is logged and dropped: the console has told them already.
 */
export async function emailEndpointDisabled(deps: Pick<CoreDeps, "db" | "logger" | "delivery">, notice: EndpointDisabledNotice): Promise<void> {
  const delivery = deps.delivery;
  if (!delivery?.channels.includes("email")) return;
  for (const email of notice.adminEmails) {
    try {
      await deps.db.$transaction(async (tx) => {
        const notification = await tx.notification.create({
          data: { tenantId: notice.tenantId, channel: "email", recipient: email, subject: notice.subject, message: notice.message },
        });
        await delivery.deliver(tx, notification);
        // The mail server's own timeouts end well before this.
      }, { maxWait: 10_000, timeout: 60_000 });
    } catch (error) {
      deps.logger.warn({ tenantId: notice.tenantId, endpointId: notice.endpointId, err: error instanceof Error ? error.message : String(error) }, "could not email an admin that a webhook endpoint was disabled");
    }
  }
}
