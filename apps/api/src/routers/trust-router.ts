import type { TRPCRouterRecord } from "@trpc/server";
import { z } from "zod";

import {
  approveAndTrust,
  approveAndTrustInputSchema,
  approveAndTrustResultSchema,
  autoApprovalGrantViewSchema,
  grantRefInputSchema,
  listAutoApprovalGrants,
  revokeAutoApprovalGrant,
} from "@leash/core";

import { authedProcedure } from "../trpc.ts";

export const trustRouter = {
  approveAndTrust: authedProcedure
    .meta({
      description:
        "Approve an action, and auto-approve actions like it (same type and target type) from the same proposer for `days` days (approvers).",
    })
    .input(approveAndTrustInputSchema)
    .output(approveAndTrustResultSchema)
    .mutation(({ ctx, input }) => approveAndTrust(ctx.deps, { actor: ctx.actor, input })),
  list: authedProcedure
    .meta({
      description:
        "The tenant's auto-approval grants (trust ramp), newest first, with their state: active, expired or suspended.",
    })
    .output(z.array(autoApprovalGrantViewSchema))
    .query(({ ctx }) => listAutoApprovalGrants(ctx.deps, { actor: ctx.actor })),
  revoke: authedProcedure
    .meta({ description: "End an auto-approval grant before it expires (approvers and admins)." })
    .input(grantRefInputSchema)
    .output(autoApprovalGrantViewSchema)
    .mutation(({ ctx, input }) => revokeAutoApprovalGrant(ctx.deps, { actor: ctx.actor, input })),
} satisfies TRPCRouterRecord;
