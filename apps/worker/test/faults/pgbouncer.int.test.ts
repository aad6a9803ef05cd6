import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { verifyAuditChain } from "@leash/core";
import { waitFor } from "@leash/core/testing";
import { startPgBouncer, type PgBouncer } from "@leash/db/testing";

import { runAgentCrowd } from "./agents.ts";
import { freePort, startFaultStack, type AppProcess, type FaultStack } from "./fault-stack.ts";
import { acceptedButNotStored, countOutcome, waitUntilSettled, type RunFigures } from "./outcome.ts";
import { recordScenario } from "./scenario-results.ts";
import { mustMutate } from "./trpc-calls.ts";

const NOTIFICATIONS = 1000;
const ITEMS = 30;
// Server connections PgBouncer keeps to Postgres, well below the 40 the API's and the worker's pools open to it.
const SERVER_CONNECTIONS = 10;
let stack: FaultStack;
let bouncer: PgBouncer;

beforeAll(async () => {
  stack = await startFaultStack();
  bouncer = await startPgBouncer({ serverUrl: stack.databaseUrl, poolSize: SERVER_CONNECTIONS });
}, 600_000);

afterAll(async () => {
  await stack.close();
  await bouncer.stop();
});

interface Proposed {
  action: { id: number };
}

/** Executed once: status executed and exactly one `executed` event; anything else is lost or twice. */
async function countDecidedOutcome(ids: number[]): Promise<RunFigures> {
  const actions = await stack.db.agentAction.findMany({ where: { id: { in: ids } }, select: { id: true, status: true } });
  const events = await stack.db.actionEvent.groupBy({ by: ["actionId"], where: { actionId: { in: ids }, type: "executed" }, _count: { _all: true } });
  const eventsOf = new Map(events.map((row) => [row.actionId, row._count._all]));
  let executed = 0;
  let lost = ids.length - actions.length;
  let duplicated = 0;
  for (const action of actions) {
    const count = eventsOf.get(action.id) ?? 0;
    if (action.status === "executed" && count >= 1) executed += 1;
    else lost += 1;
    duplicated += Math.max(0, count - 1);
  }
  return { inFlight: ids.length, executed, terminalWithReason: 0, lost, duplicated };
}

