import { createHmac, randomBytes } from "node:crypto";

import { ids } from "../src/ids.ts";
import { BOT } from "./fake-slack.ts";

export const SIGNING_SECRET = "8f742231b10e8888abcd99yyyzzz85a5";

export interface SlackRequest {
  body: string;
  contentType: "application/x-www-form-urlencoded";
  headers: Record<string, string>;
}

/** Signs a body as Slack does: `v0=` + HMAC-SHA256 of `v0:<timestamp>:<body>` with the signing secret. */
export function signed(body: string, options: { timestamp?: number; secret?: string } = {}): SlackRequest {
  const timestamp = options.timestamp ?? Math.floor(Date.now() / 1000);
  const signature = `v0=${createHmac("sha256", options.secret ?? SIGNING_SECRET).update(`v0:${timestamp}:${body}`).digest("hex")}`;
  return {
    body,
    contentType: "application/x-www-form-urlencoded",
    headers: { "x-slack-signature": signature, "x-slack-request-timestamp": String(timestamp) },
  };
}

/** Posts a request to the bot's /slack/events as Slack would, with any extra headers (e.g. X-Slack-Retry-Num). */
export async function sendToBot(baseUrl: string, request: SlackRequest, extraHeaders: Record<string, string> = {}) {
  const response = await fetch(`${baseUrl}/slack/events`, {
    method: "POST",
    headers: { "content-type": request.contentType, ...request.headers, ...extraHeaders },
    body: request.body,
  });
  return { status: response.status, text: await response.text() };
}

const interactive = (payload: object) => `payload=${encodeURIComponent(JSON.stringify(payload))}`;
const triggerId = () => `${Date.now()}.${randomBytes(4).readUInt32BE()}.${randomBytes(8).toString("hex")}`;
const actionTs = () => `${Math.floor(Date.now() / 1000)}.${randomBytes(3).readUIntBE(0, 3)}`;

export interface ButtonClickOptions {
  slackUserId: string;
  actionId: string;
  value?: string;
  channelId: string;
  messageTs: string;
  responseUrl: string;
  ephemeral?: boolean;
  /** The team the click came from. */
  teamId?: string;
  /** The clicker's own team when it is another (a Slack Connect channel), or their org's id on Enterprise Grid. */
  userTeamId?: string;
  /** The Enterprise Grid org of the team the click came from. */
  enterpriseId?: string;
}

/** A click on a button of a message, as Slack posts it to the interactivity URL. */
export function buttonClick(options: ButtonClickOptions): string {
  return interactive(buttonClickPayload(options));
}

/** The same click as the JSON payload Socket Mode delivers. */
export function buttonClickPayload(options: ButtonClickOptions): Record<string, unknown> {
  const teamId = options.teamId ?? BOT.teamId;
  return {
    type: "block_actions",
    user: { id: options.slackUserId, username: options.slackUserId.toLowerCase(), name: options.slackUserId.toLowerCase(), team_id: options.userTeamId ?? teamId },
    api_app_id: "ALEASH",
    token: "verification-token-unused",
    container: { type: "message", message_ts: options.messageTs, channel_id: options.channelId, is_ephemeral: options.ephemeral ?? false },
    trigger_id: triggerId(),
    team: { id: teamId, domain: "acme", ...(options.enterpriseId ? { enterprise_id: options.enterpriseId, enterprise_name: "Acme Group" } : {}) },
    enterprise: options.enterpriseId ? { id: options.enterpriseId, name: "Acme Group" } : null,
    is_enterprise_install: false,
    channel: { id: options.channelId, name: "approvals" },
    ...(options.ephemeral ? {} : { message: { type: "message", user: BOT.userId, ts: options.messageTs, text: "card" } }),
    response_url: options.responseUrl,
    actions: [
      {
        type: "button",
        action_id: options.actionId,
        block_id: "leash",
        text: { type: "plain_text", text: "button" },
        ...(options.value !== undefined ? { value: options.value } : {}),
        action_ts: actionTs(),
      },
    ],
  };
}

/** A modal submitted with one text input, as Slack posts a `view_submission`. */
function modalSubmission(options: {
  slackUserId: string;
  privateMetadata: string;
  teamId?: string;
  callbackId: string;
  title: string;
  blockId: string;
  inputId: string;
  value: string;
}): string {
  const teamId = options.teamId ?? BOT.teamId;
  return interactive({
    type: "view_submission",
    team: { id: teamId, domain: "acme" },
    user: { id: options.slackUserId, username: options.slackUserId.toLowerCase(), name: options.slackUserId.toLowerCase(), team_id: teamId },
    api_app_id: "ALEASH",
    token: "verification-token-unused",
    trigger_id: triggerId(),
    view: {
      id: `V${randomBytes(4).toString("hex").toUpperCase()}`,
      team_id: teamId,
      type: "modal",
      callback_id: options.callbackId,
      private_metadata: options.privateMetadata,
      hash: randomBytes(6).toString("hex"),
      title: { type: "plain_text", text: options.title },
      blocks: [],
      state: { values: { [options.blockId]: { [options.inputId]: { type: "plain_text_input", value: options.value } } } },
    },
    response_urls: [],
    is_enterprise_install: false,
  });
}

/** The Reject modal submitted with a reason. */
export function rejectSubmission(options: { slackUserId: string; reason: string; privateMetadata: string; teamId?: string }): string {
  return modalSubmission({
    ...options,
    callbackId: ids.views.rejectReason,
    title: "Reject",
    blockId: ids.blocks.rejectReason,
    inputId: ids.inputs.rejectReason,
    value: options.reason,
  });
}

export interface SlashCommandOptions {
  slackUserId: string;
  text: string;
  channelId: string;
  responseUrl: string;
  command?: string;
  teamId?: string;
}

/** A slash command as Slack posts it: plain form fields. */
export function slashCommand(options: SlashCommandOptions): string {
  return new URLSearchParams(slashCommandFields(options)).toString();
}

/** The fields of a slash command, which Socket Mode delivers as a JSON payload. */
export function slashCommandFields(options: SlashCommandOptions): Record<string, string> {
  return {
    token: "verification-token-unused",
    team_id: options.teamId ?? BOT.teamId,
    team_domain: "acme",
    channel_id: options.channelId,
    channel_name: "general",
    user_id: options.slackUserId,
    user_name: options.slackUserId.toLowerCase(),
    command: options.command ?? ids.commands.rollback,
    text: options.text,
    api_app_id: "ALEASH",
    is_enterprise_install: "false",
    response_url: options.responseUrl,
    trigger_id: triggerId(),
  };
}

/** The Edit & approve modal submitted with the parameters as typed. */
export function editApproveSubmission(options: { slackUserId: string; parameters: string; privateMetadata: string }): string {
  return modalSubmission({
    ...options,
    callbackId: ids.views.editAndApprove,
    title: "Edit & approve",
    blockId: ids.blocks.editedParameters,
    inputId: ids.inputs.editedParameters,
    value: options.parameters,
  });
}
