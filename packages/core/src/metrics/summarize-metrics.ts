import type { Db } from "@leash/db";

import type { Actor } from "../actor.ts";
import { assertCan } from "../authorization.ts";
import type { CoreDeps } from "../deps.ts";
import { CoreError } from "../errors.ts";
import { parseInput } from "../validation.ts";
import { describeFacts, emptyFacts, mergeFacts, sumFacts, type ActionFacts } from "./action-facts.ts";
import { loadFinishedPeriods } from "./load-finished-periods.ts";
import { metricsSummaryInputSchema, type MetricsSummary, type MetricsSummaryInput } from "./metric-inputs.ts";
import { headline } from "./metric-targets.ts";
import { metricWindowRange, startOf, type MetricWindowRange } from "./metric-window.ts";
import { readActionFacts, readRolledBack, type FactsGroup } from "./read-action-facts.ts";

/**
 * How long after a UTC hour or day ends before it is summarised and stored: an action is stamped with
 * the time its proposal began, by the clock of the server that took it, and commits a little later,
 * so a period is final only once such stragglers have landed (and if the servers' clocks agree to
 * within this). Until then it is read from the rows like the hour still going.
 */
const SUMMARY_DELAY_MS = 5 * 60_000;

/** What actions proposed without an API key (people in the console or Slack, the admin CLI) are grouped as. */
export const WITHOUT_KEY_NAME = "People (no API key)";

/**
 * The seed's success metrics and their neighbours over a window (day, week, month), with the
 * window before it for the trend, per hour or day, per action type and per agent, optionally for
 * one action type and one agent. Actions count in the window they were proposed in, with what
 * became of them since. Hours and days that are over are read from their stored summaries (written
 * on first need, see loadFinishedPeriods) and the rest from the actions, so a month of a busy tenant
 * costs a few dozen stored rows and the actions of the current hour.
 */
export async function summarizeMetrics(
  deps: Pick<CoreDeps, "db" | "clock">,
  { actor, input }: { actor: Actor; input: MetricsSummaryInput },
): Promise<MetricsSummary> {
  assertCan(actor, "action.read");
  const query = parseInput(metricsSummaryInputSchema, input, "metrics query");
  const agent = query.apiKeyId === undefined ? null : await findAgent(deps.db, actor.tenantId, query.apiKeyId);
  const range = metricWindowRange(query.window, deps.clock.now());
  const groups = await readWindow(deps.db, actor.tenantId, range);

  const ofType = (group: FactsGroup) => query.actionType === undefined || group.actionType === query.actionType;
  const ofAgent = (group: FactsGroup) => agent === null || group.apiKeyId === agent.id;
  const inWindow = groups.filter((group) => group.bucketStart >= range.from.getTime());
  const selected = inWindow.filter((group) => ofType(group) && ofAgent(group));
  const before = groups.filter((group) => group.bucketStart < range.from.getTime() && ofType(group) && ofAgent(group));

  const perBucket = sumBy(selected, (group) => group.bucketStart);
  const totals = describeFacts(sumFacts(perBucket.values()));
  const previous = describeFacts(sumFacts(before.map((group) => group.facts)));
  const byType = [...sumBy(inWindow.filter(ofAgent), (group) => group.actionType)].map(([actionType, facts]) => ({ actionType, ...describeFacts(facts) }));
  const byKey = [...sumBy(inWindow.filter(ofType), (group) => group.apiKeyId)];
  const names = await agentNames(deps.db, actor.tenantId, byKey.map(([apiKeyId]) => apiKeyId));
  const byAgent = byKey.map(([apiKeyId, facts]) => ({
    apiKeyId,
    ...(apiKeyId === null ? { name: WITHOUT_KEY_NAME, revoked: false } : (names.get(apiKeyId) ?? { name: "Deleted API key", revoked: true })),
    ...describeFacts(facts),
  }));

  return {
    window: query.window,
    from: range.from.toISOString(),
    to: range.to.toISOString(),
    previousFrom: range.previousFrom.toISOString(),
    bucket: range.bucket,
    filters: { actionType: query.actionType ?? null, apiKeyId: agent?.id ?? null, agentName: agent?.name ?? null },
    headline: headline(totals, previous),
    totals,
    previous,
    series: range.bucketStarts.map((start) => ({ start: start.toISOString(), ...describeFacts(perBucket.get(start.getTime()) ?? emptyFacts()) })),
    byActionType: byType.sort((a, b) => b.proposed - a.proposed || a.actionType.localeCompare(b.actionType)),
    byAgent: byAgent.sort((a, b) => b.proposed - a.proposed || a.name.localeCompare(b.name)),
  };
}

