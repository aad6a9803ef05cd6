import { z } from "zod";

import type { WebhookAttempt, WebhookDelivery, WebhookEndpoint } from "@leash/db";

import { jsonValueSchema, type JsonValue } from "../actions/json.ts";
import { previousSecretExpiry } from "../connectors/signing-secret-rotation.ts";
import { webhookEventTypeSchema, type WebhookEventType } from "./webhook-event-types.ts";
import { webhookDeliveryStatuses } from "./webhook-inputs.ts";

const timestamp = z.iso.datetime();

/** Attempts shown with each delivery, newest first: the schedule makes 11, "Send again" more. */
export const WEBHOOK_ATTEMPTS_SHOWN = 20;
const iso = (date: Date | null) => date?.toISOString() ?? null;

/** An endpoint as every medium shows it; its signing secret is never in it. */
export const webhookEndpointViewSchema = z.object({
  id: z.string(),
  url: z.string(),
  description: z.string().nullable(),
  eventTypes: z.array(webhookEventTypeSchema),
  /** Only events of actions of these types are sent; empty: every type. */
  actionTypes: z.array(z.string()),
  allowPrivateNetwork: z.boolean(),
  enabled: z.boolean(),
  /** Why Leash disabled it ("disabled on ... after failing for 24 hours: last error ..."); null while enabled. */
  disabledReason: z.string().nullable(),
  disabledAt: timestamp.nullable(),
  /** Its first failed attempt since the last success; null while it succeeds. */
  failingSince: timestamp.nullable(),
  /**
   * Until when deliveries also carry a signature made with the secret the last rotation replaced;
   * null when they carry only the current one's.
   */
  previousSecretExpiresAt: timestamp.nullable(),
  createdAt: timestamp,
  updatedAt: timestamp,
});
export type WebhookEndpointView = z.infer<typeof webhookEndpointViewSchema>;

/** One endpoint with how many deliveries still wait to be sent to it. */
export const webhookEndpointDetailSchema = webhookEndpointViewSchema.extend({ pendingDeliveries: z.int() });
export type WebhookEndpointDetail = z.infer<typeof webhookEndpointDetailSchema>;

/** An endpoint with its signing secret in clear: only the answer to a create or a rotation, once. */
export const webhookEndpointWithSecretSchema = z.object({
  endpoint: webhookEndpointViewSchema,
  /** `whsec_...`: the receiver verifies each delivery's signature with it (Standard Webhooks). Shown this once; store it now. */
  signingSecret: z.string(),
});
export type WebhookEndpointWithSecret = z.infer<typeof webhookEndpointWithSecretSchema>;

export const webhookAttemptViewSchema = z.object({
  at: timestamp,
  durationMs: z.int(),
  /** The HTTP status answered; null when no answer came (timeout, refused connection, refused address). */
  statusCode: z.int().nullable(),
  error: z.string().nullable(),
  /** The start of the answer's body (about 1 KB), as text. */
  responseExcerpt: z.string(),
});
export type WebhookAttemptView = z.infer<typeof webhookAttemptViewSchema>;

export const webhookDeliveryViewSchema = z.object({
  id: z.int(),
  endpointId: z.string(),
  /** The audit event sent; null for a test event. */
  eventId: z.string().nullable(),
  actionId: z.int().nullable(),
  eventType: z.string(),
  /** The `webhook-id` header, the same on every attempt and on "send again": receivers drop duplicates by it. */
  messageId: z.string(),
  /** The body sent, as it was frozen when the delivery was made. */
  payload: jsonValueSchema,
  status: z.enum(webhookDeliveryStatuses),
  /** Attempts since it was last scheduled (made, sent again, or its endpoint enabled again). */
  attemptCount: z.int(),
  /** When it is tried next; null unless pending. */
  nextAttemptAt: timestamp.nullable(),
  lastAttemptAt: timestamp.nullable(),
  deliveredAt: timestamp.nullable(),
  createdAt: timestamp,
  /** Its latest attempts, newest first (WEBHOOK_ATTEMPTS_SHOWN). */
  attempts: z.array(webhookAttemptViewSchema),
});
export type WebhookDeliveryView = z.infer<typeof webhookDeliveryViewSchema>;

export const webhookDeliveryPageSchema = z.object({
  items: z.array(webhookDeliveryViewSchema),
  /** Pass as `cursor` for the next page; null on the last page. */
  nextCursor: z.int().nullable(),
});
export type WebhookDeliveryPage = z.infer<typeof webhookDeliveryPageSchema>;

export function toWebhookEndpointView(row: WebhookEndpoint, now: Date): WebhookEndpointView {
  return {
    id: row.id,
    url: row.url,
    description: row.description,
    eventTypes: row.eventTypes as WebhookEventType[],
    actionTypes: row.actionTypes,
    allowPrivateNetwork: row.allowPrivateNetwork,
    enabled: row.enabled,
    disabledReason: row.disabledReason,
    disabledAt: iso(row.disabledAt),
    failingSince: iso(row.failingSince),
    previousSecretExpiresAt: previousSecretExpiry(row, now)?.toISOString() ?? null,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

export function toWebhookDeliveryView(row: WebhookDelivery & { attemptLog: WebhookAttempt[] }): WebhookDeliveryView {
  return {
    id: Number(row.id),
    endpointId: row.endpointId,
    eventId: row.eventId === null ? null : String(row.eventId),
    actionId: row.actionId,
    eventType: row.eventType,
    messageId: row.messageId,
    payload: row.payload as JsonValue,
    status: row.status,
    attemptCount: row.attempts,
    nextAttemptAt: row.status === "pending" ? row.nextAttemptAt.toISOString() : null,
    lastAttemptAt: iso(row.lastAttemptAt),
    deliveredAt: iso(row.deliveredAt),
    createdAt: row.createdAt.toISOString(),
    attempts: row.attemptLog.map((attempt) => ({
      at: attempt.at.toISOString(),
      durationMs: attempt.durationMs,
      statusCode: attempt.statusCode,
      error: attempt.error,
      responseExcerpt: attempt.responseExcerpt,
    })),
  };
}
