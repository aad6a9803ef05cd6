import pg from "pg";

import { createApiKey, createConnector, hashPassword, linkSlackUser, linkSlackWorkspace, silentLogger, systemActor } from "@leash/core";
import { createDb, migrate, type Db } from "@leash/db";

import { env } from "./env.ts";
import type { InboxTenant } from "./scenarios/inbox.ts";
import type { MetricsTenant } from "./scenarios/metrics.ts";

export const BENCH_DATABASE = "leash_bench";

const serverUrl = env.BENCH_DATABASE_SERVER_URL;

export function benchDatabaseUrl(): string {
  const url = new URL(serverUrl);
  url.pathname = `/${BENCH_DATABASE}`;
  return url.toString();
}

/** Drops and re-creates the benchmark's own database, then applies every migration to it. */
export async function recreateBenchDatabase(): Promise<string> {
  const server = new pg.Client({ connectionString: serverUrl });
  await server.connect();
  try {
    await server.query(`DROP DATABASE IF EXISTS "${BENCH_DATABASE}" WITH (FORCE)`);
    await server.query(`CREATE DATABASE "${BENCH_DATABASE}"`);
  } finally {
    await server.end();
  }
  const url = benchDatabaseUrl();
  await migrate({ connectionString: url });
  return url;
}

export async function dropBenchDatabase(): Promise<void> {
  const server = new pg.Client({ connectionString: serverUrl });
  await server.connect();
  try {
    await server.query(`DROP DATABASE IF EXISTS "${BENCH_DATABASE}" WITH (FORCE)`);
  } finally {
    await server.end();
  }
}

export interface BenchItem {
  id: number;
  kind: "person" | "project" | "idea";
}

export interface BenchTenant {
  id: string;
  items: BenchItem[];
}

/** The connector of the `http` workload, to the receiver the harness starts. */
export const BENCH_CONNECTOR = "bench-receiver";

export interface BenchFixtures {
  /** Auto-approves create, update, notify, link and http: every proposal goes straight to the queue. */
  agents: BenchTenant & { agentKeys: string[] };
  /** No preferences: every proposal waits for the approver key. */
  approvals: BenchTenant & { agentKey: string; approverKey: string };
  /** Holds the history rows the list and export scenarios read. */
  history: BenchTenant & { adminKey: string };
}

const kinds = ["project", "person", "idea"] as const;

async function createTenant(db: Db, slug: string, itemCount: number): Promise<BenchTenant> {
  const tenant = await db.tenant.create({ data: { slug, name: `Benchmark ${slug}` } });
  // The workload's in_app notifications go to this user (a recipient must be a user of the tenant).
  await db.user.create({ data: { tenantId: tenant.id, email: "ops@bench.test", name: "Bench Ops", role: "viewer", passwordHash: "unused" } });
  await db.$executeRaw`
    INSERT INTO item (tenant_id, kind, title, data, updated_at)
    SELECT ${tenant.id}::uuid, (ARRAY['project','person','idea'])[1 + n % 3]::"TargetType", 'Bench item ' || n, '{}'::jsonb, now()
    FROM generate_series(0, ${itemCount - 1}) AS n`;
  const rows = await db.item.findMany({ where: { tenantId: tenant.id }, select: { id: true, kind: true }, orderBy: { id: "asc" } });
  const items = rows.flatMap((row) => {
    const kind = kinds.find((candidate) => candidate === row.kind);
    return kind ? [{ id: row.id, kind }] : [];
  });
  return { id: tenant.id, items };
}

