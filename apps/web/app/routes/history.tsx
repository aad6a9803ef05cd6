import { useEffect, useState } from "react";
import { Form, Link, useFetcher, useLocation } from "react-router";

import { actionTypeNames, listActions, loadItemFacts, presentAction, targetTypeSchema, type ActionView } from "@leash/core";

import { LocalTime } from "../components/local-time.tsx";
import { DownloadIcon } from "../components/icons.tsx";
import { StatusBadge } from "../components/status-badge.tsx";
import { capitalize, humanLabel } from "../lib/format.ts";
import { consoleTitle } from "../lib/console-title.ts";
import { requireUser } from "../server/auth.server.ts";
import { loadOrFail } from "../server/core-errors.server.ts";
import { getDeps } from "../server/deps.server.ts";
import { historyFilters, historyParams } from "../server/history-filters.server.ts";
import type { Route } from "./+types/history";

export function meta({ matches }: Route.MetaArgs) {
  return [{ title: consoleTitle("History", matches) }];
}

const statuses = ["pending", "approved", "executing", "executed", "rejected", "failed", "cancelled"] as const;

interface HistoryRow {
  action: ActionView;
  headline: string;
  target: string | null;
}

export async function loader({ request }: Route.LoaderArgs) {
  const { actor } = await requireUser(request);
  const url = new URL(request.url);
  const filters = historyFilters(url.searchParams);
  const deps = getDeps();
  const page = await loadOrFail(() => listActions(deps, { actor, input: filters }));
  const facts = await loadItemFacts(deps.db, actor.tenantId, page.items);
  const rows: HistoryRow[] = page.items.map((action) => {
    const presentation = presentAction(action, facts);
    return {
      action,
      headline: presentation.headline,
      target: presentation.target ? (presentation.target.title ?? (action.targetId !== null ? `${presentation.target.kind} #${action.targetId}` : `new ${presentation.target.kind}`)) : null,
    };
  });
  return {
    rows,
    nextCursor: page.nextCursor,
    cursor: filters.cursor ?? null,
    values: Object.fromEntries(historyParams.map((name) => [name, url.searchParams.get(name) ?? ""])),
    options: { actionTypes: actionTypeNames(), targetTypes: targetTypeSchema.options, statuses },
  };
}

/** The URL's filters without the cursor, for links that keep the filters (export, load more, first page). */
function filterQuery(search: string): URLSearchParams {
  const params = new URLSearchParams(search);
  params.delete("cursor");
  for (const [name, value] of [...params.entries()]) if (!value) params.delete(name);
  return params;
}

