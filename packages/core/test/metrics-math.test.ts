import { describe, expect, it } from "vitest";

import { describeFacts, emptyFacts, mergeFacts, ratio } from "../src/metrics/action-facts.ts";
import { BIN_GROWTH, binOf, binValue, durationPercentile, durationsOf, meanDuration, mergeDurations } from "../src/metrics/duration-histogram.ts";
import { change, headline, targetStatus } from "../src/metrics/metric-targets.ts";
import { metricWindowRange } from "../src/metrics/metric-window.ts";

/** The exact nearest-rank percentile, to hold the histogram's against. */
function exactPercentile(values: number[], fraction: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length, Math.max(1, Math.ceil(fraction * sorted.length))) - 1] ?? Number.NaN;
}

describe("duration histogram", () => {
  it("puts each duration in the bin whose bounds hold it", () => {
    for (const ms of [0, 0.4, 1, 1.04, 1.06, 17, 999, 1_000, 4_321.5, 86_400_000]) {
      const bin = binOf(ms);
      if (ms < 1) {
        expect(bin).toBe(0);
        continue;
      }
      expect(ms).toBeGreaterThanOrEqual(BIN_GROWTH ** (bin - 1) * (1 - 1e-12));
      expect(ms).toBeLessThan(BIN_GROWTH ** bin * (1 + 1e-12));
    }
  });

  it("reads percentiles within 2.5% of the exact ones, and the exact mean", () => {
    const values = Array.from({ length: 5_000 }, (_, index) => 20 + ((index * 7919) % 1000) ** 2 / 125);
    const stats = durationsOf(values);
    for (const fraction of [0.5, 0.95, 0.99]) {
      const exact = exactPercentile(values, fraction);
      const read = durationPercentile(stats, fraction) ?? Number.NaN;
      expect(Math.abs(read - exact) / exact).toBeLessThanOrEqual(0.026);
    }
    expect(meanDuration(stats)).toBe(Math.round(values.reduce((sum, value) => sum + value, 0) / values.length));
  });

  it("adds up: the merge of two halves is the histogram of the whole", () => {
    const values = [3, 50, 50, 700, 12_000, 0.2, 999];
    const whole = durationsOf(values);
    const merged = durationsOf(values.slice(0, 3));
    mergeDurations(merged, durationsOf(values.slice(3)));
    expect(merged).toEqual(whole);
  });

  it("has no percentile or mean without durations, and counts a negative one as zero", () => {
    expect(durationPercentile(durationsOf([]), 0.5)).toBeNull();
    expect(meanDuration(durationsOf([]))).toBeNull();
    const negative = durationsOf([-40]);
    expect(negative.sumMs).toBe(0);
    expect(durationPercentile(negative, 0.95)).toBe(Math.round(binValue(0)));
  });
});

describe("rates and figures", () => {
  it("never divides by zero: no data is null, not NaN", () => {
    expect(ratio(0, 0)).toBeNull();
    expect(ratio(3, 4)).toBe(0.75);
    const set = describeFacts(emptyFacts());
    expect(set).toMatchObject({ successRate: null, approvalRate: null, rollbackRate: null, autoApprovedShare: null, expiredShare: null });
    expect(set.executionMs).toEqual({ count: 0, mean: null, p50: null, p95: null });
    expect(JSON.stringify(set)).not.toContain("NaN");
  });

  it("computes each rate from its own counts", () => {
    const facts = { ...emptyFacts(), proposed: 40, executed: 19, failed: 1, approved: 30, rejected: 10, autoApproved: 20, expired: 4, rolledBack: 2, execution: durationsOf([100, 200, 300]) };
    const set = describeFacts(facts);
    expect(set).toMatchObject({ decided: 40, successRate: 0.95, approvalRate: 0.75, rollbackRate: 2 / 19, autoApprovedShare: 0.5, expiredShare: 0.1 });
    expect(set.executionMs.mean).toBe(200);
    const twice = describeFacts(mergeFacts(mergeFacts(emptyFacts(), facts), facts));
    expect(twice).toMatchObject({ proposed: 80, successRate: 0.95, approvalRate: 0.75 });
  });
});

describe("targets and trend", () => {
  it("compares each seed metric in its own direction, strictly", () => {
    expect(targetStatus(0.96, { target: 0.95, direction: "above" })).toBe("met");
    expect(targetStatus(0.95, { target: 0.95, direction: "above" })).toBe("missed");
    expect(targetStatus(4_999, { target: 5_000, direction: "below" })).toBe("met");
    expect(targetStatus(0.05, { target: 0.05, direction: "below" })).toBe("missed");
    expect(targetStatus(null, { target: 0.8, direction: "above" })).toBe("no_data");
  });

  it("gives the change since the window before only when both have data", () => {
    expect(change(0.9, 0.8)).toBeCloseTo(0.1);
    expect(change(null, 0.8)).toBeNull();
    expect(change(0.9, null)).toBeNull();
    const now = describeFacts({ ...emptyFacts(), executed: 99, failed: 1, approved: 9, rejected: 1, rolledBack: 1, execution: durationsOf([1_000]) });
    const lines = headline(now, describeFacts(emptyFacts()));
    expect(lines.map((line) => [line.metric, line.status, line.change])).toEqual([
      ["successRate", "met", null],
      ["executionMeanMs", "met", null],
      ["approvalRate", "met", null],
      ["rollbackRate", "met", null],
    ]);
  });
});

describe("windows", () => {
  const now = new Date("2026-12-04T17:42:10.500Z");

  it("day: the last 24 hours by hour, the current hour last", () => {
    const range = metricWindowRange("day", now);
    expect(range.bucket).toBe("hour");
    expect(range.bucketStarts).toHaveLength(24);
    expect(range.bucketStarts.at(-1)?.toISOString()).toBe("2026-12-04T17:00:00.000Z");
    expect(range.from.toISOString()).toBe("2026-12-03T18:00:00.000Z");
    expect(range.previousFrom.toISOString()).toBe("2026-12-02T18:00:00.000Z");
    expect(range.to).toEqual(now);
  });

  it("week and month: UTC days, today last", () => {
    const week = metricWindowRange("week", now);
    expect(week.bucketStarts.map((start) => start.toISOString().slice(0, 10))).toEqual(["2026-11-28", "2026-11-29", "2026-11-30", "2026-12-01", "2026-12-02", "2026-12-03", "2026-12-04"]);
    expect(week.previousFrom.toISOString()).toBe("2026-11-21T00:00:00.000Z");
    const month = metricWindowRange("month", now);
    expect(month.bucketStarts).toHaveLength(30);
    expect(month.from.toISOString()).toBe("2026-11-05T00:00:00.000Z");
    expect(month.previousFrom.toISOString()).toBe("2026-10-06T00:00:00.000Z");
  });
});
