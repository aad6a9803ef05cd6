/**
 * Durations kept as a histogram whose bins grow by 5%, so that a day's thousands of execution times
 * fit in a few dozen numbers, add up across hours, days, action types and agents, and still give each
 * percentile within 2.5% of the exact value (the middle of a bin is at most that far from its ends).
 * Count and sum are exact, so the mean is too.
 */
export const BIN_GROWTH = 1.05;

/**
 * `counts[i]` durations fell in bin `first + i`: only the bins from the lowest to the highest one used
 * are kept, as plain numbers, which is also how a summary stores them (a month's read merges
 * thousands of these; arrays of numbers cost the least to parse and add up).
 */
export type DurationStats = {
  count: number;
  sumMs: number;
  first: number;
  counts: number[];
};

export const emptyDurations = (): DurationStats => ({ count: 0, sumMs: 0, first: 0, counts: [] });

const LOG_GROWTH = Math.log(BIN_GROWTH);

/** Bin 0 holds everything under a millisecond; bin n >= 1 holds [1.05^(n-1), 1.05^n) ms. */
export function binOf(ms: number): number {
  return ms < 1 ? 0 : Math.floor(Math.log(ms) / LOG_GROWTH) + 1;
}

/** The value a bin stands for: its geometric middle (zero for bin 0, "under a millisecond"). */
export function binValue(bin: number): number {
  return bin === 0 ? 0 : BIN_GROWTH ** (bin - 0.5);
}

/** Adds `count` durations of bin `bin`, widening the kept range as needed. */
function addToBin(stats: DurationStats, bin: number, count: number): void {
  if (stats.counts.length === 0) {
    stats.first = bin;
    stats.counts.push(count);
    return;
  }
  if (bin < stats.first) {
    stats.counts.unshift(...new Array<number>(stats.first - bin).fill(0));
    stats.first = bin;
  }
  const index = bin - stats.first;
  while (stats.counts.length <= index) stats.counts.push(0);
  stats.counts[index] = (stats.counts[index] ?? 0) + count;
}

/** Adds one duration; a negative one (clocks of two machines) counts as zero. */
export function addDuration(stats: DurationStats, ms: number): void {
  const value = Math.max(0, ms);
  stats.count += 1;
  stats.sumMs += value;
  addToBin(stats, binOf(value), 1);
}

export function durationsOf(values: readonly number[]): DurationStats {
  const stats = emptyDurations();
  for (const value of values) addDuration(stats, value);
  return stats;
}

export function mergeDurations(into: DurationStats, from: DurationStats): void {
  into.count += from.count;
  into.sumMs += from.sumMs;
  const last = from.counts.length - 1;
  if (last < 0) return;
  // Widen once to both ends, then add bin by bin.
  addToBin(into, from.first, 0);
  addToBin(into, from.first + last, 0);
  const offset = from.first - into.first;
  for (let index = 0; index <= last; index += 1) into.counts[offset + index] = (into.counts[offset + index] ?? 0) + (from.counts[index] ?? 0);
}

/** The nearest-rank percentile (`fraction` in (0, 1]) in whole milliseconds; null without durations. */
export function durationPercentile(stats: DurationStats, fraction: number): number | null {
  if (stats.count === 0) return null;
  const rank = Math.min(stats.count, Math.max(1, Math.ceil(fraction * stats.count)));
  let seen = 0;
  for (const [index, count] of stats.counts.entries()) {
    seen += count;
    if (seen >= rank) return Math.round(binValue(stats.first + index));
  }
  return null;
}

export function meanDuration(stats: DurationStats): number | null {
  return stats.count === 0 ? null : Math.round(stats.sumMs / stats.count);
}
