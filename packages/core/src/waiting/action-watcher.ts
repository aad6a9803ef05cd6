import type { AgentAction, Db } from "@leash/db";

import type { Logger } from "../logger.ts";
import { listenOnChannels, type ChannelSubscriber } from "../redis/listen-on-channels.ts";
import { actionChangedChannel, actionStartedChannel, DEFAULT_QUEUE_PREFIX, type ActionNews } from "../queue/queue-definitions.ts";

/** What a waiter compares to notice a change: the status and the time of the last write. */
export function actionVersion(action: Pick<AgentAction, "status" | "updatedAt">): string {
  return `${action.status}@${action.updatedAt.toISOString()}`;
}

export interface ActionWatcher {
  /**
   * A mark to take just before reading the action a wait then passes to `nextChange` as `since`: a
   * change announced while that read was under way wakes the wait at once, where it would
   * otherwise have been announced to nobody and found only by the next poll.
   */
  mark(): number;
  /**
   * Resolves once the action's version differs from `seen` (or the action is gone), when `signal`
   * aborts, or when the watcher closes; the caller re-reads the action in every case. Answers
   * false once the watcher is closed: the caller answers with what it has instead of waiting again.
   * `startsToo: false` (a wait for the action to settle) is not woken by the news that a worker
   * started executing it, only by its later changes.
   */
  nextChange(options: { actionId: number; seen: string; since: number; signal: AbortSignal; startsToo?: boolean }): Promise<boolean>;
  /** Wakes every waiter, stops checking and drops the subscription: for shutdown, so no request is held open. */
  close(): void;
}

/** The poll's period when nothing announces changes: the only way a wait learns of one. */
export const DEFAULT_WATCH_INTERVAL_MS = 250;
/** The poll's period beside a subscription: only the safety net for an announcement that was lost. */
export const DEFAULT_SAFETY_POLL_MS = 2_000;
/** How long a change announced with nobody waiting on it is remembered for a read under way (see `mark`). */
const ANNOUNCEMENT_MEMORY_MS = 5_000;

interface Waiter {
  seen: string;
  startsToo: boolean;
  wake: () => void;
}

/** The numbers of the last announcements that named an action: of any change, and of its start. */
interface Announced {
  changed: number;
  started: number;
}

export interface ActionWatcherOptions {
  db: Db;
  logger: Logger;
  /** Period of the poll; DEFAULT_SAFETY_POLL_MS with a subscriber, DEFAULT_WATCH_INTERVAL_MS without. */
  intervalMs?: number;
  /** Hears writers' `publishActionChanges`, so waiters wake as soon as a change commits. */
  subscriber?: ChannelSubscriber;
  /** The queue prefix the writers publish under (the channel is `actionChangedChannel.name(prefix)`). */
  prefix?: string;
}

/**
 * One watcher per process: every waiting request registers here. Writers announce the ids of the
 * actions they changed on a Redis channel after their commit (`publishActionChanges`), and the
 * watcher wakes those actions' waiters at once; each waiter then reads its action again, so
 * Postgres stays the source of truth and a message needs no trust beyond "look again". Pub/sub
 * loses what is published while a subscriber is disconnected, so the watcher also polls: while
 * anyone waits, one query on the primary key (`WHERE id IN (...)`) reads the version of every
 * watched action each `intervalMs`, and it polls at once whenever its subscription is (re)made.
 * Postgres NOTIFY was not chosen: it serialises the commits of every writer.
 */
