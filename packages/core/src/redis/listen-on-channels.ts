import type { z } from "zod";

import type { Logger } from "../logger.ts";

/**
 * What a listener needs of its Redis connection; ioredis' `Redis` and `Cluster` both fit. The
 * connection is the listener's own from then on (a subscribed connection can do nothing else), and
 * its owner disconnects it. Give it an offline queue and retries (createRedisConnection's
 * "subscriber" role), so that it reconnects and subscribes again after Redis comes back; its
 * errors are its creator's to log.
 */
export interface ChannelSubscriber {
  subscribe(...channels: string[]): Promise<unknown>;
  on(event: "message", listener: (channel: string, message: string) => void): unknown;
  on(event: "ready", listener: () => void): unknown;
  disconnect(): void;
}

/**
 * Subscribes to `channels` at once and again on every "ready" (connected for the first time, or
 * back after Redis was away; asking again is harmless). What was published while unsubscribed is
 * lost, so `onSubscribed` is told after each subscription, for the listener to catch up its own way.
 * Each message of those channels reaches `onMessage` read as JSON and checked against `payload`, or
 * as null when it is not that (a listener decides what a foreign message means). Nothing reaches
 * the listener once `isClosed` says so.
 */
export function listenOnChannels<Payload>({
  subscriber,
  channels,
  payload,
  logger,
  failure,
  isClosed,
  onSubscribed,
  onMessage,
}: {
  subscriber: ChannelSubscriber;
  channels: readonly string[];
  payload: z.ZodType<Payload>;
  logger: Logger;
  /** Logged (a warning) when subscribing fails: what works meanwhile, and what does not. */
  failure: string;
  isClosed: () => boolean;
  onSubscribed: () => void;
  /** `raw` is the message as it came, for a log line. */
  onMessage: (channel: string, message: Payload | null, raw: string) => void;
}): void {
  const subscribe = async () => {
    try {
      await subscriber.subscribe(...channels);
      onSubscribed();
    } catch (error) {
      if (!isClosed()) logger.warn({ err: error, channels }, failure);
    }
  };
  subscriber.on("message", (channel, message) => {
    if (!channels.includes(channel) || isClosed()) return;
    let read: unknown = null;
    try {
      read = JSON.parse(message);
    } catch {
      // Not JSON: null, like any other message of the wrong shape.
    }
    const parsed = payload.safeParse(read);
    onMessage(channel, parsed.success ? parsed.data : null, message);
  });
  subscriber.on("ready", () => void subscribe());
  void subscribe();
}
