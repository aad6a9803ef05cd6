import { Link } from "react-router";

import { queueStats } from "@leash/core";

import { StatusBadge } from "../components/status-badge.tsx";
import { formatDateTime, formatShortDateTime, formatTime } from "../lib/format.ts";
import { requireUser } from "../server/auth.server.ts";
import { loadOrFail } from "../server/core-errors.server.ts";
import { getDeps } from "../server/deps.server.ts";
import type { Route } from "./+types/queue";

export function meta() {
  return [{ title: "Queue · Leash console" }];
}

export async function loader({ request }: Route.LoaderArgs) {
  const { actor } = await requireUser(request);
  return { stats: await loadOrFail(() => queueStats(getDeps(), { actor })), at: new Date().toISOString() };
}

const jobStates = [
  { key: "waiting", label: "Waiting", hint: "queued, not started" },
  { key: "active", label: "Active", hint: "running now" },
  { key: "delayed", label: "Delayed", hint: "retrying later, or waiting for an earlier action" },
  { key: "completed", label: "Completed", hint: "kept for a while" },
  { key: "failed", label: "Failed", hint: "gave up" },
] as const;

const statuses = ["pending", "approved", "executing", "executed", "failed", "rejected", "cancelled"] as const;

export default function Queue({ loaderData }: Route.ComponentProps) {
  const { stats, at } = loaderData;
  const jobs = stats.jobs;
  const largest = jobs ? Math.max(1, ...jobStates.map((state) => jobs[state.key])) : 1;
  return (
    <div className="page">
      <header className="page-header">
        <div>
          <h1>Queue</h1>
          <p className="muted">
            The execution queue shared by the workers, and this workspace's actions by status. Refreshes by itself; last read{" "}
            <time dateTime={at}>{formatTime(at)}</time>.
          </p>
        </div>
      </header>

      <section aria-labelledby="jobs-heading" className="stack">
        <h2 id="jobs-heading">Execution jobs</h2>
        {jobs ? (
          <div className="stat-grid">
            {jobStates.map((state) => (
              <div key={state.key} className="card stat" data-testid={`jobs-${state.key}`}>
                <span className="stat-label">{state.label}</span>
                <span className="stat-value">{jobs[state.key]}</span>
                <div className={`meter meter-${state.key}`} aria-hidden="true">
                  <span style={{ width: `${Math.round((jobs[state.key] / largest) * 100)}%` }} />
                </div>
                <span className="muted small">{state.hint}</span>
              </div>
            ))}
          </div>
        ) : (
          <p className="notice notice-error">The queue (Redis) cannot be reached right now, so job counts are unknown. Approved actions are safe in the database and are queued again once it is back.</p>
        )}
      </section>

      <section aria-labelledby="statuses-heading" className="stack">
        <h2 id="statuses-heading">Actions by status</h2>
        <div className="stat-grid">
          {statuses.map((status) => (
            <Link key={status} to={`/history?status=${status}`} className="card stat stat-link" data-testid={`actions-${status}`}>
              <StatusBadge status={status} />
              <span className="stat-value">{stats.actions[status]}</span>
            </Link>
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
                    <td>{failure.actionType}</td>
                    <td className="timeline-error">{failure.errorMessage ?? "unknown error"}</td>
                    <td className="nowrap">
                      <time dateTime={failure.updatedAt} title={formatDateTime(failure.updatedAt)}>
                        {formatShortDateTime(failure.updatedAt)}
                      </time>
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
