import type { CoreDeps } from "../deps.ts";
import type { Logger } from "../logger.ts";
import { apiKeysChangedChannel, DEFAULT_QUEUE_PREFIX } from "../queue/queue-definitions.ts";
import { listenOnChannels, type ChannelSubscriber } from "../redis/listen-on-channels.ts";

/** Publishes that the tenant's keys changed on the channel every API process listens on (`listenForApiKeyChanges`). */
export async function publishApiKeyChanges(connection: { publish(channel: string, message: string): Promise<unknown> }, prefix: string, tenantId: string): Promise<void> {
  await connection.publish(apiKeysChangedChannel.name(prefix), JSON.stringify({ tenantId }));
}

/** What announcing needs: the queue's publish alone, so that the admin CLI, which runs no queue, can announce too. */
export type ApiKeyChangeDeps = Pick<CoreDeps, "logger"> & { queue: Pick<CoreDeps["queue"], "publishApiKeyChanges"> };

/**
 * Tells every API instance, after the commit, that some of the tenant's keys are refused from now
 * on, so their key caches forget the tenant as soon as the message arrives. A failure is logged and
 * never fails the caller: the change has committed, and each cache still lets go of a key within
 * API_KEY_CACHE_MS.
 */
export async function announceApiKeyChanges(deps: ApiKeyChangeDeps, tenantId: string): Promise<void> {
  try {
    await deps.queue.publishApiKeyChanges(tenantId);
  } catch (error) {
    deps.logger.warn({ err: error, tenantId }, "API key change not announced; API instances refuse those keys once their cache expires them");
  }
}

/**
 * Hears `announceApiKeyChanges` on a connection of its own (see `listenOnChannels`) and calls
 * `forget` with the tenant whose keys changed; with null, to forget every tenant, whenever the
 * subscription is (re)made, since what was announced while it was away is lost, and for a message
 * it cannot read. Returns the function that disconnects it.
 */
export function listenForApiKeyChanges({
  subscriber,
  prefix = DEFAULT_QUEUE_PREFIX,
  logger,
  forget,
}: {
  subscriber: ChannelSubscriber;
  prefix?: string;
  logger: Logger;
  forget: (tenantId: string | null) => void;
}): () => void {
  let closed = false;
  listenOnChannels({
    subscriber,
    channels: [apiKeysChangedChannel.name(prefix)],
    payload: apiKeysChangedChannel.payload,
    logger,
    failure: "subscribing to API key changes failed; cached keys are refused once they expire",
    isClosed: () => closed,
    onSubscribed: () => forget(null),
    onMessage: (_channel, change) => forget(change?.tenantId ?? null),
  });
  return () => {
    closed = true;
    subscriber.disconnect();
  };
}
