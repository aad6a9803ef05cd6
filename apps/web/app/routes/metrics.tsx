import { useLocation, type ShouldRevalidateFunctionArgs } from "react-router";

import { actionTypeNames, summarizeMetrics } from "@leash/core";

import { LocalTime } from "../components/local-time.tsx";
import { MetricCharts } from "../components/metric-charts.tsx";
import { MetricFilters } from "../components/metric-filters.tsx";
import { MetricHeadline } from "../components/metric-headline.tsx";
import { formatDuration, formatRate } from "../lib/metric-format.ts";
import { consoleTitle } from "../lib/console-title.ts";
import { requireUser } from "../server/auth.server.ts";
import { loadOrFail } from "../server/core-errors.server.ts";
import { getDeps } from "../server/deps.server.ts";
import type { Route } from "./+types/metrics";

export function meta({ matches }: Route.MetaArgs) {
  return [{ title: consoleTitle("Metrics", matches) }];
}

/** An empty filter is no filter; anything else is core's to accept or refuse (400). */
const param = (params: URLSearchParams, name: string) => params.get(name) || undefined;

export async function loader({ request }: Route.LoaderArgs) {
  const { actor } = await requireUser(request);
  const params = new URL(request.url).searchParams;
  const input = { window: param(params, "window") ?? "week", actionType: param(params, "actionType"), apiKeyId: param(params, "apiKeyId") };
  const summary = await loadOrFail(() => summarizeMetrics(getDeps(), { actor, input: input as Parameters<typeof summarizeMetrics>[1]["input"] }));
  return { summary, actionTypes: actionTypeNames() };
}

/** Figures over days do not move by the second: only a new window or filter reads them again, not the console's live refresh. */
export function shouldRevalidate({ currentUrl, nextUrl, formMethod, defaultShouldRevalidate }: ShouldRevalidateFunctionArgs) {
  return formMethod !== undefined || currentUrl.href !== nextUrl.href ? defaultShouldRevalidate : false;
}

const windowWords = { day: "day", week: "week", month: "month" } as const;

export default function Metrics({ loaderData }: Route.ComponentProps) {
  const { summary, actionTypes } = loaderData;
  const { totals } = summary;
  const location = useLocation();
  return (
    <div className="page">
      <header className="page-header">
        <div>
          <h1>Metrics</h1>
          <p className="muted">
            Actions proposed from <LocalTime value={summary.from} /> to <LocalTime value={summary.to} />, and what
            became of them, against the targets Leash is held to. Undo actions count as the rollbacks of what they undid.
          </p>
        </div>
      </header>
      <MetricFilters summary={summary} actionTypes={actionTypes} search={location.search} />
      <MetricHeadline lines={summary.headline} windowLabel={windowWords[summary.window]} />
      <section aria-labelledby="more-heading" className="stack">
        <h2 id="more-heading">Decisions and volume</h2>
        <dl className="metric-facts" data-testid="metric-facts">
          <div>
            <dt>Proposed</dt>
            <dd>{totals.proposed}</dd>
          </div>
          <div>
            <dt>Executed / failed</dt>
            <dd>
              {totals.executed} / {totals.failed}
            </dd>
          </div>
          <div>
            <dt>Auto-approved</dt>
            <dd>{formatRate(totals.autoApprovedShare)} of decisions</dd>
          </div>
          <div>
            <dt>Expired</dt>
            <dd>{formatRate(totals.expiredShare)} of decisions</dd>
          </div>
          <div>
            <dt>Time to a person's decision</dt>
            <dd>
              p50 {formatDuration(totals.decisionMs.p50)}, p95 {formatDuration(totals.decisionMs.p95)}
            </dd>
          </div>
          <div>
            <dt>Execution time</dt>
            <dd>
              p50 {formatDuration(totals.executionMs.p50)}, p95 {formatDuration(totals.executionMs.p95)}
            </dd>
          </div>
        </dl>
      </section>
      <MetricCharts summary={summary} />
      <p className="muted small">
        Success rate: executed ÷ (executed + failed). Execution time: from the approval (when the action is queued) to executed. Approval rate: approved (by people, automatically or
        when time ran out) ÷ decided. Rollback rate: executed actions later rolled back ÷ executed. Percentiles are within 2.5%. Times in UTC.
      </p>
    </div>
  );
}
