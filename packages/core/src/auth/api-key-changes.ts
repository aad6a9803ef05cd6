import type { CoreDeps } from "../deps.ts";
import type { Logger } from "../logger.ts";
import { apiKeysChangedChannel, DEFAULT_QUEUE_PREFIX } from "../queue/queue-definitions.ts";
import type { ActionChangeSubscriber } from "../waiting/action-watcher.ts";

/**
 * Tells every API instance, after the commit, that some of the tenant's keys are refused from now
 * on, so their key caches forget the tenant as soon as the message arrives. A failure is logged and never fails the caller:
 * the change has committed, and each cache still lets go of a key within API_KEY_CACHE_MS.
 */
export async function announceApiKeyChanges(deps: Pick<CoreDeps, "queue" | "logger">, tenantId: string): Promise<void> {
  try {
    await deps.queue.publishApiKeyChanges(tenantId);
  } catch (error) {
    deps.logger.warn({ err: error, tenantId }, "API key change not announced; API instances refuse those keys once their cache expires them");
  }
}

/**
 * Hears `announceApiKeyChanges` on a connection of its own (a subscribed connection takes no other
 * command; it is this listener's from then on, as a watcher's is) and calls `forget` with the tenant
 * whose keys changed; with null, to forget every tenant, whenever the subscription is (re)made, since
 * what was announced while it was away is lost, and for a message it cannot read. Returns the
 * function that disconnects it.
 */
export function listenForApiKeyChanges({
  subscriber,
  prefix = DEFAULT_QUEUE_PREFIX,
  logger,
  forget,
}: {
  subscriber: ActionChangeSubscriber;
  prefix?: string;
  logger: Logger;
  forget: (tenantId: string | null) => void;
}): () => void {
  const channel = apiKeysChangedChannel.name(prefix);
  let closed = false;
  const subscribe = async () => {
    try {
      await subscriber.subscribe(channel);
      forget(null);
    } catch (error) {
      if (!closed) logger.warn({ err: error }, "subscribing to API key changes failed; cached keys are refused once they expire");
    }
  };
  subscriber.on("message", (from, message) => {
    if (from !== channel || closed) return;
    let tenant: unknown = null;
    try {
      tenant = JSON.parse(message);
    } catch {
      // Not JSON: forgotten below like any other message that does not name a tenant.
    }
    const parsed = apiKeysChangedChannel.payload.safeParse(tenant);
    forget(parsed.success ? parsed.data.tenantId : null);
  });
  subscriber.on("ready", () => void subscribe());
  void subscribe();
  return () => {
    closed = true;
    subscriber.disconnect();
  };
}
