import type pg from "pg";

import { sleep } from "../load.ts";

export interface Settlement {
  status: string;
  /** executed_at as the worker stamped it (wall-clock ms), or null when the action did not execute. */
  executedAt: number | null;
  error: string | null;
}

/**
 * Tells callers when their actions end, from one query every few milliseconds for all of them:
 * agents that propose and wait, without a poll of their own each. The poll interval only delays
 * the next proposal; latencies are taken from `executed_at`, never from when the poll saw it.
 */
export function startSettlementWatch(pool: pg.Pool, intervalMs = 5) {
  const waiting = new Map<number, (settlement: Settlement) => void>();
  const stopping = new AbortController();
  const loop = (async () => {
    while (!stopping.signal.aborted) {
      if (waiting.size > 0) {
        const { rows } = await pool.query<{ id: number; status: string; executed_at: Date | null; error_message: string | null }>(
          "SELECT id, status, executed_at, error_message FROM agent_action WHERE id = ANY($1) AND status IN ('executed', 'failed', 'cancelled', 'rejected')",
          [[...waiting.keys()]],
        );
        for (const row of rows) {
          waiting.get(row.id)?.({ status: row.status, executedAt: row.executed_at?.getTime() ?? null, error: row.error_message });
          waiting.delete(row.id);
        }
      }
      await sleep(intervalMs);
    }
  })();
  return {
    settled(actionId: number, timeoutMs = 30_000): Promise<Settlement> {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          waiting.delete(actionId);
          reject(new Error(`action ${actionId} had not ended after ${timeoutMs} ms`));
        }, timeoutMs);
        waiting.set(actionId, (settlement) => {
          clearTimeout(timer);
          resolve(settlement);
        });
      });
    },
    async stop() {
      stopping.abort();
      await loop;
    },
  };
}
