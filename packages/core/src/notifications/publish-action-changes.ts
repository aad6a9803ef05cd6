import type { CoreDeps } from "../deps.ts";
import type { ActionNews } from "../queue/queue-definitions.ts";

/**
 * Wakes, in every API instance, whoever waits on these actions (action.wait, action.watch,
 * proposeAndWait): call it after the commit of any change a waiter can see, with all the ids a
 * commit changed, so one batch costs one PUBLISH. A failure is logged and never fails the caller:
 * the change has committed, and waiters still find it at their watcher's next poll. A worker that
 * claimed actions says `started`: only watchers of every state wake for that.
 */
export async function publishActionChanges(deps: Pick<CoreDeps, "queue" | "logger">, actionIds: readonly number[], news: ActionNews = "changed"): Promise<void> {
  const ids = [...new Set(actionIds)];
  if (ids.length === 0) return;
  try {
    await deps.queue.publishActionChanges(ids, news);
  } catch (error) {
    deps.logger.warn({ err: error, actionIds: ids }, "action change not published; its waiters answer at their next poll");
  }
}