export function createActionWatcher({ db, logger, subscriber, prefix = DEFAULT_QUEUE_PREFIX, intervalMs }: ActionWatcherOptions): ActionWatcher {
  const pollMs = intervalMs ?? (subscriber ? DEFAULT_SAFETY_POLL_MS : DEFAULT_WATCH_INTERVAL_MS);
  const channels = new Map<string, ActionNews>([
    [actionChangedChannel.name(prefix), "changed"],
    [actionStartedChannel.name(prefix), "started"],
  ]);
  const waiters = new Map<number, Set<Waiter>>();
  let timer: NodeJS.Timeout | null = null;
  // At most one query in flight: a slow database slows the checks down instead of piling them up.
  let checking = false;
  let checkAgain = false;
  let closed = false;
  // Announcements are numbered; each id keeps the number of the last one that named it, in two
  // generations swapped at most every ANNOUNCEMENT_MEMORY_MS, so memory stays bounded without a timer.
  let announcements = 0;
  let recent = new Map<number, Announced>();
  let older = new Map<number, Announced>();
  let rotatedAt = performance.now();

  const remove = (actionId: number, waiter: Waiter) => {
    const set = waiters.get(actionId);
    set?.delete(waiter);
    if (set?.size === 0) waiters.delete(actionId);
  };

  function rotate() {
    const now = performance.now();
    if (now - rotatedAt < ANNOUNCEMENT_MEMORY_MS) return;
    // An old entry is harmless (any wait's mark is newer), so the swap only needs to bound memory.
    older = recent;
    recent = new Map<number, Announced>();
    rotatedAt = now;
  }

  function lastAnnounced(actionId: number, startsToo: boolean): number {
    rotate();
    const last = recent.get(actionId) ?? older.get(actionId);
    return last ? Math.max(last.changed, startsToo ? last.started : 0) : 0;
  }

  function announced(ids: readonly number[], news: ActionNews) {
    rotate();
    announcements += 1;
    for (const id of ids) {
      const last = recent.get(id) ?? older.get(id) ?? { changed: 0, started: 0 };
      recent.set(id, news === "started" ? { ...last, started: announcements } : { ...last, changed: announcements });
      for (const waiter of [...(waiters.get(id) ?? [])]) if (news === "changed" || waiter.startsToo) waiter.wake();
    }
  }

  async function check() {
    timer = null;
    checking = true;
    const ids = [...waiters.keys()];
    try {
      const rows = await db.agentAction.findMany({ where: { id: { in: ids } }, select: { id: true, status: true, updatedAt: true } });
      const versions = new Map(rows.map((row) => [row.id, actionVersion(row)]));
      for (const id of ids) {
        const version = versions.get(id);
        for (const waiter of [...(waiters.get(id) ?? [])]) {
          if (version !== waiter.seen) waiter.wake();
        }
      }
    } catch (error) {
      // Waiters stay registered: the next check tries again, and each wait is bounded by its own signal.
      logger.warn({ err: error }, "checking watched actions failed");
    }
    checking = false;
    if (checkAgain) {
      checkAgain = false;
      checkNow();
    } else {
      schedule();
    }
  }

  function schedule() {
    if (timer !== null || checking || closed || waiters.size === 0) return;
    timer = setTimeout(() => void check(), pollMs);
    // A watcher alone never keeps the process alive.
    timer.unref();
  }

  /** Checks every waiter now rather than at the next poll (after a check under way, if there is one). */
  function checkNow() {
    if (closed || waiters.size === 0) return;
    if (checking) {
      checkAgain = true;
      return;
    }
    if (timer !== null) clearTimeout(timer);
    void check();
  }

  if (subscriber) {
    listenOnChannels({
      subscriber,
      channels: [...channels.keys()],
      payload: actionChangedChannel.payload,
      logger,
      failure: "subscribing to action changes failed; waits rely on the poll until it succeeds",
      isClosed: () => closed,
      // Whatever was announced while unsubscribed is lost: look at every watched action once.
      onSubscribed: checkNow,
      onMessage: (channel, ids, raw) => {
        const news = channels.get(channel);
        if (ids && news) announced(ids, news);
        else logger.warn({ channel, message: raw.slice(0, 200) }, "ignored a malformed action change message");
      },
    });
  }

  return {
    mark: () => announcements,
    nextChange({ actionId, seen, since, signal, startsToo = true }) {
      if (closed || signal.aborted) return Promise.resolve(!closed);
      if (lastAnnounced(actionId, startsToo) > since) return Promise.resolve(true);
      return new Promise<boolean>((resolve) => {
        const waiter: Waiter = {
          seen,
          startsToo,
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
      subscriber?.disconnect();
    },
  };
}