describe("the API and the worker through PgBouncer in transaction mode (DATABASE_POOLER=transaction)", () => {
  it("runs a mixed workload with approvals and rollbacks once each, through a worker SIGKILL and an emptied Redis", async () => {
    const through = { DATABASE_URL: bouncer.url("leash"), DATABASE_POOLER: "transaction", DB_POOL_SIZE: "20" };
    const port = await freePort();
    const apiUrl = `http://127.0.0.1:${port}`;
    await stack.spawnApi(port, through);
    let worker: AppProcess = stack.spawnWorker(through);
    const { keys } = stack.tenant;

    const executedIds = async (ids: number[]) =>
      (await stack.db.agentAction.findMany({ where: { id: { in: ids }, status: "executed" }, select: { id: true, targetId: true }, orderBy: { id: "asc" } }));
    let proposals = 0;
    const decided = async (input: Record<string, unknown>) => {
      proposals += 1;
      const { action } = await mustMutate<Proposed>(apiUrl, keys.agent, "action.propose", { ...input, idempotencyKey: `pgbouncer-decided-${proposals}` });
      await mustMutate(apiUrl, keys.approver, "action.approve", { actionId: action.id });
      return action.id;
    };
    const waitExecuted = async (ids: number[], what: string) => {
      await waitUntilSettled(stack.db, ids);
      const done = await executedIds(ids);
      expect(done.map((row) => row.id), what).toEqual([...ids].sort((a, b) => a - b));
      return done;
    };

    const faults: Promise<void>[] = [];
    let atFault = { executed: 0, backends: 0 };
    const startedAt = Date.now();
    // Agents propose auto-approved notifications while people decide the rest: both through the pooler.
    const crowd = runAgentCrowd({
      apiUrl,
      apiKey: keys.agent,
      inbox: stack.tenant.inbox,
      total: NOTIFICATIONS,
      concurrency: 8,
      label: "pgbouncer",
      onAccepted: (count) => {
        if (count !== 300) return;
        faults.push(
          (async () => {
            const [backends] = await stack.db.$queryRaw<{ count: number }[]>`
              SELECT count(*)::int AS count FROM pg_stat_activity WHERE datname = 'leash' AND application_name LIKE 'leash-faults-%'`;
            atFault = { executed: await stack.db.notification.count(), backends: backends?.count ?? 0 };
            expect(await worker.stop("SIGKILL")).toBeNull();
            // With no worker, jobs pile up in Redis; then every one of them is gone, and only the
            // reconciler (its lease taken through the pooler) puts them back.
            await waitFor(async () => (await stack.pendingJobs()) >= 50, { timeoutMs: 60_000, what: "jobs to wait in Redis" });
            await stack.redis.flushAll();
            worker = stack.spawnWorker(through);
          })(),
        );
      },
    });

    const creates: number[] = [];
    for (let index = 0; index < ITEMS; index++) {
      creates.push(await decided({ actionType: "create", targetType: "project", parameters: { title: `Pooled ${index}`, data: { status: "planned" } } }));
    }
    const items = (await waitExecuted(creates, "creates")).map((row) => row.targetId ?? 0);
    const updates = await Promise.all(items.map((itemId) => decided({ actionType: "update", targetType: "project", targetId: itemId, parameters: { data: { status: "active" } } })));
    await waitExecuted(updates, "updates");
    const links = await Promise.all(
      items.slice(10, 15).map((itemId, index) => decided({ actionType: "link", targetType: "project", targetId: itemId, parameters: { toType: "project", toId: items[15 + index], relation: "depends_on" } })),
    );
    const deletes = await Promise.all(items.slice(20).map((itemId) => decided({ actionType: "delete", targetType: "project", targetId: itemId, parameters: {} })));
    await waitExecuted([...links, ...deletes], "links and deletes");

    const rollBack = [...updates.slice(0, 5), ...links, ...deletes.slice(0, 2)];
    const undos: number[] = [];
    for (const actionId of rollBack) {
      const { undoActions } = await mustMutate<{ undoActions: { id: number }[] }>(apiUrl, keys.approver, "action.rollback", { actionId, confirm: true });
      undos.push(...undoActions.map((undo) => undo.id));
    }
    await waitExecuted(undos, "undo actions");

    const run = await crowd;
    await Promise.all(faults);
    expect(faults).toHaveLength(1);
    // A 503 (the database busy: nothing done, retried) is allowed; any other 5xx is a defect.
    expect(run.requests.filter((request) => request.status !== null && request.status >= 500 && request.status !== 503)).toEqual([]);
    expect(await acceptedButNotStored(stack.db, run.accepted)).toEqual([]);
    const notifications = [...run.accepted.values()];
    await waitUntilSettled(stack.db, notifications);

    // What the rollbacks restored: the first five items' status, no link left, two items back.
    const restored = await stack.db.item.findMany({ where: { id: { in: items.slice(0, 5) } }, select: { data: true } });
    expect(restored.map((item) => item.data)).toEqual(Array.from({ length: 5 }, () => ({ status: "planned" })));
    expect(await stack.db.link.count({ where: { tenantId: stack.tenant.id } })).toBe(0);
    expect(await stack.db.item.count({ where: { tenantId: stack.tenant.id, deletedAt: { not: null } } })).toBe(8);

    const noticed = await countOutcome(stack.db, notifications);
    const decidedFigures = await countDecidedOutcome([...creates, ...updates, ...links, ...deletes, ...undos]);
    const figures: RunFigures = {
      inFlight: noticed.inFlight + decidedFigures.inFlight,
      executed: noticed.executed + decidedFigures.executed,
      terminalWithReason: noticed.terminalWithReason + decidedFigures.terminalWithReason,
      lost: noticed.lost + decidedFigures.lost,
      duplicated: noticed.duplicated + decidedFigures.duplicated,
    };
    expect(figures).toEqual({ inFlight: figures.inFlight, executed: figures.inFlight, terminalWithReason: 0, lost: 0, duplicated: 0 });
    expect(figures.inFlight).toBe(NOTIFICATIONS + ITEMS * 2 + 5 + 10 + undos.length);

    // The reconciler put back what the flush took, and the audit sealer (a transaction-level lock) chained every event.
    const requeued = await stack.db.actionEvent.count({ where: { tenantId: stack.tenant.id, type: "queued", actorLabel: "reconciler" } });
    const audit = await waitFor(
      async () => {
        const verification = await verifyAuditChain({ db: stack.db }, { tenantId: stack.tenant.id });
        return verification.unsealed === 0 ? verification : undefined;
      },
      { timeoutMs: 30_000, what: "every audit event to be sealed" },
    );
    expect(audit.broken).toBeNull();
    expect(audit.checked).toBeGreaterThan(figures.inFlight);
    expect(requeued).toBeGreaterThan(0);
    expect(atFault.backends).toBeGreaterThan(0);
    expect(atFault.backends).toBeLessThanOrEqual(SERVER_CONNECTIONS);
    await recordScenario(
      stack,
      "pgbouncer-transaction-mode",
      {
        actionIds: [...notifications, ...creates, ...updates, ...links, ...deletes, ...undos],
        outcome: figures,
        executedBeforeFault: atFault.executed,
        serverErrors: run.serverErrors,
        startedAt,
        faults: 2,
      },
      { serverBackendsAtFault: atFault.backends, rollbacks: undos.length, auditEventsSealed: audit.checked },
    );
  });
});