/** Tenants, API keys (stored hashed, as the admin CLI makes them), items and approval preferences. */
export async function createFixtures(
  url: string,
  options: {
    itemCount: number;
    agentKeys: number;
    slack: { teamId: string; channelId: string; userId: string };
    /** The `http` workload's receiver (`<base>/invoices`) and the key its connector's secrets are sealed with. */
    connector: { baseUrl: string; key: Buffer };
  },
): Promise<BenchFixtures> {
  const db = createDb({ connectionString: url, maxConnections: 4 });
  try {
    const agents = await createTenant(db, "bench-agents", options.itemCount);
    await db.approvalPreference.createMany({
      data: (["create", "update", "notify", "link", "http"] as const).map((actionType) => ({ tenantId: agents.id, actionType, autoApprove: true })),
    });
    await createConnector(
      { db, logger: silentLogger(), connectorKey: options.connector.key },
      {
        actor: systemActor(agents.id, "benchmark"),
        // On loopback, which connectors refuse unless told otherwise.
        input: { name: BENCH_CONNECTOR, baseUrl: options.connector.baseUrl, allowedMethods: ["POST"], allowedPathPrefixes: ["/invoices"], allowPrivateNetwork: true },
      },
    );
    const agentKeys: string[] = [];
    for (let index = 0; index < options.agentKeys; index += 1) {
      agentKeys.push((await createApiKey(db, { tenantId: agents.id, name: `bench-agent-${index}`, role: "agent" })).key);
    }
    const approvals = await createTenant(db, "bench-approvals", 500);
    // The Slack scenario clicks Approve as a Slack user linked to an approver of this tenant.
    await db.user.create({ data: { tenantId: approvals.id, email: "approver@bench.test", name: "Bench Approver", role: "approver", passwordHash: "unused" } });
    await linkSlackWorkspace(db, { tenantSlug: "bench-approvals", teamId: options.slack.teamId, channelId: options.slack.channelId });
    await linkSlackUser(db, { tenantSlug: "bench-approvals", teamId: options.slack.teamId, slackUserId: options.slack.userId, email: "approver@bench.test" });
    const history = await createTenant(db, "bench-history", 1_000);
    return {
      agents: { ...agents, agentKeys },
      approvals: {
        ...approvals,
        agentKey: (await createApiKey(db, { tenantId: approvals.id, name: "bench-agent", role: "agent" })).key,
        approverKey: (await createApiKey(db, { tenantId: approvals.id, name: "bench-approver", role: "approver" })).key,
      },
      history: { ...history, adminKey: (await createApiKey(db, { tenantId: history.id, name: "bench-admin", role: "admin" })).key },
    };
  } finally {
    await db.$disconnect();
  }
}

/** The tenant of the metrics section: eight agent keys its actions are spread over, and a viewer key that reads the metrics. */
export async function createMetricsTenant(url: string): Promise<MetricsTenant> {
  const db = createDb({ connectionString: url, maxConnections: 2 });
  try {
    const tenant = await db.tenant.create({ data: { slug: "bench-metrics", name: "Benchmark bench-metrics" } });
    const agentKeyIds: string[] = [];
    for (let index = 0; index < 8; index += 1) {
      agentKeyIds.push((await createApiKey(db, { tenantId: tenant.id, name: `metrics-agent-${index}`, role: "agent" })).id);
    }
    const viewerKey = (await createApiKey(db, { tenantId: tenant.id, name: "metrics-viewer", role: "viewer" })).key;
    return { id: tenant.id, agentKeyIds, viewerKey };
  } finally {
    await db.$disconnect();
  }
}

/** The tenant of the inbox section: items, an approver who signs in to the console, an agent key that proposes and an admin key that sets a policy and a template. */
export async function createInboxTenant(url: string, itemCount: number): Promise<InboxTenant> {
  const db = createDb({ connectionString: url, maxConnections: 2 });
  try {
    const tenant = await createTenant(db, "bench-inbox", itemCount);
    const approver = { email: "approver@bench-inbox.test", password: "bench-inbox-approver-password" };
    await db.user.create({
      data: { tenantId: tenant.id, email: approver.email, name: "Inbox Approver", role: "approver", passwordHash: await hashPassword(approver.password) },
    });
    return {
      ...tenant,
      slug: "bench-inbox",
      approver,
      agentKey: (await createApiKey(db, { tenantId: tenant.id, name: "inbox-agent", role: "agent" })).key,
      adminKey: (await createApiKey(db, { tenantId: tenant.id, name: "inbox-admin", role: "admin" })).key,
    };
  } finally {
    await db.$disconnect();
  }
}
