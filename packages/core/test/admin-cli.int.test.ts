import { execFile } from "node:child_process";
import { join } from "node:path";
import { promisify } from "node:util";

import { Redis } from "ioredis";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";

import { listenForApiKeyChanges } from "../src/auth/api-key-changes.ts";
import { createApiKey } from "../src/auth/api-keys.ts";
import { silentLogger } from "../src/logger.ts";
import { apiKeysChangedChannel } from "../src/queue/queue-definitions.ts";
import { createTestEnvironment, createTestTenant, testRedisUrl, waitFor, type TestEnvironment, type TestTenant } from "../src/testing/index.ts";

const run = promisify(execFile);
const packageRoot = join(import.meta.dirname, "..");

let environment: TestEnvironment;
let tenant: TestTenant;

beforeAll(async () => {
  environment = await createTestEnvironment();
});

// A tenant per test: each reads the tenant's whole admin trail.
beforeEach(async () => {
  tenant = await createTestTenant(environment.db);
});

afterAll(async () => {
  await environment.close();
});

/** `pnpm admin <args>` as an operator runs it, against this file's database, with Redis at `redisUrl`. */
function admin(args: string[], redisUrl = testRedisUrl) {
  return run(join(packageRoot, "node_modules/.bin/tsx"), ["src/admin/cli.ts", ...args], {
    cwd: packageRoot,
    env: { ...process.env, DATABASE_URL: environment.database.url, REDIS_URL: redisUrl, QUEUE_PREFIX: environment.queuePrefix },
  });
}

const revokeWithCli = (publicId: string, redisUrl?: string) => admin(["revoke-api-key", "--tenant", tenant.slug, "--id", publicId], redisUrl);

/** The tenant's admin trail, oldest first, as the console's API keys page lists it. */
const adminTrail = async () =>
  (await environment.db.adminEvent.findMany({ where: { tenantId: tenant.id }, orderBy: { createdAt: "asc" } })).map(({ type, subject, actorKind, actorLabel }) => ({ type, subject, actorKind, actorLabel }));

describe("pnpm admin create-user, create-api-key and revoke-api-key", () => {
  it("adds a person in the tenant's admin trail, and refuses one whose email is taken, recording nothing", async () => {
    const { stdout } = await admin(["create-user", "--tenant", tenant.slug, "--email", "ops@cli.test", "--name", "Ops", "--role", "admin", "--password", "a long enough password"]);
    expect(stdout).toContain(`created admin ops@cli.test in ${tenant.slug}`);
    const again = await admin(["create-user", "--tenant", tenant.slug, "--email", "OPS@cli.test", "--name", "Ops again", "--role", "viewer", "--password", "a long enough password"]).then(
      () => null,
      (error: unknown) => error as { code: number; stderr: string },
    );
    expect(again?.code).toBe(1);
    expect(await adminTrail()).toEqual([{ type: "user.added", subject: "ops@cli.test", actorKind: "system", actorLabel: "admin CLI" }]);
  });

  it("make and revoke keys as the console does: recorded in the tenant's admin trail, the revocation told to the API processes", async () => {
    const forgotten: (string | null)[] = [];
    const subscriber = new Redis(testRedisUrl, { maxRetriesPerRequest: null });
    const stop = listenForApiKeyChanges({ subscriber, prefix: environment.queuePrefix, logger: silentLogger(), forget: (tenantId) => forgotten.push(tenantId) });
    try {
      const channel = apiKeysChangedChannel.name(environment.queuePrefix);
      await waitFor(async () => ((await environment.redis.pubsub("NUMSUB", channel)) as [string, number])[1] > 0, { what: "the listener subscribed" });
      const created = await admin(["create-api-key", "--tenant", tenant.slug, "--role", "agent", "--name", "leaked"]);
      const publicId = /\(([^)]+)\)/.exec(created.stdout)?.[1] ?? "";
      expect(created.stdout).toContain(`created agent key "leaked" (${publicId}) for ${tenant.slug}`);

      const { stdout } = await revokeWithCli(publicId);
      expect(stdout).toContain(`revoked ${publicId}; the API processes refuse it from now on`);
      expect((await environment.db.apiKey.findUniqueOrThrow({ where: { publicId } })).revokedAt).not.toBeNull();
      await waitFor(() => Promise.resolve(forgotten.includes(tenant.id)), { what: "the revocation heard" });
      expect(await adminTrail()).toEqual([
        { type: "api_key.created", subject: `leaked (${publicId})`, actorKind: "system", actorLabel: "admin CLI" },
        { type: "api_key.revoked", subject: `leaked (${publicId})`, actorKind: "system", actorLabel: "admin CLI" },
      ]);

      // Revoked already, or no such key: an error that says so, exit code 1, nothing recorded.
      for (const [id, message] of [[publicId, "was already revoked"], ["abcdefghijkl", "No API key abcdefghijkl"]] as const) {
        const refused = await revokeWithCli(id).then(() => null, (error: unknown) => error as { code: number; stderr: string });
        expect(refused?.code).toBe(1);
        expect(refused?.stderr).toContain(message);
      }
      expect(await adminTrail()).toHaveLength(2);
    } finally {
      stop();
    }
  });

  it("still revokes when Redis does not answer, and says the API processes refuse the key once their cache lets it go", async () => {
    const { publicId } = await createApiKey(environment.db, { tenantId: tenant.id, name: "leaked too", role: "agent" });
    // Nothing listens on port 1.
    const { stdout } = await revokeWithCli(publicId, "redis://127.0.0.1:1");
    expect(stdout).toContain(`revoked ${publicId}; Redis did not answer`);
    expect(stdout).toContain("API_KEY_CACHE_MS");
    expect((await environment.db.apiKey.findUniqueOrThrow({ where: { publicId } })).revokedAt).not.toBeNull();
  });
});
