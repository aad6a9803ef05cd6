import type { Db } from "@leash/db";

import { auditContentColumns, type AuditEventRow } from "./audit-event-rows.ts";
import { GENESIS_HASH, hashAuditEvent } from "./event-hash.ts";

export interface BrokenLink {
  eventId: bigint;
  actionId: number;
  chainSeq: bigint;
  problem: string;
}

export interface AuditVerification {
  /** Sealed events checked, in chain order. */
  checked: number;
  /** Events not linked into the chain yet (inserted after the last sealing pass). */
  unsealed: number;
  /** The last link: record it elsewhere to detect later removal of the newest events. */
  head: { chainSeq: bigint; hash: string } | null;
  /** The first link that does not hold, or null when the whole chain does. */
  broken: BrokenLink | null;
}

/**
 * Walks a tenant's audit chain in order and recomputes every hash: an edited event no longer matches
 * its hash, a removed one leaves a gap in `chain_seq` and a `prev_hash` that points at nothing, and an
 * edited hash no longer matches the next event's `prev_hash`. Reports the first link that fails.
 */
export async function verifyAuditChain(deps: { db: Db }, { tenantId, pageSize = 5000 }: { tenantId: string; pageSize?: number }): Promise<AuditVerification> {
  let expected = { seq: 1n, prevHash: GENESIS_HASH };
  let checked = 0;
  let broken: BrokenLink | null = null;
  for (let after = 0n; broken === null; ) {
    const page = await deps.db.$queryRaw<AuditEventRow[]>`
      SELECT ${auditContentColumns}, chain_seq AS "chainSeq", prev_hash AS "prevHash", hash
      FROM action_event WHERE tenant_id = ${tenantId}::uuid AND chain_seq > ${after} ORDER BY chain_seq LIMIT ${pageSize}`;
    for (const event of page) {
      broken = checkLink(event, expected);
      if (broken) break;
      checked += 1;
      expected = { seq: expected.seq + 1n, prevHash: event.hash ?? "" };
    }
    const last = page.at(-1);
    if (!last?.chainSeq || page.length < pageSize) break;
    after = last.chainSeq;
  }
  const [unsealed] = await deps.db.$queryRaw<{ count: bigint }[]>`
    SELECT count(*) AS count FROM action_event WHERE tenant_id = ${tenantId}::uuid AND chain_seq IS NULL`;
  return {
    checked,
    unsealed: Number(unsealed?.count ?? 0n),
    head: checked > 0 ? { chainSeq: expected.seq - 1n, hash: expected.prevHash } : null,
    broken,
  };
}

function checkLink(event: AuditEventRow, expected: { seq: bigint; prevHash: string }): BrokenLink | null {
  const seq = event.chainSeq ?? 0n;
  const at = (problem: string): BrokenLink => ({ eventId: event.id, actionId: event.actionId, chainSeq: seq, problem });
  if (seq !== expected.seq) {
    const missing = expected.seq === seq - 1n ? `link ${expected.seq} is` : `links ${expected.seq} to ${seq - 1n} are`;
    return at(`${missing} missing before it (events removed)`);
  }
  if (event.prevHash !== expected.prevHash) return at("its prev_hash is not the hash of the event before it (that event or this link was altered)");
  if (event.hash !== hashAuditEvent(expected.prevHash, seq, event)) return at("its content does not match its hash (the event was altered)");
  return null;
}