async function findAgent(db: Db, tenantId: string, apiKeyId: string) {
  const key = await db.apiKey.findFirst({ where: { id: apiKeyId, tenantId }, select: { id: true, name: true } });
  if (!key) throw new CoreError("NOT_FOUND", `No API key ${apiKeyId} in this workspace`);
  return key;
}

/** Hour summaries serve the day window (and today in the others); older ones are dropped as new ones come. */
const KEEP_HOURS_MS = 3 * 24 * 3_600_000;

const later = (a: Date, b: Date) => (a > b ? a : b);

/**
 * The groups of the window and of the one before it: the days that are over (week, month) from their
 * stored summaries, the hours after them from theirs, and the hour still going, the actions still in
 * flight and the rollbacks from the rows.
 */
async function readWindow(db: Db, tenantId: string, range: MetricWindowRange): Promise<FactsGroup[]> {
  const from = range.previousFrom;
  const settled = range.to.getTime() - SUMMARY_DELAY_MS;
  const daysEnd = range.bucket === "day" ? later(from, startOf("day", settled)) : from;
  const hoursEnd = later(daysEnd, startOf("hour", settled));
  const days = await loadFinishedPeriods(db, { tenantId, period: "day", from, to: daysEnd });
  const hours = await loadFinishedPeriods(db, { tenantId, period: "hour", from: daysEnd, to: hoursEnd });
  if (hours.written > 0) {
    await db.actionMetricsPeriod.deleteMany({ where: { tenantId, period: "hour", start: { lt: new Date(range.to.getTime() - KEEP_HOURS_MS) } } });
  }
  const [recent, stillOpen, rolledBack] = await Promise.all([
    readActionFacts(db, { tenantId, bucket: range.bucket, finishedOnly: false, range: { from: hoursEnd, to: range.to } }),
    readActionFacts(db, { tenantId, bucket: range.bucket, finishedOnly: false, actionIds: [...days.openIds, ...hours.openIds] }),
    readRolledBack(db, { tenantId, bucket: range.bucket, from, to: range.to }),
  ]);
  const inBucket = (group: FactsGroup): FactsGroup => ({ ...group, bucketStart: startOf(range.bucket, group.bucketStart).getTime() });
  return [...days.groups, ...hours.groups.map(inBucket), ...recent, ...stillOpen, ...rolledBack];
}

function sumBy<K>(groups: readonly FactsGroup[], keyOf: (group: FactsGroup) => K): Map<K, ActionFacts> {
  const sums = new Map<K, ActionFacts>();
  for (const group of groups) {
    const key = keyOf(group);
    sums.set(key, mergeFacts(sums.get(key) ?? emptyFacts(), group.facts));
  }
  return sums;
}

async function agentNames(db: Db, tenantId: string, ids: readonly (string | null)[]) {
  const keys = await db.apiKey.findMany({
    where: { tenantId, id: { in: ids.filter((id): id is string => id !== null) } },
    select: { id: true, name: true, revokedAt: true },
  });
  return new Map(keys.map((key) => [key.id, { name: key.name, revoked: key.revokedAt !== null }]));
}
