import type { ApiKey, AutoApprovalGrant, User } from "@leash/db";

import type { AutoApprovalGrantView } from "./trust-inputs.ts";

export type GrantWithProposer = AutoApprovalGrant & {
  apiKey: Pick<ApiKey, "name" | "role"> | null;
  proposerUser: Pick<User, "name"> | null;
};

/** The Prisma include that loads what a grant's view says about its proposer. */
export const grantProposerInclude = {
  apiKey: { select: { name: true, role: true } },
  proposerUser: { select: { name: true } },
} as const;

export function toGrantView(grant: GrantWithProposer, now: Date): AutoApprovalGrantView {
  // Labelled as the proposer's actions are: an API key by its role and name, a user by name.
  const proposer = grant.apiKey
    ? {
        kind: "api_key" as const,
        id: grant.apiKeyId ?? "",
        label: `${grant.apiKey.role} key "${grant.apiKey.name}"`,
      }
    : {
        kind: "user" as const,
        id: grant.proposerUserId ?? "",
        label: grant.proposerUser?.name ?? "a removed user",
      };
  return {
    id: grant.id,
    proposer,
    actionType: grant.actionType,
    targetType: grant.targetType,
    grantedBy: grant.grantedByLabel,
    sourceActionId: grant.sourceActionId,
    expiresAt: grant.expiresAt.toISOString(),
    suspendedAt: grant.suspendedAt?.toISOString() ?? null,
    suspendedReason: grant.suspendedReason,
    state: grant.suspendedAt ? "suspended" : grant.expiresAt <= now ? "expired" : "active",
    createdAt: grant.createdAt.toISOString(),
  };
}
