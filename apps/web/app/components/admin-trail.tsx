import type { AdminEventView } from "@leash/core";

import { LocalTime } from "./local-time.tsx";


const labels: Record<string, string> = {
  "user.added": "Person added",
  "user.role_changed": "Role changed",
  "user.deactivated": "Person deactivated",
  "user.reactivated": "Person reactivated",
  "user.password_reset": "Password reset",
  "api_key.created": "API key created",
  "api_key.renamed": "API key renamed",
  "api_key.revoked": "API key revoked",
  "sso.saved": "Single sign-on saved",
  "sso.removed": "Single sign-on removed",
};

/** The latest admin changes of the workspace (people, keys, single sign-on), newest first. */
export function AdminTrail({ events }: { events: AdminEventView[] }) {
  return (
    <section className="card panel" aria-labelledby="admin-trail-heading">
      <h2 id="admin-trail-heading">Recent changes</h2>
      {events.length === 0 ? (
        <p className="muted">No changes yet.</p>
      ) : (
        <ol className="stack" data-testid="admin-trail">
          {events.map((event) => (
            <li key={event.id} data-event={event.type}>
              <strong>{labels[event.type] ?? event.type}</strong>: {event.subject}
              <span className="small muted">
                {" "}
                by {event.actorLabel}, <LocalTime value={event.at} />
              </span>
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
