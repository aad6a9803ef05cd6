import { createHash } from "node:crypto";

import type { JsonObject, JsonValue } from "../actions/json.ts";
import type { ActionProposal } from "./proposal-schema.ts";

/** What an idempotency key stands for: one proposal, or a whole batch (a key of a batch names that batch, not one action of it). */
export type ProposalRequest =
  | { kind: "proposal"; proposal: ActionProposal }
  | { kind: "batch"; reason: string | undefined; proposals: readonly ActionProposal[] };

/** JSON with every object's keys sorted: two spellings of one request (keys in another order) give one text. */
function canonicalJson(value: JsonValue): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (value === null || typeof value !== "object") return JSON.stringify(value);
  const keys = Object.keys(value).sort();
  return `{${keys.map((key) => `${JSON.stringify(key)}:${canonicalJson(value[key] ?? null)}`).join(",")}}`;
}

const fields = (proposal: ActionProposal, withKey: boolean): JsonObject => ({
  actionType: proposal.actionType,
  targetType: proposal.targetType ?? null,
  targetId: proposal.targetId ?? null,
  parameters: proposal.parameters,
  reason: proposal.reason ?? null,
  ...(withKey ? { idempotencyKey: proposal.idempotencyKey ?? null } : {}),
});

/**
 * sha256 (hex) of a request as parsed when it was first proposed, stored with the action: a retry
 * under the same key is the same request exactly when its hash is equal, whatever happened to the
 * action since (it executed and recorded the item it created, an approver edited its parameters).
 */
export function requestHash(request: ProposalRequest): string {
  const value: JsonValue =
    request.kind === "proposal"
      ? { kind: "proposal", ...fields(request.proposal, false) }
      : {
          kind: "batch",
          reason: request.reason ?? null,
          actions: request.proposals.map((proposal) => fields(proposal, true)),
        };
  return createHash("sha256").update(canonicalJson(value)).digest("hex");
}
