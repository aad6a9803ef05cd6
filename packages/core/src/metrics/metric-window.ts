import type { MetricWindow } from "./metric-inputs.ts";

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

export const periodMs = { hour: HOUR_MS, day: DAY_MS } as const;

export interface MetricWindowRange {
  /** Start of the first bucket (inclusive). */
  from: Date;
  /** The time of the answer (exclusive). */
  to: Date;
  /** Start of the window before, as long as this one's full buckets; it ends at `from`. */
  previousFrom: Date;
  bucket: "hour" | "day";
  /** Start of each bucket, oldest first; the last one is still going. */
  bucketStarts: Date[];
}

/** The start of the UTC hour or day `at` falls in. */
export const startOf = (period: "hour" | "day", at: Date | number): Date => {
  const size = periodMs[period];
  return new Date(Math.floor(new Date(at).getTime() / size) * size);
};

const shapes: Record<MetricWindow, { bucket: "hour" | "day"; size: number; count: number }> = {
  day: { bucket: "hour", size: HOUR_MS, count: 24 },
  week: { bucket: "day", size: DAY_MS, count: 7 },
  month: { bucket: "day", size: DAY_MS, count: 30 },
};

/**
 * The buckets of a window ending now: the last 24 hours by hour, or the last 7 or 30 UTC days by
 * day, the current hour or day (so far) being the last bucket.
 */
export function metricWindowRange(window: MetricWindow, now: Date): MetricWindowRange {
  const shape = shapes[window];
  const current = startOf(shape.bucket, now);
  const from = new Date(current.getTime() - (shape.count - 1) * shape.size);
  return {
    from,
    to: now,
    previousFrom: new Date(from.getTime() - shape.count * shape.size),
    bucket: shape.bucket,
    bucketStarts: Array.from({ length: shape.count }, (_, index) => new Date(from.getTime() + index * shape.size)),
  };
}
