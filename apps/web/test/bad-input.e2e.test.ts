import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { createTestItem, junkValue, toJsonText, waitFor } from "@leash/core/testing";
import { databaseFingerprint } from "@leash/db/testing";

import { signInOverHttp, type HttpSession } from "./http-session.ts";
import { startConsoleStack, type TenantConsoleStack } from "./support.ts";

// Guarantee 3 of RELIABILITY.md for the console: every form action, posted with a valid session and
// anti-forgery token but junk fields, answers a 4xx or does its job, never a 5xx, and a refused post
// writes nothing.

const RUNS_PER_FORM = 40;

let stack: TenantConsoleStack;
let admin: HttpSession;
let forms: { name: string; path: string; fields: [string, string][] }[];

beforeAll(async () => {
  stack = await startConsoleStack();
  const { tenant } = stack;
  admin = await signInOverHttp(stack.web.url, tenant, "admin");
  const agent = stack.api.client(tenant.keys.agent);
  const project = await createTestItem(stack.environment.db, tenant.id, { kind: "project", title: "Relaunch" });
  const { action } = await agent.action.propose.mutate({ actionType: "update", targetType: "project", targetId: project.id, parameters: { title: "Renamed" } });
  const template = await stack.api.client(tenant.keys.admin).template.create.mutate({
    name: "Onboard",
    parameters: [{ name: "title", type: "string" }],
    steps: [{ actionType: "create", targetType: "idea", parameters: { title: "{{params.title}}" } }],
  });
  const id = String(action.id);
  const notification = await stack.environment.db.notification.create({
    data: { tenantId: tenant.id, channel: "in_app", recipient: `admin@${tenant.slug}.test`, userId: tenant.admin.userId, message: "Hello", deliveredAt: new Date() },
  });
  const connector = await stack.api.client(tenant.keys.admin).connector.create.mutate({
    name: "orders-api",
    baseUrl: "https://orders.example.com/v1",
    allowedMethods: ["POST"],
    allowedPathPrefixes: ["/orders"],
  });
  const connectorFields: [string, string][] = [
    ["name", "billing-api"],
    ["baseUrl", "https://billing.example.com/v1"],
    ["allowedMethods", "POST"],
    ["allowedMethods", "DELETE"],
    ["allowedPathPrefixes", "/invoices"],
    ["headers", "X-Team: growth"],
    ["secretHeaders", "Authorization: Bearer secret-token"],
    ["timeoutMs", "5000"],
    ["undoMethod", "DELETE"],
    ["undoPath", "/invoices/{{result.body.id}}"],
  ];
  // Endpoints that subscribe only to expiries, which nothing here causes: the worker never writes behind a post's back.
  const webhookFields: [string, string][] = [
    ["url", "https://hooks.example.com/leash"],
    ["description", "Ops"],
    ["eventTypes", "action.expired"],
    ["actionTypes", "update"],
  ];
  const webhooks = stack.api.client(tenant.keys.admin).webhook;
  const webhookInput = { url: "https://hooks.example.com/leash", eventTypes: ["action.expired" as const] };
  const liveEndpoint = (await webhooks.create.mutate(webhookInput)).endpoint;
  const doomedEndpoint = (await webhooks.create.mutate(webhookInput)).endpoint;
  // Disabled, so a test event or "Send again" on it is refused rather than sent in the background.
  const pausedEndpoint = (await webhooks.create.mutate(webhookInput)).endpoint;
  await webhooks.update.mutate({ endpointId: pausedEndpoint.id, enabled: false });
  const failedDelivery = await stack.environment.db.webhookDelivery.create({
    data: { tenantId: tenant.id, endpointId: pausedEndpoint.id, eventType: "webhook.test", messageId: "test_failed", payload: { type: "webhook.test" }, status: "failed", nextAttemptAt: new Date() },
  });
  const templateFields: [string, string][] = [
    ["name", "Onboard v2"],
    ["description", "why"],
    ["parameters.0.name", "title"],
    ["parameters.0.type", "string"],
    ["parameters.0.required", "on"],
    ["steps.0.actionType", "create"],
    ["steps.0.targetType", "idea"],
    ["steps.0.targetId", ""],
    ["steps.0.parameters", '{"title":"{{params.title}}"}'],
    ["steps.0.reason", "onboarding"],
  ];
  // A valid post of every form of the console, spoiled one field at a time by the property below.
  forms = [
    { name: "inbox approve", path: "/?index", fields: [["intent", "approve"], ["actionId", id]] },
    { name: "inbox approve and trust", path: "/?index", fields: [["intent", "approve-trust"], ["actionId", id], ["days", "7"]] },
    { name: "inbox reject", path: "/?index", fields: [["intent", "reject"], ["actionId", id], ["reason", "no"]] },
    { name: "inbox approve selected", path: "/?index", fields: [["intent", "approve-selected"], ["actionId", id], ["actionId", id]] },
    { name: "inbox reject selected", path: "/?index", fields: [["intent", "reject-selected"], ["actionId", id], ["reason", "no"]] },
    { name: "detail approve", path: `/actions/${id}`, fields: [["intent", "approve"]] },
    { name: "detail approve edited", path: `/actions/${id}`, fields: [["intent", "approve-edited"], ["parameters", '{"title":"Edited"}']] },
    { name: "detail reject", path: `/actions/${id}`, fields: [["intent", "reject"], ["reason", "no"]] },
    { name: "detail cancel", path: `/actions/${id}`, fields: [["intent", "cancel"], ["reason", "no"]] },
    { name: "rollback", path: `/actions/${id}/rollback`, fields: [["confirm", "true"], ["cascade", "false"], ["reason", "undo"]] },
    { name: "template delete", path: "/templates", fields: [["intent", "delete"], ["templateId", String(template.id)]] },
    { name: "template new", path: "/templates/new", fields: templateFields },
    { name: "template edit", path: `/templates/${template.id}/edit`, fields: templateFields },
    { name: "template run", path: `/templates/${template.id}/run`, fields: [["param.title", "Idea"], ["reason", "go"]] },
    { name: "preference", path: "/preferences", fields: [["actionType", "link"], ["targetType", "person"], ["autoApprove", "false"]] },
    { name: "grant revoke", path: "/preferences", fields: [["intent", "revoke-grant"], ["grantId", "5b0f8c1e-8a51-4d43-9d2e-7f0f3c1a2b4c"]] },
    { name: "policy set", path: "/policies", fields: [["intent", "set"], ["actionType", "link"], ["targetType", "person"], ["requiredApprovals", "2"], ["separationOfDuties", "on"], ["expiryFallback", "reject"]] },
    { name: "policy delete", path: "/policies", fields: [["intent", "delete"], ["policyId", "5b0f8c1e-8a51-4d43-9d2e-7f0f3c1a2b4c"]] },
    { name: "notification read", path: "/notifications", fields: [["notificationId", String(notification.id)]] },
    { name: "approval mail", path: "/settings", fields: [["mode", "digest"], ["digestMinutes", "30"]] },
    { name: "connector create", path: "/connectors", fields: [["intent", "create"], ...connectorFields] },
    { name: "connector update", path: "/connectors", fields: [["intent", "update"], ["connectorId", connector.connector.id], ...connectorFields.filter(([name]) => name !== "name")] },
    { name: "connector rotate", path: "/connectors", fields: [["intent", "rotate"], ["connectorId", connector.connector.id]] },
    { name: "connector delete", path: "/connectors", fields: [["intent", "delete"], ["connectorId", connector.connector.id]] },
    { name: "webhook create", path: "/webhooks", fields: [["intent", "create"], ...webhookFields] },
    { name: "webhook update", path: `/webhooks/${liveEndpoint.id}`, fields: [["intent", "update"], ...webhookFields] },
    { name: "webhook disable", path: `/webhooks/${liveEndpoint.id}`, fields: [["intent", "disable"]] },
    { name: "webhook enable", path: `/webhooks/${liveEndpoint.id}`, fields: [["intent", "enable"]] },
    { name: "webhook rotate", path: `/webhooks/${liveEndpoint.id}`, fields: [["intent", "rotate"]] },
    { name: "webhook test", path: `/webhooks/${pausedEndpoint.id}`, fields: [["intent", "test"]] },
    { name: "webhook send again", path: `/webhooks/${pausedEndpoint.id}`, fields: [["intent", "redeliver"], ["deliveryId", String(failedDelivery.id)]] },
    { name: "webhook delete", path: `/webhooks/${doomedEndpoint.id}`, fields: [["intent", "delete"]] },
  ];
});

