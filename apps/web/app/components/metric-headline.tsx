import type { Headline } from "@leash/core";

import { formatChange, formatDuration, formatRate } from "../lib/metric-format.ts";

const statusText: Record<Headline["status"], string> = { met: "Target met", missed: "Target missed", no_data: "No data yet" };

function figure(line: Headline, value: number | null): string {
  return line.metric === "executionMeanMs" ? formatDuration(value) : formatRate(value);
}

/** The seed's four success metrics, each against its target and the window before; status in words, not colour alone. */
export function MetricHeadline({ lines, windowLabel }: { lines: Headline[]; windowLabel: string }) {
  return (
    <ul className="metric-grid" aria-label="Success metrics against their targets">
      {lines.map((line) => (
        <li key={line.metric} className={`card metric-card metric-${line.status}`} data-testid={`headline-${line.metric}`}>
          <span className="stat-label">{line.label}</span>
          <span className="stat-value" data-testid={`headline-${line.metric}-value`}>
            {figure(line, line.value)}
          </span>
          <span className="metric-target">
            Target: {line.direction === "above" ? "above" : "under"} {figure(line, line.target)}
          </span>
          <span className={`badge metric-status metric-status-${line.status}`}>{statusText[line.status]}</span>
          <span className="muted small">
            {formatChange(line.change, line.metric === "executionMeanMs" ? "duration" : "rate")} since the {windowLabel} before
          </span>
        </li>
      ))}
    </ul>
  );
}
