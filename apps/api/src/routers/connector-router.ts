import type { TRPCRouterRecord } from "@trpc/server";
import { z } from "zod";

import {
  connectorRefInputSchema,
  connectorViewSchema,
  connectorWithSigningSecretSchema,
  createConnector,
  createConnectorInputSchema,
  deleteConnector,
  listConnectors,
  rotateConnectorSigningSecret,
  rotateConnectorSigningSecretInputSchema,
  SIGNING_SECRET_GRACE_HOURS,
  updateConnector,
  updateConnectorInputSchema,
} from "@leash/core";

import { authedProcedure } from "../trpc.ts";

export const connectorRouter = {
  list: authedProcedure
    .meta({ description: "The tenant's HTTP connectors, the services `http` actions may call (every role: agents read the names and paths they may propose requests to). Secret header values are never returned: a secret header shows as { name, secret: true }." })
    .output(z.array(connectorViewSchema))
    .query(({ ctx }) => listConnectors(ctx.deps, { actor: ctx.actor })),
  create: authedProcedure
    .meta({ description: "Add an HTTP connector (admin keys): base URL, allowed methods and path prefixes, headers (secret values stored encrypted), timeout, optional undo request template. Answers its Standard Webhooks signing secret (whsec_...) this once." })
    .input(createConnectorInputSchema)
    .output(connectorWithSigningSecretSchema)
    .mutation(({ ctx, input }) => createConnector(ctx.deps, { actor: ctx.actor, input })),
  update: authedProcedure
    .meta({ description: "Change an HTTP connector (admin keys): the fields given replace the stored ones; `headers` replaces the list, and a secret header given without a value keeps its stored value." })
    .input(updateConnectorInputSchema)
    .output(connectorViewSchema)
    .mutation(({ ctx, input }) => updateConnector(ctx.deps, { actor: ctx.actor, input })),
  delete: authedProcedure
    .meta({ description: "Delete an HTTP connector (admin keys); `http` actions naming it can no longer run." })
    .input(connectorRefInputSchema)
    .output(z.object({ deleted: z.literal(true) }))
    .mutation(({ ctx, input }) => deleteConnector(ctx.deps, { actor: ctx.actor, input })),
  rotateSecret: authedProcedure
    .meta({
      description: `Replace an HTTP connector's signing secret (admin keys); answers the new one this once. Requests are signed with it from now on, and for ${SIGNING_SECRET_GRACE_HOURS} hours also with the replaced one (two signatures in webhook-signature; previousSecretExpiresAt says until when), unless revokePrevious is true (the old secret leaked).`,
    })
    .input(rotateConnectorSigningSecretInputSchema)
    .output(connectorWithSigningSecretSchema)
    .mutation(({ ctx, input }) => rotateConnectorSigningSecret(ctx.deps, { actor: ctx.actor, input })),
} satisfies TRPCRouterRecord;
