import { afterAll, beforeAll, describe, expect, it } from "vitest";

import type { Prisma } from "@leash/db";

import { FIRST_UNSEALED_EVENT } from "../src/audit/seal-audit-chain.ts";
import { expiriesDue } from "../src/deadlines/sweep-pending-deadlines.ts";
import { unreportedActionsDue } from "../src/execution/fail-unreported-actions.ts";
import { dueForRequeue, remindersToRequeue, requeueCandidates } from "../src/reconcile/reconcile-queue.ts";
import { createTestEnvironment, createTestTenant, type TestEnvironment } from "../src/testing/index.ts";

/**
 * The worker's periodic passes run the same statements every few seconds, prepared once per
 * connection; after five runs Postgres may keep one generic plan, made without the values. On a table
 * of mostly finished actions those plans must still go through the small partial indexes, never walk
 * the table: this checks each statement's generic plan on such a table.
 */
let environment: TestEnvironment;
const FINISHED = 40_000;

beforeAll(async () => {
  environment = await createTestEnvironment();
  const tenant = await createTestTenant(environment.db, "plans");
  const db = environment.db;
  await db.$executeRaw`
    INSERT INTO agent_action (tenant_id, proposer_label, action_type, parameters, status, approved_at, executed_at, claimed_at, created_at, updated_at)
    SELECT ${tenant.id}::uuid, 'plan test', CASE WHEN n % 3 = 0 THEN 'notify' ELSE 'update' END, '{}'::jsonb, 'executed',
           now() - interval '2 days', now() - interval '2 days', now() - interval '2 days', now() - interval '2 days', now() - interval '2 days'
    FROM generate_series(1, ${FINISHED}::int) AS n`;
  // A few in flight and waiting, as a live tenant has.
  await db.$executeRaw`
    INSERT INTO agent_action (tenant_id, proposer_label, action_type, parameters, status, approved_at, claimed_at, expires_at, created_at, updated_at)
    SELECT ${tenant.id}::uuid, 'plan test', 'update', '{}'::jsonb, s.status::"ActionStatus",
           now() - interval '1 hour', CASE WHEN s.status = 'executing' THEN now() - interval '1 hour' END,
           CASE WHEN s.status = 'pending' THEN now() + interval '1 hour' END, now() - interval '1 hour', now() - interval '1 hour'
    FROM generate_series(1, 20) AS n CROSS JOIN unnest(ARRAY['approved', 'executing', 'pending']) AS s(status)`;
  await db.$executeRaw`
    INSERT INTO reminder (tenant_id, message, due_at, status, fired_at)
    SELECT ${tenant.id}::uuid, 'fired', now() - interval '1 day', 'fired', now() - interval '1 day' FROM generate_series(1, ${FINISHED / 2}::int)`;
  // Events as a bulk insert leaves them: analysed while unsealed, then sealed, not analysed since.
  await db.$executeRaw`
    INSERT INTO action_event (tenant_id, action_id, type, actor_kind, actor_label)
    SELECT tenant_id, id, 'proposed', 'system', 'plan test' FROM agent_action`;
  await db.$executeRaw`ANALYZE agent_action`;
  await db.$executeRaw`ANALYZE reminder`;
  await db.$executeRaw`ANALYZE action_event`;
  await db.$executeRaw`UPDATE action_event SET chain_seq = id, prev_hash = '', hash = ''`;
}, 120_000);

afterAll(async () => {
  await environment.close();
});

/** A value as an SQL literal, for the EXECUTE of a prepared statement. */
function literal(value: unknown): string {
  if (value instanceof Date) return `'${value.toISOString()}'`;
  if (typeof value === "number") return String(value);
  if (Array.isArray(value)) return `'{${value.map((item) => `"${String(item)}"`).join(",")}}'`;
  throw new Error(`no literal for ${typeof value}`);
}

interface PlanNode {
  "Node Type": string;
  "Relation Name"?: string;
  "Index Name"?: string;
  Plans?: PlanNode[];
}

/** The tables each node of the statement's generic plan reads, and how. */
async function genericPlanScans(statement: Prisma.Sql): Promise<string[]> {
  return environment.db.$transaction(async (tx) => {
    await tx.$executeRawUnsafe("SET LOCAL plan_cache_mode = force_generic_plan");
    await tx.$executeRawUnsafe(`PREPARE periodic AS ${statement.text}`);
    const values = statement.values.map(literal).join(", ");
    const [row] = await tx.$queryRawUnsafe<{ "QUERY PLAN": [{ Plan: PlanNode }] }[]>(
      `EXPLAIN (FORMAT JSON) EXECUTE periodic${values ? `(${values})` : ""}`,
    );
    await tx.$executeRawUnsafe("DEALLOCATE periodic");
    const scans: string[] = [];
    const walk = (node: PlanNode) => {
      if (node["Index Name"]) scans.push(`${node["Node Type"]} using ${node["Index Name"]}`);
      else if (node["Relation Name"]) scans.push(`${node["Node Type"]} on ${node["Relation Name"]}`);
      for (const child of node.Plans ?? []) walk(child);
    };
    if (!row) throw new Error("EXPLAIN returned nothing");
    walk(row["QUERY PLAN"][0].Plan);
    return scans;
  });
}

const now = new Date();
const inFlight = /^(Index|Index Only|Bitmap Index) Scan using agent_action_in_flight_target_idx$/;

describe("the generic plans of the worker's periodic statements on a table of finished actions", () => {
  it("the reconciler's page reads approved and executing actions from their partial index", async () => {
    const due = dueForRequeue({ graceBefore: now, staleClaimBefore: now });
    const scans = await genericPlanScans(requeueCandidates({ afterId: 0, due, limit: 50 }));
    expect(scans.filter((scan) => !scan.startsWith("Bitmap Heap Scan"))).toEqual([expect.stringMatching(inFlight)]);
  });

  it("the deadline sweep's unreported actions come from the same index", async () => {
    const scans = await genericPlanScans(unreportedActionsDue({ types: ["notify"], approvedBefore: now, limit: 100 }));
    expect(scans.filter((scan) => !scan.startsWith("Bitmap Heap Scan"))).toEqual([expect.stringMatching(inFlight)]);
  });

  it("the deadline sweep's expiries come from the index of pending actions' expiries", async () => {
    expect(await genericPlanScans(expiriesDue({ now, limit: 200 }))).toEqual([expect.stringMatching(/^Index (Only )?Scan using agent_action_expires_at_idx$/)]);
  });

  it("the reconciler's reminders come from the index of reminders by status", async () => {
    const scans = await genericPlanScans(remindersToRequeue({ afterId: 0, limit: 50 }));
    expect(scans.filter((scan) => !scan.startsWith("Bitmap Heap Scan"))).toEqual([expect.stringMatching(/ using reminder_status_due_at_idx$/)]);
  });

  it("the sealer's probe goes through the index of unsealed events, though the statistics still count them all unsealed", async () => {
    expect(await genericPlanScans(FIRST_UNSEALED_EVENT)).toEqual([expect.stringMatching(/^Index (Only )?Scan using action_event_unsealed_idx$/)]);
  });
});
