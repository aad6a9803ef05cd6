import { createHash } from "node:crypto";

/** The `prev_hash` of a tenant's first event: there is no event before it. */
export const GENESIS_HASH = "0".repeat(64);

/** What of an event its hash covers: every column written at insert, read back the same way by the sealer and the verifier. */
export interface AuditEventContent {
  id: bigint;
  tenantId: string;
  actionId: number;
  type: string;
  actorKind: string;
  actorId: string | null;
  actorLabel: string;
  /** Postgres's own text of the jsonb value: canonical (keys ordered, one spelling per value), so no re-serialising in JS. */
  details: string;
  createdAt: Date;
}

/** sha256 (hex) of the previous event's hash, the event's place in its tenant's chain and its content. */
export function hashAuditEvent(prevHash: string, chainSeq: bigint, event: AuditEventContent): string {
  const content = JSON.stringify([
    String(event.id),
    event.tenantId,
    event.actionId,
    event.type,
    event.actorKind,
    event.actorId,
    event.actorLabel,
    event.createdAt.getTime(),
    event.details,
  ]);
  return createHash("sha256").update(`${prevHash}\n${String(chainSeq)}\n${content}`).digest("hex");
}
