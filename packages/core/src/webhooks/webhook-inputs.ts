import { z } from "zod";

import { actionTypeSchema } from "../action-types/action-type-schema.ts";
import { safeText } from "../actions/storable.ts";
import { webhookEventTypeSchema } from "./webhook-event-types.ts";
import { webhookUrlSchema } from "./webhook-url.ts";

const unique = <T>(values: T[]): T[] => [...new Set(values)];

export const MAX_WEBHOOK_DESCRIPTION_LENGTH = 500;
export const MAX_WEBHOOK_ACTION_TYPES = 50;

/** A delivery's id (a bigserial), as far as JSON numbers carry it exactly. */
export const webhookDeliveryIdSchema = z.int().positive().max(Number.MAX_SAFE_INTEGER);

const fields = {
  url: webhookUrlSchema,
  /** What the endpoint is for, as people read it in the console; empty is none. */
  description: safeText(z.string().trim().max(MAX_WEBHOOK_DESCRIPTION_LENGTH))
    .nullable()
    .transform((text) => (text === "" ? null : text)),
  eventTypes: z.array(webhookEventTypeSchema).min(1, "subscribe to at least one event type").max(50).transform(unique),
  /** Only events of actions of these types are sent; empty: every type. */
  actionTypes: z.array(actionTypeSchema).max(MAX_WEBHOOK_ACTION_TYPES).transform(unique),
  /** Whether private, loopback and unique-local addresses may be reached (refused by default). */
  allowPrivateNetwork: z.boolean(),
};

export const createWebhookEndpointInputSchema = z.strictObject({
  url: fields.url,
  description: fields.description.default(null),
  eventTypes: fields.eventTypes,
  actionTypes: fields.actionTypes.default([]),
  allowPrivateNetwork: fields.allowPrivateNetwork.default(false),
});
export type CreateWebhookEndpointInput = z.input<typeof createWebhookEndpointInputSchema>;

/** Changes to an endpoint: fields left out keep their value; `enabled: true` resumes a disabled one. */
export const updateWebhookEndpointInputSchema = z.strictObject({
  endpointId: z.uuid(),
  url: fields.url.optional(),
  description: fields.description.optional(),
  eventTypes: fields.eventTypes.optional(),
  actionTypes: fields.actionTypes.optional(),
  allowPrivateNetwork: fields.allowPrivateNetwork.optional(),
  enabled: z.boolean().optional(),
});
export type UpdateWebhookEndpointInput = z.input<typeof updateWebhookEndpointInputSchema>;

export const webhookEndpointRefInputSchema = z.strictObject({ endpointId: z.uuid() });
export type WebhookEndpointRefInput = z.input<typeof webhookEndpointRefInputSchema>;

export const rotateWebhookSecretInputSchema = webhookEndpointRefInputSchema.extend({
  /**
   * True: the replaced secret stops signing at once (it leaked). False (the default): deliveries
   * carry a signature with each secret for SIGNING_SECRET_GRACE_HOURS, so receivers switch in their own time.
   */
  revokePrevious: z.boolean().default(false),
});
export type RotateWebhookSecretInput = z.input<typeof rotateWebhookSecretInputSchema>;

export const webhookDeliveryStatuses = ["pending", "delivered", "failed"] as const;

export const listWebhookDeliveriesInputSchema = z.strictObject({
  endpointId: z.uuid(),
  status: z.enum(webhookDeliveryStatuses).optional(),
  /** The last delivery id of the previous page (pages go newest first). */
  cursor: webhookDeliveryIdSchema.optional(),
  limit: z.int().min(1).max(100).default(20),
});
export type ListWebhookDeliveriesInput = z.input<typeof listWebhookDeliveriesInputSchema>;

export const webhookDeliveryRefInputSchema = z.strictObject({ deliveryId: webhookDeliveryIdSchema });
export type WebhookDeliveryRefInput = z.input<typeof webhookDeliveryRefInputSchema>;
