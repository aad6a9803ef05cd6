import type { Db, MetricsPeriod, Prisma } from "@leash/db";

import type { ActionFacts } from "./action-facts.ts";
import type { DurationStats } from "./duration-histogram.ts";
import { periodMs } from "./metric-window.ts";
import { readActionFacts, type FactsGroup } from "./read-action-facts.ts";

type StoredGroup = {
  actionType: string;
  apiKeyId: string | null;
  facts: Omit<ActionFacts, "rolledBack">;
};

const countNames = ["proposed", "executed", "failed", "approved", "autoApproved", "rejected", "expired"] as const;

const isCount = (value: unknown): value is number => typeof value === "number" && Number.isInteger(value) && value >= 0;
const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === "object" && value !== null && !Array.isArray(value);

function isDurations(value: unknown): value is DurationStats {
  return isRecord(value) && isCount(value.count) && typeof value.sumMs === "number" && isCount(value.first) && Array.isArray(value.counts) && value.counts.every(isCount);
}

function isStoredGroup(value: unknown): value is StoredGroup {
  if (!isRecord(value) || typeof value.actionType !== "string" || !(value.apiKeyId === null || typeof value.apiKeyId === "string")) return false;
  const facts = value.facts;
  return isRecord(facts) && countNames.every((name) => isCount(facts[name])) && isDurations(facts.execution) && isDurations(facts.decision);
}

/**
 * The stored summary as written by this module, checked by hand: a month's worth of histograms is
 * tens of thousands of bins, which zod took ten times longer to check than the rest of the read.
 */
function storedGroups(json: unknown): StoredGroup[] {
  if (!Array.isArray(json) || !json.every(isStoredGroup)) throw new Error("a stored metrics summary does not have the shape this code writes");
  return json;
}

function storedIds(json: unknown): number[] {
  if (!Array.isArray(json) || !json.every(isCount)) throw new Error("a stored metrics summary's open action ids are not ids");
  return json;
}

/** A group as a summary stores it: rollbacks are left out (a rollback may come after the summary; they are counted live). */
const toStored = (group: FactsGroup): StoredGroup => {
  const { rolledBack: _rolledBack, ...facts } = group.facts;
  return { actionType: group.actionType, apiKeyId: group.apiKeyId, facts };
};

const toGroup = (bucketStart: number, stored: StoredGroup): FactsGroup => ({
  bucketStart,
  actionType: stored.actionType,
  apiKeyId: stored.apiKeyId,
  facts: { ...stored.facts, rolledBack: 0 },
});

/**
 * The finished actions of the UTC hours or days in [from, to) by period, action type and API key,
 * and the ids of those that were still in flight when their period was summarised (the caller reads
 * those from their rows). Periods not summarised yet are summarised now in one pass over their
 * actions and stored; a reader storing the same period at the same moment changes nothing (the first
 * wins; both computed the same). Every action proposed before `to` must already be committed (see
 * SUMMARY_DELAY_MS in summarize-metrics.ts).
 */
export async function loadFinishedPeriods(
  db: Db,
  options: { tenantId: string; period: MetricsPeriod; from: Date; to: Date },
): Promise<{ groups: FactsGroup[]; openIds: number[]; written: number }> {
  const { tenantId, period, from, to } = options;
  const groups: FactsGroup[] = [];
  const openIds: number[] = [];
  if (to <= from) return { groups, openIds, written: 0 };
  const stored = await db.actionMetricsPeriod.findMany({
    where: { tenantId, period, start: { gte: from, lt: to } },
    select: { start: true, groups: true, openActionIds: true },
  });
  const have = new Set<number>();
  for (const row of stored) {
    have.add(row.start.getTime());
    for (const group of storedGroups(row.groups)) groups.push(toGroup(row.start.getTime(), group));
    openIds.push(...storedIds(row.openActionIds));
  }

  const size = periodMs[period];
  const missing: number[] = [];
  for (let start = from.getTime(); start < to.getTime(); start += size) if (!have.has(start)) missing.push(start);
  const first = missing[0];
  const last = missing.at(-1);
  if (first === undefined || last === undefined) return { groups, openIds, written: 0 };

  // One pass from the first missing period to the last: missing ones usually follow one another (a
  // first read, or the hour or day just over); stored ones in between are read again, not written.
  const fresh = (
    await readActionFacts(db, { tenantId, bucket: period, finishedOnly: true, range: { from: new Date(first), to: new Date(last + size) } })
  ).filter((group) => !have.has(group.bucketStart));
  const rows: Prisma.ActionMetricsPeriodCreateManyInput[] = missing.map((start) => {
    const ofPeriod = fresh.filter((group) => group.bucketStart === start);
    return { tenantId, period, start: new Date(start), groups: ofPeriod.map(toStored), openActionIds: ofPeriod.flatMap((group) => group.openIds) };
  });
  const { count } = await db.actionMetricsPeriod.createMany({ data: rows, skipDuplicates: true });
  for (const group of fresh) {
    groups.push(group);
    openIds.push(...group.openIds);
  }
  return { groups, openIds, written: count };
}
