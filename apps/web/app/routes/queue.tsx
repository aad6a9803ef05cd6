import { Link } from "react-router";

import { COUNT_CAP, queueStats, type ActionView, type BoundedCount } from "@leash/core";

import { LocalTime } from "../components/local-time.tsx";
import { StatusBadge } from "../components/status-badge.tsx";
import { formatCount, humanLabel } from "../lib/format.ts";
import { consoleTitle } from "../lib/console-title.ts";
import { requireUser } from "../server/auth.server.ts";
import { loadOrFail } from "../server/core-errors.server.ts";
import { getDeps } from "../server/deps.server.ts";
import type { Route } from "./+types/queue";

export function meta({ matches }: Route.MetaArgs) {
  return [{ title: consoleTitle("Queue", matches) }];
}

export async function loader({ request }: Route.LoaderArgs) {
  const { actor } = await requireUser(request);
  return { stats: await loadOrFail(() => queueStats(getDeps(), { actor })), cap: COUNT_CAP, at: new Date().toISOString() };
}

/** The workspace's own queue: the execution queue in Redis is shared with other workspaces, so its jobs are not shown. */
const inFlight = [
  { status: "pending", hint: "waiting for a person" },
  { status: "approved", hint: "to run: queued, retrying later, behind an earlier action on the same item, or waiting for its agent's report" },
  { status: "executing", hint: "running now" },
] as const;

const finished = ["executed", "failed", "rejected", "cancelled"] as const;

function StatusCount({ status, counted, hint }: { status: ActionView["status"]; counted: BoundedCount; hint?: string }) {
  return (
    <Link to={`/history?status=${status}`} className="card stat stat-link" data-testid={`actions-${status}`}>
      <StatusBadge status={status} />
      <span className="stat-value">{formatCount(counted)}</span>
      {hint ? <span className="muted small">{hint}</span> : null}
    </Link>
  );
}

export default function Queue({ loaderData }: Route.ComponentProps) {
  const { stats, cap, at } = loaderData;
  return (
    <div className="page">
      <header className="page-header">
        <div>
          <h1>Queue</h1>
          <p className="muted">
            This workspace's actions waiting and running, and how the others ended. Counts stop at {formatCount({ count: cap, capped: false })}{" "}
            (shown as {formatCount({ count: cap, capped: true })}). Refreshes by itself; last read <LocalTime value={at} style="time" />.
          </p>
        </div>
      </header>

      <section aria-labelledby="in-flight-heading" className="stack">
        <h2 id="in-flight-heading">Waiting and running</h2>
        <div className="stat-grid">
          {inFlight.map(({ status, hint }) => (
            <StatusCount key={status} status={status} counted={stats.actions[status]} hint={hint} />
          ))}
        </div>
      </section>

      <section aria-labelledby="finished-heading" className="stack">
        <h2 id="finished-heading">Finished</h2>
        <div className="stat-grid">
          {finished.map((status) => (
            <StatusCount key={status} status={status} counted={stats.actions[status]} />
          ))}
        </div>
      </section>

      <section aria-labelledby="failures-heading" className="stack">
        <h2 id="failures-heading">Recent failures</h2>
        {stats.recentFailures.length === 0 ? (
          <p className="muted">No failed actions.</p>
        ) : (
          <div className="table-wrap">
            <table className="table">
              <thead>
                <tr>
                  <th scope="col">#</th>
                  <th scope="col">Type</th>
                  <th scope="col">Error</th>
                  <th scope="col">When (UTC)</th>
                </tr>
              </thead>
              <tbody>
                {stats.recentFailures.map((failure) => (
                  <tr key={failure.id}>
                    <td className="num">
                      <Link to={`/actions/${failure.id}`}>#{failure.id}</Link>
                    </td>
                    <td>{humanLabel(failure.actionType)}</td>
                    <td className="timeline-error">{failure.errorMessage ?? "unknown error"}</td>
                    <td className="nowrap">
                      <LocalTime value={failure.updatedAt} style="short" />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
    </div>
  );
}
