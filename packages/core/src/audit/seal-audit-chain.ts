import { Prisma, sqlFor, type Db } from "@leash/db";

import { systemClock, type Clock } from "../clock.ts";
import { webhookDispatchSql } from "../webhooks/webhook-dispatch-sql.ts";
import { auditContentColumns } from "./audit-event-rows.ts";
import { GENESIS_HASH, hashAuditEvent, type AuditEventContent } from "./event-hash.ts";

/** Advisory lock key of a sealing pass; any constant works, as long as every process uses the same. */
const SEAL_LOCK_ID = 72707372;

/**
 * The probe of a pass: the oldest unsealed event, along the partial index of unsealed events. Asked
 * as `EXISTS`, the planner chose a sequential scan whenever its statistics still counted the events
 * of a bulk insert as unsealed (the table not analysed since they were sealed): 0.4 s twice a second
 * on two million sealed events. In id order the index is the only cheap way, whatever the statistics say.
 */
export const FIRST_UNSEALED_EVENT = Prisma.sql`SELECT id FROM action_event WHERE chain_seq IS NULL ORDER BY id LIMIT 1`;

export interface SealResult {
  /** False when another process was sealing, so this pass did nothing. */
  ran: boolean;
  sealed: number;
  /** Webhook deliveries made from the sealed events (committed with them), for the caller to pass to `enqueueReadyWebhookDeliveries`. */
  webhookDeliveries: { deliveryId: number; tenantId: string }[];
}

/**
 * Links new audit events into their tenant's hash chain. Inserts do not compute hashes (a per-tenant
 * lock held until commit would serialise every propose and execution); instead this pass, run by the
 * worker about twice a second and by `verify-audit` on demand, takes the unsealed events in id order
 * and gives each the next `chain_seq` of its tenant, the previous event's hash and its own hash. The
 * database trigger allows exactly this one update of an event. One pass at a time (a transaction-scoped
 * advisory lock), so two sealers never fork a chain.
 *
 * The same statement is the outbox of outbound webhooks: it makes the deliveries of the events it
 * seals. Every committed event is sealed exactly once and an uncommitted one is never seen, so no
 * committed event is missed and none of a rolled-back transaction is ever sent.
 */
export async function sealAuditChain(deps: { db: Db; clock?: Clock }, options: { batchSize?: number } = {}): Promise<SealResult> {
  const batchSize = options.batchSize ?? 5000;
  const clock = deps.clock ?? systemClock;
  let sealed = 0;
  const webhookDeliveries: SealResult["webhookDeliveries"] = [];
  // Most passes find nothing to seal: one statement (an index probe) says so, where the pass's
  // transaction costs four round trips, twice a second, on an idle worker too.
  const unsealed = await sqlFor(deps.db).query<{ id: string }>(FIRST_UNSEALED_EVENT);
  if (unsealed.length === 0) return { ran: true, sealed, webhookDeliveries };
  for (;;) {
    const batch = await deps.db.$transaction(async (tx) => {
      const [lock] = await tx.$queryRaw<{ locked: boolean }[]>`SELECT pg_try_advisory_xact_lock(${SEAL_LOCK_ID}) AS locked`;
      if (!lock?.locked) return null;
      const events = await tx.$queryRaw<AuditEventContent[]>`
        SELECT ${auditContentColumns} FROM action_event WHERE chain_seq IS NULL ORDER BY id LIMIT ${batchSize}`;
      if (events.length === 0) return { count: 0, deliveries: [] };

      const tenantIds = [...new Set(events.map((event) => event.tenantId))];
      // With each chain's head, whether the tenant has an endpoint to dispatch webhooks to: most have none.
      const heads = await tx.$queryRaw<{ tenantId: string; chainSeq: bigint | null; hash: string | null; hasWebhooks: boolean }[]>`
        SELECT t.id AS "tenantId", h.chain_seq AS "chainSeq", h.hash,
          EXISTS (SELECT 1 FROM webhook_endpoint w WHERE w.tenant_id = t.id::uuid AND w.enabled) AS "hasWebhooks"
        FROM jsonb_array_elements_text(${JSON.stringify(tenantIds)}::jsonb) AS t(id)
        LEFT JOIN LATERAL (
          SELECT chain_seq, hash FROM action_event
          WHERE tenant_id = t.id::uuid AND chain_seq IS NOT NULL ORDER BY chain_seq DESC LIMIT 1
        ) h ON true`;
      const chains = new Map(heads.map((head) => [head.tenantId, { seq: head.chainSeq ?? 0n, hash: head.hash ?? GENESIS_HASH }]));

      const links = events.map((event) => {
        const chain = chains.get(event.tenantId) ?? { seq: 0n, hash: GENESIS_HASH };
        const seq = chain.seq + 1n;
        const hash = hashAuditEvent(chain.hash, seq, event);
        chains.set(event.tenantId, { seq, hash });
        return { id: String(event.id), seq: String(seq), prev: chain.hash, hash };
      });
      const sealing = Prisma.sql`
        UPDATE action_event e SET chain_seq = v.seq, prev_hash = v.prev, hash = v.hash
        FROM jsonb_to_recordset(${JSON.stringify(links)}::jsonb) AS v(id bigint, seq bigint, prev text, hash text)
        WHERE e.id = v.id AND e.chain_seq IS NULL`;
      if (!heads.some((head) => head.hasWebhooks)) {
        await tx.$executeRaw(sealing);
        return { count: events.length, deliveries: [] };
      }
      const deliveries = await tx.$queryRaw<{ id: bigint; tenantId: string }[]>(webhookDispatchSql(sealing, clock.now()));
      return { count: events.length, deliveries };
    }, { maxWait: 10_000, timeout: 60_000 });
    if (batch === null) return { ran: false, sealed, webhookDeliveries };
    sealed += batch.count;
    webhookDeliveries.push(...batch.deliveries.map((row) => ({ deliveryId: Number(row.id), tenantId: row.tenantId })));
    if (batch.count < batchSize) return { ran: true, sealed, webhookDeliveries };
  }
}
