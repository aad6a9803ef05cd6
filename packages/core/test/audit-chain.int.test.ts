import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";

import { sealAuditChain, verifyAuditChain } from "../src/index.ts";
import { createTestEnvironment, createTestTenant, type TestEnvironment, type TestTenant } from "../src/testing/index.ts";

let environment: TestEnvironment;

beforeAll(async () => {
  environment = await createTestEnvironment();
});

afterEach(async () => {
  // A tampering test switches the guard off as a superuser would; it is always switched on again.
  await sql("ALTER TABLE action_event ENABLE TRIGGER action_event_append_only");
});

afterAll(async () => {
  await environment.close();
});

/** Runs SQL on the test's database as the superuser the tests connect as. */
const sql = (query: string, ...values: unknown[]) => environment.db.$executeRawUnsafe(query, ...values);

const notify = (message: string) => ({ actionType: "notify" as const, parameters: { channel: "email" as const, recipient: "x@example.com", message } });

/** Writes `count` actions with two events each, as proposing and deciding them would. */
async function makeEvents(tenant: TestTenant, count: number) {
  for (let index = 0; index < count; index += 1) {
    await environment.db.agentAction.create({
      data: {
        tenantId: tenant.id,
        proposerLabel: tenant.agent.label,
        actionType: "notify",
        parameters: notify(`message ${index}`).parameters,
        status: "rejected",
        events: {
          create: [
            { tenantId: tenant.id, type: "proposed", actorKind: "api_key", actorId: tenant.agent.apiKeyId, actorLabel: tenant.agent.label, details: { reason: null } },
            { tenantId: tenant.id, type: "rejected", actorKind: "user", actorId: tenant.approver.userId, actorLabel: tenant.approver.label, details: { reason: "not now" } },
          ],
        },
      },
    });
  }
}

async function eventsOf(tenantId: string) {
  return environment.db.$queryRawUnsafe<{ id: string; chain_seq: string | null; prev_hash: string | null; hash: string | null }[]>(
    "SELECT id::text, chain_seq::text, prev_hash, hash FROM action_event WHERE tenant_id = $1::uuid ORDER BY action_event.chain_seq",
    tenantId,
  );
}

describe("audit trail: append-only", () => {
  it("refuses UPDATE, DELETE and TRUNCATE of events, and a second sealing of a sealed event", async () => {
    const tenant = await createTestTenant(environment.db);
    await makeEvents(tenant, 1);
    await sealAuditChain(environment.deps);
    const [first] = await eventsOf(tenant.id);
    if (!first) throw new Error("no event");

    await expect(sql(`UPDATE action_event SET details = '{"reason":"edited"}' WHERE id = $1::bigint`, first.id)).rejects.toThrow(/append-only/);
    await expect(sql("UPDATE action_event SET hash = repeat('a', 64) WHERE id = $1::bigint", first.id)).rejects.toThrow(/append-only/);
    await expect(sql("DELETE FROM action_event WHERE id = $1::bigint", first.id)).rejects.toThrow(/append-only/);
    await expect(sql("DELETE FROM agent_action WHERE tenant_id = $1::uuid", tenant.id)).rejects.toThrow(/append-only/);
    await expect(sql("TRUNCATE action_event CASCADE")).rejects.toThrow(/append-only/);
    expect(await eventsOf(tenant.id)).toHaveLength(2);
  });

  it("refuses an unsealed event's update that changes more than its chain columns", async () => {
    const tenant = await createTestTenant(environment.db);
    await makeEvents(tenant, 1);
    const [event] = await eventsOf(tenant.id);
    await expect(
      sql(
        `UPDATE action_event SET chain_seq = 999, prev_hash = repeat('0', 64), hash = repeat('0', 64), actor_label = 'someone else' WHERE id = $1::bigint`,
        event?.id,
      ),
    ).rejects.toThrow(/append-only/);
  });

  it("lets a tenant's deletion remove its events with the rest of its data", async () => {
    const tenant = await createTestTenant(environment.db);
    await makeEvents(tenant, 2);
    await sealAuditChain(environment.deps);
    await sql("DELETE FROM tenant WHERE id = $1::uuid", tenant.id);
    expect(await eventsOf(tenant.id)).toEqual([]);
  });
});