afterAll(() => stack.close());

/** Text a form field may carry: junk values written as text, numbers that are not ids, unicode and oversized text. */
const junkText = fc.oneof(
  junkValue.map((value) => (typeof value === "string" ? value : toJsonText(value))),
  fc.constantFrom("", " ", "-1", "0", "1e309", "NaN", "Infinity", "0x10", "1.5", "99999999999999999999", "null", "true", "on", "../../etc/passwd", "<script>alert(1)</script>"),
  fc.string({ unit: "grapheme", maxLength: 300 }),
);

/** A valid post with one field spoiled: its value replaced, dropped, repeated with junk, or an unknown field added. */
function spoiledFields(fields: [string, string][]): fc.Arbitrary<[string, string][]> {
  const index = fc.nat({ max: Math.max(0, fields.length - 1) });
  return fc.oneof(
    fc.tuple(index, junkText).map(([at, junk]) => fields.map(([name, value], i): [string, string] => [name, i === at ? junk : value])),
    index.map((at) => fields.filter((_, i) => i !== at)),
    fc.tuple(index, junkText).map(([at, junk]): [string, string][] => [...fields, [fields[at]?.[0] ?? "intent", junk]]),
    fc.tuple(fc.string({ unit: "grapheme", minLength: 1, maxLength: 50 }), junkText).map(([name, junk]): [string, string][] => [...fields, [name, junk]]),
  );
}

