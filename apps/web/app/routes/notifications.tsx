import { Form, Link, useNavigation } from "react-router";

import { listMyNotifications, markNotificationRead, markNotificationReadInputSchema, type NotificationView } from "@leash/core";

import { LocalTime } from "../components/local-time.tsx";
import { CsrfField } from "../components/csrf-field.tsx";
import { Notice } from "../components/notice.tsx";
import { formatCount } from "../lib/format.ts";
import type { FormResult } from "../lib/form-result.ts";
import { consoleTitle } from "../lib/console-title.ts";
import { requireMutation, requireUser } from "../server/auth.server.ts";
import { loadOrFail, refusal } from "../server/core-errors.server.ts";
import { getDeps } from "../server/deps.server.ts";
import { formNumber, parseForm } from "../server/form.server.ts";
import type { Route } from "./+types/notifications";

export function meta({ matches }: Route.MetaArgs) {
  return [{ title: consoleTitle("Notifications", matches) }];
}

export async function loader({ request }: Route.LoaderArgs) {
  const { actor } = await requireUser(request);
  return loadOrFail(() => listMyNotifications(getDeps(), { actor }));
}

export async function action({ request }: Route.ActionArgs) {
  const { user, form } = await requireMutation(request);
  const input = parseForm(markNotificationReadInputSchema, { notificationId: formNumber(form, "notificationId") });
  try {
    const read = await markNotificationRead(getDeps(), { actor: user.actor, input });
    const result: FormResult = { ok: true, message: `Marked “${read.subject ?? "Message"}” as read.` };
    return result;
  } catch (error) {
    return refusal(error);
  }
}

function NotificationCard({ notification, busy }: { notification: NotificationView; busy: boolean }) {
  const unread = notification.readAt === null;
  return (
    <li className={`card panel notification${unread ? " notification-unread" : ""}`} data-notification-id={notification.id}>
      <div>
        <h2>{notification.subject ?? "Message"}</h2>
        <p className="notification-message">{notification.message}</p>
        <p className="muted small">
          <LocalTime value={notification.createdAt} />
          {notification.actionId !== null ? (
            <>
              {" · "}
              <Link to={`/actions/${notification.actionId}`}>action #{notification.actionId}</Link>
            </>
          ) : null}
          {notification.readAt !== null ? (
            <>
              {" · read "}
              <LocalTime value={notification.readAt} />
            </>
          ) : null}
        </p>
      </div>
      {unread ? (
        <Form method="post" className="inline-form" preventScrollReset>
          <CsrfField />
          <input type="hidden" name="notificationId" value={notification.id} />
          <button type="submit" className="button button-ghost button-small" disabled={busy}>
            Mark as read
          </button>
        </Form>
      ) : null}
    </li>
  );
}

export default function Notifications({ loaderData, actionData }: Route.ComponentProps) {
  const { notifications, unread } = loaderData;
  const navigation = useNavigation();
  const marking = navigation.formData?.get("notificationId");
  return (
    <div className="page">
      <header className="page-header">
        <div>
          <h1>Notifications</h1>
          <p className="muted">
            Messages agents sent you through Leash and reminders that came due, newest first.{" "}
            {unread.count === 0 ? "All read." : `${formatCount(unread)} unread.`}
          </p>
        </div>
      </header>
      <Notice result={actionData} />
      {notifications.length === 0 ? (
        <section className="empty-state">
          <h2>No notifications</h2>
          <p className="muted">In-app notifications and reminders addressed to you appear here.</p>
        </section>
      ) : (
        <ul className="notification-list" aria-label="Notifications">
          {notifications.map((notification) => (
            <NotificationCard key={notification.id} notification={notification} busy={marking === String(notification.id)} />
          ))}
        </ul>
      )}
    </div>
  );
}
