import { Form, Link } from "react-router";

import type { MetricsSummary, MetricWindow } from "@leash/core";

import { humanLabel } from "../lib/format.ts";

const windows: { value: MetricWindow; label: string }[] = [
  { value: "day", label: "Last 24 hours" },
  { value: "week", label: "Last 7 days" },
  { value: "month", label: "Last 30 days" },
];

/** The window (links, so each is a URL) and the action type and agent filters (a GET form, so they are in the URL too). */
export function MetricFilters({ summary, actionTypes, search }: { summary: MetricsSummary; actionTypes: readonly string[]; search: string }) {
  const { filters } = summary;
  const withWindow = (window: MetricWindow) => {
    const params = new URLSearchParams(search);
    params.set("window", window);
    return `?${params.toString()}`;
  };
  const agents = summary.byAgent.filter((agent) => agent.apiKeyId !== null);
  return (
    <div className="metric-controls">
      <nav className="tabs" aria-label="Window">
        {windows.map((window) => (
          <Link key={window.value} to={withWindow(window.value)} className="tab" aria-current={summary.window === window.value ? "page" : undefined} data-testid={`window-${window.value}`}>
            {window.label}
          </Link>
        ))}
      </nav>
      <Form method="get" className="filters filters-compact metric-filters">
        <input type="hidden" name="window" value={summary.window} />
        <div className="field">
          <label htmlFor="metrics-type">Action type</label>
          <select id="metrics-type" name="actionType" defaultValue={filters.actionType ?? ""}>
            <option value="">All types</option>
            {actionTypes.map((type) => (
              <option key={type} value={type}>
                {humanLabel(type)}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="metrics-agent">Agent</label>
          <select id="metrics-agent" name="apiKeyId" defaultValue={filters.apiKeyId ?? ""}>
            <option value="">All agents and people</option>
            {filters.apiKeyId !== null && !agents.some((agent) => agent.apiKeyId === filters.apiKeyId) ? <option value={filters.apiKeyId}>{filters.agentName}</option> : null}
            {agents.map((agent) => (
              <option key={agent.apiKeyId} value={agent.apiKeyId ?? ""}>
                {agent.name}
              </option>
            ))}
          </select>
        </div>
        <div className="filter-actions">
          <button type="submit" className="button button-small">
            Apply
          </button>
        </div>
      </Form>
    </div>
  );
}
