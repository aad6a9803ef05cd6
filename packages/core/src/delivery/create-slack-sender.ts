import { LogLevel, WebClient } from "@slack/web-api";

import { classifySlackError } from "./classify-slack-error.ts";
import type { DeliveryReference } from "./delivery-reference.ts";
import { slackText } from "./slack-text.ts";

export type SlackDestination = { kind: "channel"; channelId: string } | { kind: "direct"; slackUserId: string };

/** Where Slack put the message: the conversation and the message's `ts` (together they name it). */
export type SlackPosted = { channel: string; ts: string };

export interface SlackMessage {
  to: SlackDestination;
  subject: string | null;
  message: string;
  reference: DeliveryReference;
}

export interface SlackSender {
  /** The workspace the bot token belongs to (auth.test, asked once). */
  teamId(): Promise<string>;
  post(message: SlackMessage): Promise<SlackPosted>;
}

export interface SlackSenderOptions {
  /** The bot token (xoxb-...), the Slack bot's own SLACK_BOT_TOKEN. */
  token: string;
  /** Slack's Web API base URL; tests point it at a local fake. */
  apiUrl?: string | undefined;
}

/** The metadata event every Leash message carries, so a reader of the channel can find a message's action. */
export const SLACK_METADATA_EVENT = "leash_notification";

/**
 * Posts notifications through Slack's Web API, as the bot. Slack has no idempotency key for
 * chat.postMessage: a retry after a post whose answer was lost posts again, so Slack delivery is
 * at least once. Each message carries its action id in its metadata (event `leash_notification`)
 * for whoever needs to tell the copies apart.
 */
export function createSlackSender({ token, apiUrl }: SlackSenderOptions): SlackSender {
  const client = new WebClient(token, {
    ...(apiUrl ? { slackApiUrl: apiUrl } : {}),
    // Delivery runs inside the action's execution transaction: fail fast and let the action's own
    // retries (with their backoff, recorded in its timeline) decide, rather than wait in here.
    retryConfig: { retries: 0 },
    rejectRateLimitedCalls: true,
    timeout: 10_000,
    logLevel: LogLevel.ERROR,
  });
  let team: Promise<string> | null = null;
  const askTeam = async (): Promise<string> => {
    try {
      const answer = await client.auth.test();
      if (!answer.team_id) throw new Error("auth.test answered no team_id");
      return answer.team_id;
    } catch (error) {
      // A failed look-up is asked again next time rather than remembered.
      team = null;
      throw classifySlackError(error, "auth.test");
    }
  };

  const openDirect = async (slackUserId: string): Promise<string> => {
    const opened = await client.conversations.open({ users: slackUserId });
    const channel = opened.channel?.id;
    if (!channel) throw new Error(`conversations.open answered no channel for ${slackUserId}`);
    return channel;
  };

  return {
    teamId() {
      team ??= askTeam();
      return team;
    },
    async post({ to, subject, message, reference }) {
      const destination = to.kind === "channel" ? to.channelId : to.slackUserId;
      try {
        const channel = to.kind === "channel" ? to.channelId : await openDirect(to.slackUserId);
        const posted = await client.chat.postMessage({
          channel,
          text: slackText({ subject, message }),
          metadata: { event_type: SLACK_METADATA_EVENT, event_payload: reference },
        });
        if (!posted.ts) throw new Error(`chat.postMessage answered no ts for ${destination}`);
        return { channel: posted.channel ?? channel, ts: posted.ts };
      } catch (error) {
        throw classifySlackError(error, destination);
      }
    },
  };
}
