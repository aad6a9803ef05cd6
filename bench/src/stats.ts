/** A distribution of samples: median (= p50), p99 and max, with the number of samples behind them. */
export interface Distribution {
  n: number;
  p50: number;
  p99: number;
  max: number;
  mean: number;
}

/** Nearest-rank percentile of sorted values. */
export function percentile(sorted: readonly number[], fraction: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(fraction * sorted.length) - 1));
  return sorted[rank] ?? Number.NaN;
}

export function distribution(values: readonly number[]): Distribution {
  const sorted = [...values].sort((a, b) => a - b);
  const sum = sorted.reduce((total, value) => total + value, 0);
  return {
    n: sorted.length,
    p50: percentile(sorted, 0.5),
    p99: percentile(sorted, 0.99),
    max: sorted.at(-1) ?? Number.NaN,
    mean: sorted.length ? sum / sorted.length : Number.NaN,
  };
}

/** Counts per whole second of `[fromMs, toMs)`: the per-second rates whose median a throughput figure reports. */
export function perSecondCounts(timesMs: readonly number[], fromMs: number, toMs: number): number[] {
  const seconds = Math.max(1, Math.floor((toMs - fromMs) / 1000));
  const counts = new Array<number>(seconds).fill(0);
  for (const time of timesMs) {
    const bucket = Math.floor((time - fromMs) / 1000);
    if (bucket >= 0 && bucket < seconds) counts[bucket] = (counts[bucket] ?? 0) + 1;
  }
  return counts;
}

export const round = (value: number, digits = 1): number => {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
};