describe("audit trail: tamper-evident hash chain", () => {
  it("links every tenant's events into a chain of its own, and the chain verifies", async () => {
    const acme = await createTestTenant(environment.db);
    const globex = await createTestTenant(environment.db);
    await Promise.all([makeEvents(acme, 5), makeEvents(globex, 4)]);
    await sealAuditChain(environment.deps, { batchSize: 3 });

    const chain = await eventsOf(acme.id);
    expect(chain.map((event) => event.chain_seq)).toEqual(["1", "2", "3", "4", "5", "6", "7", "8", "9", "10"]);
    expect(chain[0]?.prev_hash).toBe("0".repeat(64));
    chain.slice(1).forEach((event, index) => expect(event.prev_hash).toBe(chain[index]?.hash));

    for (const tenant of [acme, globex]) {
      const result = await verifyAuditChain(environment.deps, { tenantId: tenant.id, pageSize: 4 });
      expect(result.broken).toBeNull();
      expect(result.unsealed).toBe(0);
      expect(result.checked).toBe(tenant === acme ? 10 : 8);
      expect(result.head?.hash).toBe(tenant === acme ? chain.at(-1)?.hash : (await eventsOf(globex.id)).at(-1)?.hash);
    }
  });

  it("seals events inserted while sealing runs, each exactly once, with one sealer at a time", async () => {
    const tenant = await createTestTenant(environment.db);
    const writers = Promise.all([makeEvents(tenant, 15), makeEvents(tenant, 15)]);
    const state = { writing: true };
    const sealer = (async () => {
      while (state.writing) await sealAuditChain(environment.deps, { batchSize: 7 });
    })();
    await Promise.all([writers, sealAuditChain(environment.deps)]);
    state.writing = false;
    await sealer;
    await sealAuditChain(environment.deps);

    const result = await verifyAuditChain(environment.deps, { tenantId: tenant.id });
    expect(result).toMatchObject({ checked: 60, unsealed: 0, broken: null });
  });

  it("a pass with nothing to seal ends without the sealing lock; one with events waits its turn", async () => {
    const tenant = await createTestTenant(environment.db);
    await makeEvents(tenant, 1);
    await sealAuditChain(environment.deps);
    let releaseLock = () => {};
    const lockHeld = new Promise<void>((held) => {
      void environment.db.$transaction(async (tx) => {
        await tx.$executeRaw`SELECT pg_advisory_xact_lock(72707372)`;
        held();
        await new Promise<void>((release) => (releaseLock = release));
      });
    });
    await lockHeld;
    try {
      expect(await sealAuditChain(environment.deps)).toEqual({ ran: true, sealed: 0, webhookDeliveries: [] });
      await makeEvents(tenant, 1);
      expect(await sealAuditChain(environment.deps)).toMatchObject({ ran: false, sealed: 0 });
    } finally {
      releaseLock();
    }
    expect(await sealAuditChain(environment.deps)).toMatchObject({ ran: true, sealed: 2 });
  });

  it("counts events not sealed yet and verifies the sealed ones", async () => {
    const tenant = await createTestTenant(environment.db);
    await makeEvents(tenant, 2);
    await sealAuditChain(environment.deps);
    await makeEvents(tenant, 1);
    expect(await verifyAuditChain(environment.deps, { tenantId: tenant.id })).toMatchObject({ checked: 4, unsealed: 2, broken: null });
  });

  it("reports an edited event as the first broken link", async () => {
    const tenant = await createTestTenant(environment.db);
    await makeEvents(tenant, 4);
    await sealAuditChain(environment.deps);
    const chain = await eventsOf(tenant.id);
    const victim = chain[4];
    if (!victim) throw new Error("chain too short");

    await sql("ALTER TABLE action_event DISABLE TRIGGER action_event_append_only");
    await sql(`UPDATE action_event SET details = jsonb_set(details, '{reason}', '"approved after all"') WHERE id = $1::bigint`, victim.id);
    await sql("ALTER TABLE action_event ENABLE TRIGGER action_event_append_only");

    const result = await verifyAuditChain(environment.deps, { tenantId: tenant.id });
    expect(result.checked).toBe(4);
    expect(result.broken).toMatchObject({ eventId: BigInt(victim.id), chainSeq: 5n, problem: expect.stringMatching(/does not match its hash/) });
  });

  it("reports an edited event whose hash was recomputed too, at the link after it", async () => {
    const tenant = await createTestTenant(environment.db);
    await makeEvents(tenant, 3);
    await sealAuditChain(environment.deps);
    const victim = (await eventsOf(tenant.id))[2];
    if (!victim) throw new Error("chain too short");

    await sql("ALTER TABLE action_event DISABLE TRIGGER action_event_append_only");
    await sql("UPDATE action_event SET actor_label = 'someone else', hash = repeat('f', 64) WHERE id = $1::bigint", victim.id);
    await sql("ALTER TABLE action_event ENABLE TRIGGER action_event_append_only");

    const result = await verifyAuditChain(environment.deps, { tenantId: tenant.id });
    expect(result.broken).toMatchObject({ chainSeq: 3n, problem: expect.stringMatching(/does not match its hash/) });
  });

  it("reports a deleted event as a gap at the next link", async () => {
    const tenant = await createTestTenant(environment.db);
    await makeEvents(tenant, 3);
    await sealAuditChain(environment.deps);
    const chain = await eventsOf(tenant.id);
    const [victim, next] = [chain[2], chain[3]];
    if (!victim || !next) throw new Error("chain too short");

    await sql("ALTER TABLE action_event DISABLE TRIGGER action_event_append_only");
    await sql("DELETE FROM action_event WHERE id = $1::bigint", victim.id);
    await sql("ALTER TABLE action_event ENABLE TRIGGER action_event_append_only");

    const result = await verifyAuditChain(environment.deps, { tenantId: tenant.id });
    expect(result.checked).toBe(2);
    expect(result.broken).toMatchObject({ eventId: BigInt(next.id), chainSeq: 4n, problem: "link 3 is missing before it (events removed)" });
  });
});
