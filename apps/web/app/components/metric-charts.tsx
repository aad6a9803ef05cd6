import type { MetricsSummary } from "@leash/core";

import { formatBucket, formatDuration, formatRate, formatTick, NO_DATA } from "../lib/metric-format.ts";
import { useReaderClock } from "../lib/reader-clock.tsx";
import { MetricChart } from "./metric-chart.tsx";

const target = (value: number, length: number) => Array.from({ length }, () => value);
const count = (value: number | null) => (value === null ? NO_DATA : String(Math.round(value)));

/** The window's figures drawn: rates and execution times over time, volume, and success per action type and per agent. */
export function MetricCharts({ summary }: { summary: MetricsSummary }) {
  const { series } = summary;
  const clock = useReaderClock();
  const time = {
    kind: "time" as const,
    heading: summary.bucket === "hour" ? "From" : "From (UTC)",
    seconds: series.map((bucket) => Date.parse(bucket.start) / 1000),
    labels: series.map((bucket) => formatBucket(bucket.start, summary.bucket, clock)),
    tick: (seconds: number) => formatTick(seconds, summary.bucket, clock),
  };
  return (
    <div className="chart-grid">
      <MetricChart
        id="rates"
        title="Success and approval rate"
        x={time}
        range={[0, 1]}
        format={formatRate}
        series={[
          { label: "Success rate", color: "--chart-1", values: series.map((bucket) => bucket.successRate) },
          { label: "Approval rate", color: "--chart-2", values: series.map((bucket) => bucket.approvalRate) },
          { label: "Rollback rate", color: "--chart-3", values: series.map((bucket) => bucket.rollbackRate) },
          { label: "Success target (95%)", color: "--chart-target", dashed: true, values: target(0.95, series.length) },
        ]}
      />
      <MetricChart
        id="execution"
        title="Execution time, from approval to executed"
        x={time}
        format={formatDuration}
        series={[
          { label: "Mean", color: "--chart-1", values: series.map((bucket) => bucket.executionMs.mean) },
          { label: "p50", color: "--chart-2", values: series.map((bucket) => bucket.executionMs.p50) },
          { label: "p95", color: "--chart-3", values: series.map((bucket) => bucket.executionMs.p95) },
          { label: "Mean target (5 s)", color: "--chart-target", dashed: true, values: target(5_000, series.length) },
        ]}
      />
      <MetricChart
        id="volume"
        title="Actions proposed, executed and failed"
        x={time}
        format={count}
        whole
        series={[
          { label: "Proposed", color: "--chart-1", values: series.map((bucket) => bucket.proposed) },
          { label: "Executed", color: "--chart-2", values: series.map((bucket) => bucket.executed) },
          { label: "Failed", color: "--chart-4", values: series.map((bucket) => bucket.failed) },
        ]}
      />
      <MetricChart
        id="types"
        title="Success rate per action type"
        x={{ kind: "category", labels: summary.byActionType.map((entry) => entry.actionType) }}
        range={[0, 1]}
        format={formatRate}
        series={[
          { label: "Success rate", color: "--chart-1", values: summary.byActionType.map((entry) => entry.successRate) },
          { label: "Approval rate", color: "--chart-2", values: summary.byActionType.map((entry) => entry.approvalRate) },
        ]}
      />
      <MetricChart
        id="agents"
        title="Success rate per agent"
        x={{ kind: "category", labels: summary.byAgent.map((entry) => `${entry.name}${entry.revoked ? " (revoked)" : ""}`) }}
        range={[0, 1]}
        format={formatRate}
        series={[
          { label: "Success rate", color: "--chart-1", values: summary.byAgent.map((entry) => entry.successRate) },
          { label: "Approval rate", color: "--chart-2", values: summary.byAgent.map((entry) => entry.approvalRate) },
        ]}
      />
    </div>
  );
}