async function workerIdle() {
  await waitFor(async () => (await stack.environment.db.agentAction.count({ where: { status: { in: ["approved", "executing"] } } })) === 0, { what: "an idle worker" });
}

describe("every form of the console refuses junk with a 4xx and writes nothing", () => {
  it("covers every route with an action", async () => {
    const { readdir, readFile } = await import("node:fs/promises");
    const routes = new URL("../app/routes/", import.meta.url);
    const withAction: string[] = [];
    for (const file of await readdir(routes)) {
      if ((await readFile(new URL(file, routes), "utf8")).includes("export async function action")) withAction.push(file);
    }
    // sign-in and sign-out are checked on their own below; every other form is in the table.
    expect(withAction.sort()).toEqual(
      ["action-detail.tsx", "action-rollback.tsx", "connectors.tsx", "inbox.tsx", "notifications.tsx", "policies.tsx", "preferences.tsx", "settings.tsx", "sign-in.tsx", "sign-out.ts", "template-edit.tsx", "template-run.tsx", "templates.tsx", "webhook-detail.tsx", "webhooks.tsx"].sort(),
    );
  });

  // Every form in turn, so its time grows with the number of forms: a longer timeout than the others.
  it("each form with spoiled fields", async () => {
    const tally: Record<string, { refused: number; accepted: number }> = {};
    for (const form of forms) {
      const counts = { refused: 0, accepted: 0 };
      tally[form.name] = counts;
      await fc.assert(
        fc.asyncProperty(spoiledFields(form.fields), async (fields) => {
          const before = await databaseFingerprint(stack.environment.db);
          const response = await admin.post(form.path, fields);
          expect(response.status, `${form.name}: ${response.text.slice(0, 300)}`).toBeLessThan(500);
          if (response.status >= 400) {
            counts.refused += 1;
            expect(response.text.length).toBeGreaterThan(0);
            expect(await databaseFingerprint(stack.environment.db), `${form.name} wrote after answering ${response.status}`).toBe(before);
          } else {
            counts.accepted += 1;
            await workerIdle();
          }
        }),
        { numRuns: RUNS_PER_FORM },
      );
    }
    // Spoiled posts are mostly refused; some spoils leave a valid post (an optional field dropped).
    for (const [name, counts] of Object.entries(tally)) expect(counts.refused, name).toBeGreaterThan(0);
  }, 360_000);

  it("junk in the route's own ids: /actions/<junk>, /templates/<junk>/run", async () => {
    // Text that reads as a positive number may name a real action or template ("0x10" is #16): left out.
    // A URL cannot carry a lone UTF-16 surrogate (encodeURIComponent throws): encoded as UTF-8 first, it becomes U+FFFD, as a browser sends it.
    const segment = junkText
      .filter((text) => text.length > 0 && text.length < 2_000 && !(Number(text) > 0))
      .map((text) => encodeURIComponent(Buffer.from(text, "utf8").toString("utf8")));
    await fc.assert(
      fc.asyncProperty(segment, fc.constantFrom("/actions/ID", "/actions/ID/rollback", "/templates/ID/run", "/templates/ID/edit", "/webhooks/ID"), async (id, shape) => {
        const before = await databaseFingerprint(stack.environment.db);
        const response = await admin.post(shape.replace("ID", id), [["intent", "approve"], ["confirm", "true"], ["param.title", "x"], ["name", "x"]]);
        expect(response.status, `${shape} ${id}`).toBeGreaterThanOrEqual(400);
        expect(response.status, `${shape} ${id}`).toBeLessThan(500);
        expect(await databaseFingerprint(stack.environment.db)).toBe(before);
      }),
      { numRuns: 60 },
    );
  });

  it("bodies that are not forms, and posts without the session's token: 4xx, nothing written", async () => {
    const body = fc.oneof(fc.string({ unit: "binary", maxLength: 500 }), junkValue.map((value) => toJsonText(value).slice(0, 50_000)));
    const contentType = fc.constantFrom("application/x-www-form-urlencoded", "multipart/form-data; boundary=zzz", "multipart/form-data", "application/json", "text/plain");
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...forms), body, contentType, async (form, text, type) => {
        const before = await databaseFingerprint(stack.environment.db);
        const response = await admin.post(form.path, [], { body: text, contentType: type });
        expect(response.status, `${form.name} ${type}`).toBeGreaterThanOrEqual(400);
        expect(response.status, `${form.name} ${type}`).toBeLessThan(500);
        expect(await databaseFingerprint(stack.environment.db)).toBe(before);
      }),
      { numRuns: 80 },
    );
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...forms), junkText, async (form, token) => {
        const before = await databaseFingerprint(stack.environment.db);
        const response = await admin.post(form.path, form.fields, { csrf: token });
        expect(response.status).toBe(403);
        expect(await databaseFingerprint(stack.environment.db)).toBe(before);
      }),
      { numRuns: 40 },
    );
  });

  it("a form over 1 MiB is refused with 413, whether or not it says its length", async () => {
    const before = await databaseFingerprint(stack.environment.db);
    // The console answers before reading the rest, so a client still sending may see the connection close instead.
    const outcome = (post: Promise<{ status: number }>) => post.then((response) => response.status, (error: unknown) => (String(error).includes("fetch failed") ? "closed" : error));
    const big = new URLSearchParams([["csrf", admin.csrf], ["intent", "approve"], ["reason", "x".repeat(2 * 1024 * 1024)]]).toString();
    expect([413, "closed"]).toContain(await outcome(admin.post("/?index", [], { body: big })));
    const chunks = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let index = 0; index < 40; index += 1) controller.enqueue(new TextEncoder().encode("x".repeat(64 * 1024)));
        controller.close();
      },
    });
    expect([413, "closed"]).toContain(await outcome(admin.post("/templates/new", [], { body: chunks })));
    expect((await fetch(`${stack.web.url}/healthz`)).status).toBe(200);
    expect(await databaseFingerprint(stack.environment.db)).toBe(before);
  });

  it("sign-in with junk credentials and a valid token: a 4xx and no session", async () => {
    const { url } = stack.web;
    await fc.assert(
      fc.asyncProperty(junkText, junkText, junkText, async (tenant, email, password) => {
        const page = await fetch(`${url}/sign-in`);
        const cookie = (page.headers.get("set-cookie") ?? "").split(";")[0] ?? "";
        const csrf = /name="csrf" value="([^"]+)"/.exec(await page.text())?.[1] ?? "";
        const response = await fetch(`${url}/sign-in`, {
          method: "POST",
          redirect: "manual",
          headers: { cookie, "content-type": "application/x-www-form-urlencoded" },
          body: new URLSearchParams({ tenant, email, password, csrf }),
        });
        expect(response.status).toBeGreaterThanOrEqual(400);
        expect(response.status).toBeLessThan(500);
      }),
      { numRuns: 40 },
    );
  });
});
