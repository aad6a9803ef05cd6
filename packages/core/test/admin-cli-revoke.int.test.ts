import { execFile } from "node:child_process";
import { join } from "node:path";
import { promisify } from "node:util";

import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

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
  tenant = await createTestTenant(environment.db);
});

afterAll(async () => {
  await environment.close();
});

/** `pnpm admin revoke-api-key` as an operator runs it, against this file's database, with Redis at `redisUrl`. */
function revokeWithCli(publicId: string, redisUrl: string) {
  return run(join(packageRoot, "node_modules/.bin/tsx"), ["src/admin/cli.ts", "revoke-api-key", "--tenant", tenant.slug, "--id", publicId], {
    cwd: packageRoot,
    env: { ...process.env, DATABASE_URL: environment.database.url, REDIS_URL: redisUrl, QUEUE_PREFIX: environment.queuePrefix },
  });
}

describe("pnpm admin revoke-api-key", () => {
  it("revokes the key and tells the API processes, which forget the tenant's cached keys", async () => {
    const forgotten: (string | null)[] = [];
    const subscriber = new Redis(testRedisUrl, { maxRetriesPerRequest: null });
    const stop = listenForApiKeyChanges({ subscriber, prefix: environment.queuePrefix, logger: silentLogger(), forget: (tenantId) => forgotten.push(tenantId) });
    try {
      const channel = apiKeysChangedChannel.name(environment.queuePrefix);
      await waitFor(async () => ((await environment.redis.pubsub("NUMSUB", channel)) as [string, number])[1] > 0, { what: "the listener subscribed" });
      const { publicId } = await createApiKey(environment.db, { tenantId: tenant.id, name: "leaked", role: "agent" });

      const { stdout } = await revokeWithCli(publicId, testRedisUrl);
      expect(stdout).toContain(`revoked ${publicId}; the API processes refuse it from now on`);
      expect((await environment.db.apiKey.findUniqueOrThrow({ where: { publicId } })).revokedAt).not.toBeNull();
      await waitFor(() => Promise.resolve(forgotten.includes(tenant.id)), { what: "the revocation heard" });
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
