import { randomBytes } from "node:crypto";

import { Redis } from "ioredis";

import type { Db, Prisma } from "@leash/db";
import { createTestDatabase, type TestDatabase } from "@leash/db/testing";

import type { Actor } from "../actor.ts";
import { createApiKey } from "../auth/api-keys.ts";
import { systemClock } from "../clock.ts";
import type { CoreDeps } from "../deps.ts";
import { silentLogger } from "../logger.ts";
import { configureDelivery } from "../delivery/configure-delivery.ts";
import { createBullActionQueue } from "../queue/action-queue.ts";
import { startSmtpCatcher, type SmtpCatcher } from "./smtp-catcher.ts";

export const testRedisUrl = process.env.TEST_REDIS_URL ?? "redis://127.0.0.1:6379";

/** The From of the test environments' emails (SMTP_FROM of apps started by tests). */
export const TEST_SMTP_FROM = "Leash tests <leash@tests.invalid>";

export interface TestEnvironment {
  database: TestDatabase;
  db: Db;
  /** A queue prefix of this test file's own, so files never see each other's jobs. */
  queuePrefix: string;
  redis: Redis;
  deps: CoreDeps;
  /** The SMTP server the environment's email notifications go to (`deps.delivery` sends there). */
  smtp: SmtpCatcher;
  close(): Promise<void>;
}

/** A database and a queue namespace of its own for one test file; `close` removes both. */
export async function createTestEnvironment(options: { maxAttempts?: number; connectorKey?: Buffer } = {}): Promise<TestEnvironment> {
  const database = await createTestDatabase({ maxConnections: 20 });
  const queuePrefix = `{leash-test-${randomBytes(4).toString("hex")}}`;
  const redis = new Redis(testRedisUrl, { maxRetriesPerRequest: 1 });
  const smtp = await startSmtpCatcher();
  const deps: CoreDeps = {
    db: database.db,
    queue: createBullActionQueue({ connection: redis, prefix: queuePrefix }),
    clock: systemClock,
    logger: silentLogger(),
    delivery: configureDelivery({ smtpUrl: smtp.url, smtpFrom: TEST_SMTP_FROM }),
    ...(options.maxAttempts !== undefined ? { maxAttempts: options.maxAttempts } : {}),
    ...(options.connectorKey !== undefined ? { connectorKey: options.connectorKey } : {}),
  };
  return {
    database,
    db: database.db,
    queuePrefix,
    redis,
    deps,
    smtp,
    async close() {
      deps.delivery?.close();
      await smtp.close();
      await deps.queue.close();
      const keys = await redis.keys(`${queuePrefix}:*`);
      if (keys.length) await redis.del(...keys);
      redis.disconnect();
      await database.drop();
    },
  };
}

export interface TestTenant {
  id: string;
  slug: string;
  admin: Actor & { kind: "user" };
  approver: Actor & { kind: "user" };
  viewer: Actor & { kind: "user" };
  agent: Actor & { kind: "api_key" };
  keys: { agent: string; approver: string; viewer: string; admin: string };
  /** A recipient of in_app notifications in this tenant (its admin's email). */
  inbox: string;
}

/** A tenant with one user of each role and one API key of each role. */
export async function createTestTenant(db: Db, slug = `t-${randomBytes(3).toString("hex")}`): Promise<TestTenant> {
  const tenant = await db.tenant.create({ data: { slug, name: `Tenant ${slug}` } });
  const user = async (role: "admin" | "approver" | "viewer", name: string) => {
    const row = await db.user.create({
      data: { tenantId: tenant.id, email: `${role}@${slug}.test`, name, role, passwordHash: "unused-in-tests" },
    });
    return { kind: "user" as const, tenantId: tenant.id, userId: row.id, role, label: name };
  };
  const admin = await user("admin", `Ada (${slug})`);
  const approver = await user("approver", `Dana (${slug})`);
  const viewer = await user("viewer", `Victor (${slug})`);
  const agentKey = await createApiKey(db, { tenantId: tenant.id, name: `agent-${slug}`, role: "agent" });
  const approverKey = await createApiKey(db, { tenantId: tenant.id, name: `approver-${slug}`, role: "approver" });
  const viewerKey = await createApiKey(db, { tenantId: tenant.id, name: `viewer-${slug}`, role: "viewer" });
  const adminKey = await createApiKey(db, { tenantId: tenant.id, name: `admin-${slug}`, role: "admin" });
  return {
    id: tenant.id,
    slug,
    admin,
    approver,
    viewer,
    agent: { kind: "api_key", tenantId: tenant.id, apiKeyId: agentKey.id, role: "agent", label: `agent key "agent-${slug}"`, ownerId: null },
    keys: { agent: agentKey.key, approver: approverKey.key, viewer: viewerKey.key, admin: adminKey.key },
    inbox: `admin@${slug}.test`,
  };
}

export async function createTestItem(
  db: Db,
  tenantId: string,
  item: { kind: "person" | "project" | "idea" | "admin"; title: string; data?: Record<string, string | number> },
) {
  return db.item.create({ data: { tenantId, kind: item.kind, title: item.title, data: item.data ?? {} } });
}

/** An approved update of a project's data written straight to the table, for tests of the worker's steps; `extra` sets further columns. */
export async function createApprovedUpdate(
  db: Db,
  tenantId: string,
  update: { itemId: number; data: Record<string, string> },
  extra: Omit<Prisma.AgentActionUncheckedCreateInput, "tenantId" | "proposerLabel" | "actionType" | "targetType" | "targetId" | "parameters"> = {},
) {
  return db.agentAction.create({
    data: {
      tenantId,
      proposerLabel: "agent",
      actionType: "update",
      targetType: "project",
      targetId: update.itemId,
      parameters: { data: update.data },
      status: "approved",
      ...extra,
    },
  });
}

/** Polls until `check` returns a value other than undefined/false, or fails after `timeoutMs`. */
export async function waitFor<T>(check: () => Promise<T | undefined | false>, { timeoutMs = 20_000, intervalMs = 25, what = "condition" } = {}): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
