import pg from "pg";

import { sleep, wallClock } from "./load.ts";
import { distribution, type Distribution } from "./stats.ts";

/** How an action ended, and when the harness first saw it so. */
export interface Ended {
  status: string;
  /** Wall-clock ms at which the first poll that returned the action as ended was sent. */
  seenAt: number;
  /** How late `seenAt` can be: the time since the poll before, which did not return it. */
  lateByAtMostMs: number;
}

/**
 * When each action ended, as the harness sees it: one connection of its own polls the pipeline's
 * table for every action it was told about, the same way for Leash and the raw baseline. Neither
 * pipeline's own timestamps are used, because they are taken at different points (Leash stamps
 * `executed_at` before its handler runs, the baseline after its update) and inside the transaction:
 * a poll sees a row only once its commit is visible, which is the moment that matters to a client.
 *
 * An action counts as ended at the send time of the first poll that returned it: its commit lies
 * between the previous poll's send and that one's, so it is late by at most one poll period, which
 * every result reports beside the figures (`lateByAtMostMs`).
 */
export interface ExecutionWatch<K extends number | string = number> {
  /** Starts watching actions that may now end (proposed auto-approved, approved, enqueued). */
  add(ids: readonly K[]): void;
  /** How each action of `ids` ended, waiting at most `timeoutMs` for those still running; missing ones had not ended. */
  settled(ids: readonly K[], timeoutMs?: number): Promise<Map<K, Ended>>;
  /** Resolves once `id` (already added) ended; rejects after `timeoutMs`. */
  ended(id: K, timeoutMs?: number): Promise<Ended>;
  close(): Promise<void>;
}

/**
 * Polls are spaced by a period that grows with the actions watched, so a backlog of thousands
 * (a burst) does not make the watch itself a load on PostgreSQL: 1 ms for up to 20 actions, 1 ms
 * more per 20 watched, at most 200 ms.
 */
const pollGapMs = (watched: number) => Math.min(200, Math.max(1, watched / 20));

/**
 * `endedSql` takes the watched keys as `$1` (action ids, or another column that names an action
 * before its id is known, with `extraParams` after them) and answers `key` and `status` of those
 * that ended for good (executed, failed, cancelled, rejected).
 */
export async function startExecutionWatch<K extends number | string = number>(
  connectionString: string,
  endedSql: string,
  extraParams: readonly unknown[] = [],
): Promise<ExecutionWatch<K>> {
  const client = new pg.Client({ connectionString });
  await client.connect();
  const watched = new Set<K>();
  const seen = new Map<K, Ended>();
  const waiters = new Map<K, ((ended: Ended) => void)[]>();
  const stopping = new AbortController();
  let wake: (() => void) | null = null;
  let failure: Error | null = null;

  const loop = (async () => {
    let previousSentAt = wallClock();
    while (!stopping.signal.aborted) {
      if (watched.size === 0) {
        await new Promise<void>((resolve) => {
          wake = resolve;
        });
        previousSentAt = wallClock();
        continue;
      }
      const sentAt = wallClock();
      const { rows } = await client.query<{ key: K; status: string }>(endedSql, [
        [...watched],
        ...extraParams,
      ]);
      for (const row of rows) {
        if (!watched.has(row.key)) continue;
        const ended = { status: row.status, seenAt: sentAt, lateByAtMostMs: sentAt - previousSentAt };
        watched.delete(row.key);
        seen.set(row.key, ended);
        for (const resolve of waiters.get(row.key) ?? []) resolve(ended);
        waiters.delete(row.key);
      }
      previousSentAt = sentAt;
      await sleep(pollGapMs(watched.size));
    }
  })().catch((error: unknown) => {
    failure = error instanceof Error ? error : new Error(String(error));
  });

  const ended = (id: K, timeoutMs = 60_000) =>
    new Promise<Ended>((resolve, reject) => {
      if (failure) {
        reject(failure);
        return;
      }
      const known = seen.get(id);
      if (known) {
        resolve(known);
        return;
      }
      const timer = setTimeout(
        () => reject(new Error(`action ${id} had not ended after ${timeoutMs} ms`)),
        timeoutMs,
      );
      const list = waiters.get(id) ?? [];
      list.push((value) => {
        clearTimeout(timer);
        resolve(value);
      });
      waiters.set(id, list);
    });

  return {
    add(ids) {
      for (const id of ids) if (!seen.has(id)) watched.add(id);
      wake?.();
      wake = null;
    },
    async settled(ids, timeoutMs = 180_000) {
      const deadline = wallClock() + timeoutMs;
      while (ids.some((id) => !seen.has(id)) && wallClock() < deadline && !failure) await sleep(20);
      if (failure) throw failure;
      return new Map(
        ids.flatMap((id) => {
          const found = seen.get(id);
          return found ? [[id, found] as const] : [];
        }),
      );
    },
    ended,
    async close() {
      stopping.abort();
      wake?.();
      await loop;
      await client.end();
    },
  };
}

/** How late the observations of `ended` can be, as a distribution. */
export function lateness(ended: Iterable<Ended>): Distribution {
  return distribution([...ended].map((one) => one.lateByAtMostMs));
}

/** The execution times (ms) of the executed actions among `settled`. */
export function executedTimes<K>(settled: ReadonlyMap<K, Ended>): Map<K, number> {
  return new Map(
    [...settled].flatMap(([id, ended]) => (ended.status === "executed" ? [[id, ended.seenAt] as const] : [])),
  );
}
