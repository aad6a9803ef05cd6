import type { TRPCRouterRecord } from "@trpc/server";
import { z } from "zod";

import {
  createWebhookEndpoint,
  createWebhookEndpointInputSchema,
  deleteWebhookEndpoint,
  getWebhookEndpoint,
  listWebhookDeliveries,
  listWebhookDeliveriesInputSchema,
  listWebhookEndpoints,
  redeliverWebhook,
  rotateWebhookSecret,
  sendTestWebhook,
  SIGNING_SECRET_GRACE_HOURS,
  updateWebhookEndpoint,
  updateWebhookEndpointInputSchema,
  webhookDeliveryPageSchema,
  webhookDeliveryRefInputSchema,
  webhookDeliveryViewSchema,
  webhookEndpointDetailSchema,
  rotateWebhookSecretInputSchema,
  webhookEndpointRefInputSchema,
  webhookEndpointViewSchema,
  webhookEndpointWithSecretSchema,
} from "@leash/core";

import { authedProcedure } from "../trpc.ts";

export const webhookRouter = {
  list: authedProcedure
    .meta({ description: "The tenant's webhook endpoints (admin keys): URL, event types, action-type filter, whether enabled and, if Leash disabled one, why. Never a signing secret." })
    .output(z.array(webhookEndpointViewSchema))
    .query(({ ctx }) => listWebhookEndpoints(ctx.deps, { actor: ctx.actor })),
  get: authedProcedure
    .meta({ description: "One webhook endpoint (admin keys), with how many deliveries still wait to be sent to it." })
    .input(webhookEndpointRefInputSchema)
    .output(webhookEndpointDetailSchema)
    .query(({ ctx, input }) => getWebhookEndpoint(ctx.deps, { actor: ctx.actor, input })),
  create: authedProcedure
    .meta({
      description:
        "Subscribe an endpoint to what happens to the tenant's actions (admin keys): an http(s) URL, the event types wanted (action.proposed, action.approved, ...), optionally only some action types. Answers its Standard Webhooks signing secret (whsec_...) this once.",
    })
    .input(createWebhookEndpointInputSchema)
    .output(webhookEndpointWithSecretSchema)
    .mutation(({ ctx, input }) => createWebhookEndpoint(ctx.deps, { actor: ctx.actor, input })),
  update: authedProcedure
    .meta({
      description:
        "Change a webhook endpoint (admin keys): the fields given replace the stored ones. enabled: true resumes a disabled endpoint (its waiting deliveries are sent at once, in order); enabled: false pauses it.",
    })
    .input(updateWebhookEndpointInputSchema)
    .output(webhookEndpointViewSchema)
    .mutation(({ ctx, input }) => updateWebhookEndpoint(ctx.deps, { actor: ctx.actor, input })),
  delete: authedProcedure
    .meta({ description: "Delete a webhook endpoint and its delivery log (admin keys); nothing more is sent to it." })
    .input(webhookEndpointRefInputSchema)
    .output(z.object({ deleted: z.literal(true) }))
    .mutation(({ ctx, input }) => deleteWebhookEndpoint(ctx.deps, { actor: ctx.actor, input })),
  rotateSecret: authedProcedure
    .meta({
      description: `Replace a webhook endpoint's signing secret (admin keys); answers the new one this once. Every attempt from now on is signed with it, and for ${SIGNING_SECRET_GRACE_HOURS} hours also with the replaced one (two signatures in webhook-signature), unless revokePrevious is true (the old secret leaked).`,
    })
    .input(rotateWebhookSecretInputSchema)
    .output(webhookEndpointWithSecretSchema)
    .mutation(({ ctx, input }) => rotateWebhookSecret(ctx.deps, { actor: ctx.actor, input })),
  deliveries: authedProcedure
    .meta({
      description:
        "A webhook endpoint's delivery log (admin keys), newest first, by cursor: each delivery's payload, status and attempts (when, how long, the HTTP status or error, the start of the answer).",
    })
    .input(listWebhookDeliveriesInputSchema)
    .output(webhookDeliveryPageSchema)
    .query(({ ctx, input }) => listWebhookDeliveries(ctx.deps, { actor: ctx.actor, input })),
  redeliver: authedProcedure
    .meta({ description: "Send a delivered or failed delivery again (admin keys), at once and on a fresh retry schedule, with the same body and webhook-id." })
    .input(webhookDeliveryRefInputSchema)
    .output(webhookDeliveryViewSchema)
    .mutation(({ ctx, input }) => redeliverWebhook(ctx.deps, { actor: ctx.actor, input })),
  sendTest: authedProcedure
    .meta({ description: "Send a webhook.test event to an endpoint (admin keys); the answer is the delivery made, its outcome shows in the delivery log." })
    .input(webhookEndpointRefInputSchema)
    .output(webhookDeliveryViewSchema)
    .mutation(({ ctx, input }) => sendTestWebhook(ctx.deps, { actor: ctx.actor, input })),
} satisfies TRPCRouterRecord;
