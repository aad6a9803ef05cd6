import type { AgentAction, Db } from "@leash/db";

import type { Logger } from "../logger.ts";

/** What a waiter compares to notice a change: the status and the time of the last write. */
export function actionVersion(action: Pick<AgentAction, "status" | "updatedAt">): string {
  return `${action.status}@${action.updatedAt.toISOString()}`;
}

export interface ActionWatcher {
  /**
   * Resolves once the action's version differs from `seen` (or the action is gone), when `signal`
   * aborts, or when the watcher closes; the caller re-reads the action in every case. Answers
   * false once the watcher is closed: the caller answers with what it has instead of waiting again.
   */
  nextChange(options: { actionId: number; seen: string; signal: AbortSignal }): Promise<boolean>;
  /** Wakes every waiter and stops checking: for shutdown, so no request is held open. */
  close(): void;
}

export const DEFAULT_WATCH_INTERVAL_MS = 250;

interface Waiter {
  seen: string;
  wake: () => void;
}

/**
 * One watcher per process: every waiting request registers here, and while anyone waits a single
 * query on the primary key (`WHERE id IN (...)`) reads the version of every watched action each
 * `intervalMs`. The cost is one indexed query per interval per process whatever the number of
 * waiters, nothing is written, and it needs no coordination between API instances: a change made
 * by any process (a worker, the web console, another API) is seen by reading Postgres, the source
 * of truth. Chosen over Redis pub/sub (every writer would have to publish and a missed message
 * would still need this check as a fallback) and over Postgres NOTIFY (it serialises commits).
 */
export function createActionWatcher({ db, logger, intervalMs = DEFAULT_WATCH_INTERVAL_MS }: { db: Db; logger: Logger; intervalMs?: number }): ActionWatcher {
  const waiters = new Map<number, Set<Waiter>>();
  let timer: NodeJS.Timeout | null = null;
  // At most one query in flight: a slow database slows the checks down instead of piling them up.
  let checking = false;
  let closed = false;

  const remove = (actionId: number, waiter: Waiter) => {
    const set = waiters.get(actionId);
    set?.delete(waiter);
    if (set?.size === 0) waiters.delete(actionId);
  };

  async function check() {
    timer = null;
    checking = true;
    const ids = [...waiters.keys()];
    try {
      const rows = await db.agentAction.findMany({ where: { id: { in: ids } }, select: { id: true, status: true, updatedAt: true } });
      const versions = new Map(rows.map((row) => [row.id, actionVersion(row)]));
      for (const id of ids) {
        const version = versions.get(id);
        for (const waiter of waiters.get(id) ?? []) {
          if (version !== waiter.seen) waiter.wake();
        }
      }
    } catch (error) {
      // Waiters stay registered: the next check tries again, and each wait is bounded by its own signal.
      logger.warn({ err: error }, "checking watched actions failed");
    }
    checking = false;
    schedule();
  }

  function schedule() {
    if (timer !== null || checking || closed || waiters.size === 0) return;
    timer = setTimeout(() => void check(), intervalMs);
    // A watcher alone never keeps the process alive.
    timer.unref();
  }

  return {
    nextChange({ actionId, seen, signal }) {
      if (closed || signal.aborted) return Promise.resolve(!closed);
      return new Promise<boolean>((resolve) => {
        const waiter: Waiter = {
          seen,
          wake: () => {
            remove(actionId, waiter);
            signal.removeEventListener("abort", waiter.wake);
            resolve(!closed);
          },
        };
        signal.addEventListener("abort", waiter.wake, { once: true });
        const set = waiters.get(actionId) ?? new Set<Waiter>();
        set.add(waiter);
        waiters.set(actionId, set);
        schedule();
      });
    },
    close() {
      closed = true;
      if (timer !== null) clearTimeout(timer);
      timer = null;
      for (const set of [...waiters.values()]) for (const waiter of [...set]) waiter.wake();
    },
  };
}
