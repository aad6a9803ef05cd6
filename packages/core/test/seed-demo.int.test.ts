import { randomBytes } from "node:crypto";

import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { DEMO_CONNECTOR_NAME } from "../src/admin/ensure-demo-connector.ts";
import { DEMO, seedDemo } from "../src/admin/seed-demo.ts";
import { findConnector } from "../src/connectors/find-connector.ts";
import { openConnectorSecrets } from "../src/connectors/open-connector-secrets.ts";
import { silentLogger } from "../src/logger.ts";
import { webhookEventTypes } from "../src/webhooks/webhook-event-types.ts";
import { createTestEnvironment, type TestEnvironment } from "../src/testing/index.ts";

const key = randomBytes(32);
let environment: TestEnvironment;

beforeAll(async () => {
  environment = await createTestEnvironment();
});

afterAll(() => environment.close());

/** Every row the seed could have written, to show a second run writes none. */
async function counts() {
  const db = environment.db;
  return {
    tenants: await db.tenant.count(),
    users: await db.user.count(),
    keys: await db.apiKey.count(),
    items: await db.item.count(),
    preferences: await db.approvalPreference.count(),
    templates: await db.actionTemplate.count(),
    connectors: await db.connector.count(),
    webhooks: await db.webhookEndpoint.count(),
    mailSettings: await db.userMailSetting.count(),
  };
}

describe("the demo seed", () => {
  it("skips the connector without a key, adds it once a key is given, then changes nothing", async () => {
    const withoutKey = await seedDemo({ db: environment.db, logger: silentLogger() });
    expect(withoutKey).toMatchObject({
      created: true,
      agentKey: expect.stringMatching(/^lsh_/),
      connector: { created: false, reason: "no connector key" },
      webhook: { created: false, reason: "no connector key" },
    });
    expect(await environment.db.connector.count()).toBe(0);
    expect(await environment.db.webhookEndpoint.count()).toBe(0);

    const withKey = await seedDemo(
      { db: environment.db, logger: silentLogger(), connectorKey: key },
      { connectorBaseUrl: "http://127.0.0.1:3999/api", webhookUrl: "http://127.0.0.1:3999/webhooks" },
    );
    expect(withKey).toMatchObject({ created: false, tenantId: withoutKey.tenantId, agentKey: null, connector: { created: true }, webhook: { created: true } });
    const connector = await findConnector(environment.db, withoutKey.tenantId, DEMO_CONNECTOR_NAME);
    expect(connector).toMatchObject({
      baseUrl: "http://127.0.0.1:3999/api",
      allowedMethods: ["POST", "DELETE"],
      allowedPathPrefixes: ["/invoices"],
      allowPrivateNetwork: true,
      undo: { method: "DELETE", path: "/invoices/{{result.body.id}}" },
    });
    if (!connector || !withKey.connector.created) throw new Error("the connector was not created");
    expect(withKey.connector.signingSecret).toMatch(/^whsec_/);
    expect(openConnectorSecrets(connector, key, new Date()).signingSecrets).toEqual([withKey.connector.signingSecret]);
    const endpoint = await environment.db.webhookEndpoint.findFirstOrThrow({ where: { tenantId: withoutKey.tenantId } });
    expect(endpoint).toMatchObject({ url: "http://127.0.0.1:3999/webhooks", allowPrivateNetwork: true, enabled: true, actionTypes: [] });
    expect(endpoint.eventTypes).toEqual([...webhookEventTypes]);
    expect(withKey.webhook).toMatchObject({ created: true, signingSecret: expect.stringMatching(/^whsec_/) });

    const before = await counts();
    const again = await seedDemo({ db: environment.db, logger: silentLogger(), connectorKey: key });
    expect(again).toEqual({
      created: false,
      tenantId: withoutKey.tenantId,
      agentKey: null,
      connector: { created: false, reason: "exists" },
      webhook: { created: false, reason: "exists" },
    });
    expect(await counts()).toEqual(before);
  });

  it("turns on the approver's approval mail, one mail per waiting action", async () => {
    const approver = await environment.db.user.findFirstOrThrow({ where: { email: DEMO.approver.email } });
    const setting = await environment.db.userMailSetting.findUniqueOrThrow({ where: { userId: approver.id } });
    expect(setting.approvalMail).toBe("each");
    expect(await environment.db.userMailSetting.count()).toBe(1);
  });

  it("leaves http actions to a person: only notify is auto-approved", async () => {
    const tenant = await environment.db.tenant.findUniqueOrThrow({ where: { slug: DEMO.tenant.slug } });
    const preferences = await environment.db.approvalPreference.findMany({ where: { tenantId: tenant.id } });
    expect(preferences.map((preference) => [preference.actionType, preference.autoApprove])).toEqual([["notify", true]]);
  });
});