export default function History({ loaderData }: Route.ComponentProps) {
  const { rows, nextCursor, cursor, values, options } = loaderData;
  const location = useLocation();
  const filters = filterQuery(location.search);
  const filtered = [...filters.keys()].length > 0;
  const more = useFetcher<typeof loader>();
  const [older, setOlder] = useState<{ search: string; rows: HistoryRow[]; nextCursor: number | null }>({ search: location.search, rows: [], nextCursor: null });

  useEffect(() => {
    if (!more.data) return;
    const page = more.data;
    setOlder((current) => ({
      search: location.search,
      rows: [...(current.search === location.search ? current.rows : []), ...page.rows],
      nextCursor: page.nextCursor,
    }));
  }, [more.data, location.search]);

  const appended = older.search === location.search ? older.rows : [];
  const allRows = [...rows, ...appended.filter((row) => !rows.some((shown) => shown.action.id === row.action.id))];
  const next = appended.length > 0 ? older.nextCursor : nextCursor;
  const withCursor = (value: number) => {
    const params = new URLSearchParams(filters);
    params.set("cursor", String(value));
    return `?${params.toString()}`;
  };
  const exportHref = (format: "csv" | "json") => {
    const params = new URLSearchParams(filters);
    params.set("format", format);
    return `/history/export?${params.toString()}`;
  };

  return (
    <div className="page page-wide">
      <header className="page-header">
        <div>
          <h1>History</h1>
          <p className="muted">Every action of the workspace, newest first. Filters are kept in the address, so a view can be shared.</p>
        </div>
        <div className="page-actions">
          <a className="button" href={exportHref("csv")} download>
            <DownloadIcon />
            Export CSV
          </a>
          <a className="button" href={exportHref("json")} download>
            <DownloadIcon />
            Export JSON
          </a>
        </div>
      </header>

      <Form method="get" className="filters" aria-label="Filter the history">
        <SelectFilter id="filter-type" name="type" label="Action type" anyLabel="Any type" value={values.type} choices={options.actionTypes} />
        <SelectFilter id="filter-status" name="status" label="Status" anyLabel="Any status" value={values.status} choices={options.statuses} />
        <SelectFilter id="filter-target" name="target" label="Target type" anyLabel="Any target" value={values.target} choices={options.targetTypes} />
        <div className="field">
          <label htmlFor="filter-actor">Actor</label>
          <input id="filter-actor" name="actor" type="search" placeholder="Proposer or approver" defaultValue={values.actor} />
        </div>
        <div className="field">
          <label htmlFor="filter-from">From</label>
          <input id="filter-from" name="from" type="date" defaultValue={values.from} />
        </div>
        <div className="field">
          <label htmlFor="filter-to">To</label>
          <input id="filter-to" name="to" type="date" defaultValue={values.to} />
        </div>
        <div className="filter-actions">
          <button type="submit" className="button button-primary">
            Apply filters
          </button>
          {filtered ? (
            <Link to="/history" className="button button-ghost">
              Clear
            </Link>
          ) : null}
        </div>
      </Form>

      {cursor !== null ? (
        <p className="notice notice-info">
          Showing actions older than #{cursor}. <Link to={`?${filters.toString()}`}>Back to the newest</Link>
        </p>
      ) : null}

      <div className="table-wrap">
        <table className="table" aria-describedby="history-count">
          <thead>
            <tr>
              <th scope="col">#</th>
              <th scope="col">When (UTC)</th>
              <th scope="col">Action</th>
              <th scope="col">Target</th>
              <th scope="col">Status</th>
              <th scope="col">Proposed by</th>
              <th scope="col">Decided by</th>
            </tr>
          </thead>
          <tbody>
            {allRows.length === 0 ? (
              <tr>
                <td colSpan={7} className="muted">
                  {filtered ? "No action matches these filters." : "No actions yet. What agents propose appears here."}
                </td>
              </tr>
            ) : (
              allRows.map(({ action, headline, target }) => (
                <tr key={action.id} data-action-id={action.id}>
                  <td className="num">
                    <Link to={`/actions/${action.id}`} aria-label={`Action #${action.id}: ${headline}`}>
                      #{action.id}
                    </Link>
                  </td>
                  <td className="nowrap">
                    <LocalTime value={action.createdAt} style="short" />
                  </td>
                  <td className="truncate truncate-wide" title={capitalize(headline)}>
                    {action.rollbackOfId !== null ? <span className="badge badge-rolled-back">undo</span> : <span className="badge badge-neutral">{humanLabel(action.actionType)}</span>} {capitalize(headline)}
                  </td>
                  <td className="truncate">
                    {target && action.targetId !== null ? <Link to={`/items/${action.targetId}`}>{target}</Link> : (target ?? <span className="muted">—</span>)}
                  </td>
                  <td>
                    <StatusBadge status={action.status} rolledBack={action.rolledBackAt !== null} />
                  </td>
                  <td className="truncate">{action.proposedBy.label}</td>
                  <td className="truncate">{action.decidedBy ?? <span className="muted">—</span>}</td>
                </tr>
              ))
            )}
          </tbody>
        </table>
        <div className="table-footer">
          <span id="history-count" aria-live="polite">
            {allRows.length === 1 ? "1 action shown" : `${allRows.length} actions shown`}
            {filtered ? " (filtered)" : ""}
          </span>
          {next !== null ? (
            <Link
              to={withCursor(next)}
              className="button button-small"
              onClick={(event) => {
                event.preventDefault();
                void more.load(`/history${withCursor(next)}`);
              }}
              aria-disabled={more.state !== "idle"}
            >
              {more.state === "idle" ? "Load more" : "Loading…"}
            </Link>
          ) : (
            <span className="muted">That is everything.</span>
          )}
        </div>
      </div>
    </div>
  );
}

/** One filter of the history: a labelled select whose empty choice means "any". */
function SelectFilter(props: { id: string; name: string; label: string; anyLabel: string; value: string | undefined; choices: readonly string[] }) {
  return (
    <div className="field">
      <label htmlFor={props.id}>{props.label}</label>
      <select id={props.id} name={props.name} defaultValue={props.value}>
        <option value="">{props.anyLabel}</option>
        {props.choices.map((choice) => (
          <option key={choice} value={choice}>
            {humanLabel(choice)}
          </option>
        ))}
      </select>
    </div>
  );
}
