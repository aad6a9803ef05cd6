/** What one call of a load run did: when it was meant to start, how long it took, what it returned. */
export interface CallSample<T> {
  /** Wall-clock time (ms) the call was scheduled for: latency counts from here, so a stalled generator is not hidden. */
  scheduledAt: number;
  latencyMs: number;
  value: T | null;
  error: string | null;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Wall-clock milliseconds with sub-millisecond resolution, comparable with timestamps Postgres stored. */
export const wallClock = (): number => performance.timeOrigin + performance.now();

/**
 * Open loop: starts calls at a fixed rate whatever the answers take, like independent agents do.
 * Bounded by count (rate x seconds); it ends early once `maxInFlight` calls are unanswered (the
 * system is hopelessly behind) or `shouldStop` says so, so it always stops by itself.
 */
export async function openLoop<T>(options: {
  ratePerSecond: number;
  durationMs: number;
  maxInFlight?: number;
  /** Checked before each call: true ends the run early (the system has fallen too far behind). */
  shouldStop?: (inFlight: number) => boolean;
  call: (index: number) => Promise<T>;
}): Promise<CallSample<T>[]> {
  const total = Math.round((options.ratePerSecond * options.durationMs) / 1000);
  const maxInFlight = options.maxInFlight ?? 512;
  const intervalMs = 1000 / options.ratePerSecond;
  const start = wallClock();
  const pending: Promise<CallSample<T>>[] = [];
  let inFlight = 0;
  for (let index = 0; index < total; index += 1) {
    const scheduledAt = start + index * intervalMs;
    const wait = scheduledAt - wallClock();
    if (wait > 1) await sleep(wait);
    if (inFlight >= maxInFlight || options.shouldStop?.(inFlight)) break;
    inFlight += 1;
    pending.push(
      timed(scheduledAt, () => options.call(index)).finally(() => {
        inFlight -= 1;
      }),
    );
  }
  return Promise.all(pending);
}

/** Closed loop: `agents` callers, each starting its next call as soon as the previous one answered. */
export async function closedLoop<T>(options: {
  agents: number;
  durationMs: number;
  /** Checked before each call: true ends the run before its duration (a count of samples reached). */
  stopWhen?: () => boolean;
  call: (index: number) => Promise<T>;
}): Promise<CallSample<T>[]> {
  const deadline = wallClock() + options.durationMs;
  const samples: CallSample<T>[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: options.agents }, async () => {
      while (wallClock() < deadline && !options.stopWhen?.()) {
        const index = next;
        next += 1;
        samples.push(await timed(wallClock(), () => options.call(index)));
      }
    }),
  );
  return samples;
}

async function timed<T>(scheduledAt: number, call: () => Promise<T>): Promise<CallSample<T>> {
  try {
    const value = await call();
    return { scheduledAt, latencyMs: wallClock() - scheduledAt, value, error: null };
  } catch (error) {
    return { scheduledAt, latencyMs: wallClock() - scheduledAt, value: null, error: error instanceof Error ? error.message : String(error) };
  }
}

export { sleep };
