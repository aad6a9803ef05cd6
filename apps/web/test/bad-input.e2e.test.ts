import { readdir, readFile } from "node:fs/promises";

import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import {
  anyUnicodeString,
  boundaryIntegerText,
  createTestItem,
  edgeInstantText,
  junkValue,
  quotedInternals,
  serviceAddresses,
  testRedisUrl,
  toJsonText,
  waitFor,
} from "@leash/core/testing";
import { createApiKey } from "@leash/core";
import { databaseFingerprint } from "@leash/db/testing";

import { signInOverHttp, type HttpSession } from "./http-session.ts";
import { startConsoleStack, type TenantConsoleStack } from "./support.ts";

// Guarantee 3 of RELIABILITY.md for the console: every form action, posted with a valid session and
// anti-forgery token but junk fields, and every page with junk in its address, answers a 4xx or does
// its job, never a 5xx; no page quotes the inside (file paths, stack lines, Prisma, SQL, the
// database's or Redis' address); and a refused post writes nothing.

const RUNS_PER_FORM = 25;
const RUNS_PER_PAGE = 20;

interface Form {
  name: string;
  /** The route module whose action answers it (app/routes/<file>). */
  route: string;
  path: string;
  fields: [string, string][];
  /** Who posts it, when not the admin whose session every other test uses (a form that ends its own session). */
  session?: HttpSession;
}

/** A page whose loader reads its query string, with the parameters it reads. */
interface QueryPage {
  route: string;
  path: string;
  parameters: string[];
  /** Loaded without a session (the sign-in page sends a signed-in person on). */
  anonymous?: boolean;
}

let stack: TenantConsoleStack;
let admin: HttpSession;
let addresses: string[];
let forms: Form[];
let pages: QueryPage[];

beforeAll(async () => {
  stack = await startConsoleStack();
  const { tenant } = stack;
  addresses = serviceAddresses(stack.environment.database.url, testRedisUrl);
  admin = await signInOverHttp(stack.web.url, tenant, "admin");
  const viewer = await signInOverHttp(stack.web.url, tenant, "viewer");
  const agent = stack.api.client(tenant.keys.agent);
  const project = await createTestItem(stack.environment.db, tenant.id, { kind: "project", title: "Relaunch" });
  const { action } = await agent.action.propose.mutate({ actionType: "update", targetType: "project", targetId: project.id, parameters: { title: "Renamed" } });
  const template = await stack.api.client(tenant.keys.admin).template.create.mutate({
    name: "Onboard",
    parameters: [{ name: "title", type: "string" }],
    steps: [{ actionType: "create", targetType: "idea", parameters: { title: "{{params.title}}" } }],
  });
  const id = String(action.id);
  const batch = await agent.action.proposeBatch.mutate({ actions: [{ actionType: "create", targetType: "idea", parameters: { title: "One" } }, { actionType: "create", targetType: "idea", parameters: { title: "Two" } }] });
  const [firstOfBatch] = batch.actions;
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
    ["parameters.0.description", "what the idea is called"],
    ["steps.0.actionType", "create"],
    ["steps.0.targetType", "idea"],
    ["steps.0.targetId", ""],
    ["steps.0.parameters", '{"title":"{{params.title}}"}'],
    ["steps.0.reason", "onboarding"],
  ];
  // The same step given through the fields of its type (the JSON view left as shown).
  const templateStepFields: [string, string][] = [
    ...templateFields.filter(([name]) => name !== "steps.0.parameters"),
    ["steps.0.shownType", "create"],
    ["steps.0.p.title", "{{params.title}}"],
    ["steps.0.p.data.0.key", "status"],
    ["steps.0.p.data.0.value", "new"],
    ["steps.0.parameters", ""],
    ["steps.0.parametersShown", ""],
  ];
  // People, keys and single sign-on act on rows of their own, so that deactivating or revoking one leaves every other form's session and key alone.
  const person = await stack.environment.db.user.create({ data: { tenantId: tenant.id, email: `fuzzed@${tenant.slug}.test`, name: "Fuzzed Person", role: "approver", passwordHash: "unusable" } });
  const renamedKey = await createApiKey(stack.environment.db, { tenantId: tenant.id, name: "renamed-key", role: "agent" });
  const revokedKey = await createApiKey(stack.environment.db, { tenantId: tenant.id, name: "revoked-key", role: "agent" });
  const ssoFields: [string, string][] = [
    ["intent", "save"],
    // Nothing answers there: a valid post is refused once discovery fails, which writes nothing either.
    ["issuerUrl", "https://127.0.0.1:9/"],
    ["clientId", "leash"],
    ["clientSecret", "secret"],
    ["allowedEmailDomain", "example.com"],
    ["newUserRole", "viewer"],
  ];
  // A valid post of every form of the console, spoiled one field at a time by the property below.
  forms = [
    { name: "inbox approve", route: "inbox.tsx", path: "/?index", fields: [["intent", "approve"], ["actionId", id]] },
    { name: "inbox approve and trust", route: "inbox.tsx", path: "/?index", fields: [["intent", "approve-trust"], ["actionId", id], ["days", "7"]] },
    { name: "inbox reject", route: "inbox.tsx", path: "/?index", fields: [["intent", "reject"], ["actionId", id], ["reason", "no"]] },
    { name: "inbox approve selected", route: "inbox.tsx", path: "/?index", fields: [["intent", "approve-selected"], ["actionId", id], ["actionId", id]] },
    { name: "inbox reject selected", route: "inbox.tsx", path: "/?index", fields: [["intent", "reject-selected"], ["actionId", id], ["reason", "no"]] },
    { name: "inbox approve batch", route: "inbox.tsx", path: "/?index", fields: [["intent", "approve-batch"], ["batchId", batch.batchId], ["leaveOut", String(firstOfBatch?.id)]] },
    { name: "inbox reject batch", route: "inbox.tsx", path: "/?index", fields: [["intent", "reject-batch"], ["batchId", batch.batchId], ["reason", "no"], ["leaveOut", String(firstOfBatch?.id)]] },
    { name: "detail approve", route: "action-detail.tsx", path: `/actions/${id}`, fields: [["intent", "approve"]] },
    { name: "detail approve edited", route: "action-detail.tsx", path: `/actions/${id}`, fields: [["intent", "approve-edited"], ["parameters", '{"title":"Edited"}']] },
    {
      name: "detail approve edited fields",
      route: "action-detail.tsx",
      path: `/actions/${id}`,
      fields: [["intent", "approve-edited"], ["p.title", "Edited"], ["p.data.0.key", "status"], ["p.data.0.value", "done"], ["parameters", "{}"], ["parametersShown", "{}"]],
    },
    { name: "detail reject", route: "action-detail.tsx", path: `/actions/${id}`, fields: [["intent", "reject"], ["reason", "no"]] },
    { name: "detail cancel", route: "action-detail.tsx", path: `/actions/${id}`, fields: [["intent", "cancel"], ["reason", "no"]] },
    { name: "rollback", route: "action-rollback.tsx", path: `/actions/${id}/rollback`, fields: [["confirm", "true"], ["cascade", "false"], ["reason", "undo"]] },
    { name: "template delete", route: "templates.tsx", path: "/templates", fields: [["intent", "delete"], ["templateId", String(template.id)]] },
    { name: "template new", route: "template-edit.tsx", path: "/templates/new", fields: templateFields },
    { name: "template edit", route: "template-edit.tsx", path: `/templates/${template.id}/edit`, fields: templateFields },
    { name: "template edit fields", route: "template-edit.tsx", path: `/templates/${template.id}/edit`, fields: templateStepFields },
    { name: "template run", route: "template-run.tsx", path: `/templates/${template.id}/run`, fields: [["param.title", "Idea"], ["reason", "go"]] },
    { name: "preference", route: "preferences.tsx", path: "/preferences", fields: [["actionType", "link"], ["targetType", "person"], ["autoApprove", "false"]] },
    { name: "grant revoke", route: "preferences.tsx", path: "/preferences", fields: [["intent", "revoke-grant"], ["grantId", "5b0f8c1e-8a51-4d43-9d2e-7f0f3c1a2b4c"]] },
    { name: "policy set", route: "policies.tsx", path: "/policies", fields: [["intent", "set"], ["actionType", "link"], ["targetType", "person"], ["requiredApprovals", "2"], ["separationOfDuties", "on"], ["remindAfter", "30"], ["remindAfterUnit", "minutes"], ["expiryFallback", "reject"]] },
    { name: "policy delete", route: "policies.tsx", path: "/policies", fields: [["intent", "delete"], ["policyId", "5b0f8c1e-8a51-4d43-9d2e-7f0f3c1a2b4c"]] },
    { name: "notification read", route: "notifications.tsx", path: "/notifications", fields: [["notificationId", String(notification.id)]] },
    { name: "approval mail", route: "settings.tsx", path: "/settings", fields: [["mode", "digest"], ["digestMinutes", "30"]] },
    // Its first accepted post ends the viewer's sessions; the later ones test a session that is gone.
    { name: "sign out everywhere", route: "settings.tsx", path: "/settings", fields: [["intent", "sign-out-everywhere"]], session: viewer },
    { name: "connector create", route: "connectors.tsx", path: "/connectors", fields: [["intent", "create"], ...connectorFields] },
    { name: "connector update", route: "connectors.tsx", path: "/connectors", fields: [["intent", "update"], ["connectorId", connector.connector.id], ...connectorFields.filter(([name]) => name !== "name")] },
    { name: "connector rotate", route: "connectors.tsx", path: "/connectors", fields: [["intent", "rotate"], ["connectorId", connector.connector.id]] },
    { name: "connector delete", route: "connectors.tsx", path: "/connectors", fields: [["intent", "delete"], ["connectorId", connector.connector.id]] },
    { name: "webhook create", route: "webhooks.tsx", path: "/webhooks", fields: [["intent", "create"], ...webhookFields] },
    { name: "webhook update", route: "webhook-detail.tsx", path: `/webhooks/${liveEndpoint.id}`, fields: [["intent", "update"], ...webhookFields] },
    { name: "webhook disable", route: "webhook-detail.tsx", path: `/webhooks/${liveEndpoint.id}`, fields: [["intent", "disable"]] },
    { name: "webhook enable", route: "webhook-detail.tsx", path: `/webhooks/${liveEndpoint.id}`, fields: [["intent", "enable"]] },
    { name: "webhook rotate", route: "webhook-detail.tsx", path: `/webhooks/${liveEndpoint.id}`, fields: [["intent", "rotate"]] },
    { name: "webhook test", route: "webhook-detail.tsx", path: `/webhooks/${pausedEndpoint.id}`, fields: [["intent", "test"]] },
    { name: "webhook send again", route: "webhook-detail.tsx", path: `/webhooks/${pausedEndpoint.id}`, fields: [["intent", "redeliver"], ["deliveryId", String(failedDelivery.id)]] },
    { name: "webhook delete", route: "webhook-detail.tsx", path: `/webhooks/${doomedEndpoint.id}`, fields: [["intent", "delete"]] },
    { name: "person add", route: "people.tsx", path: "/people", fields: [["intent", "add"], ["name", "Added Person"], ["email", `added@${tenant.slug}.test`], ["role", "viewer"]] },
    { name: "person role", route: "people.tsx", path: "/people", fields: [["intent", "role"], ["userId", person.id], ["role", "approver"]] },
    { name: "person reset", route: "people.tsx", path: "/people", fields: [["intent", "reset"], ["userId", person.id]] },
    { name: "person deactivate", route: "people.tsx", path: "/people", fields: [["intent", "deactivate"], ["userId", person.id]] },
    { name: "person reactivate", route: "people.tsx", path: "/people", fields: [["intent", "reactivate"], ["userId", person.id]] },
    { name: "api key create", route: "api-keys.tsx", path: "/api-keys", fields: [["intent", "create"], ["name", "fuzzed-key"], ["role", "agent"], ["ownerId", tenant.admin.userId], ["expiresOn", ""]] },
    { name: "api key rename", route: "api-keys.tsx", path: "/api-keys", fields: [["intent", "rename"], ["publicId", renamedKey.publicId], ["name", "renamed-again"]] },
    { name: "theme", route: "theme.ts", path: "/theme", fields: [["theme", "dark"], ["redirectTo", "/history"]] },
    { name: "api key revoke", route: "api-keys.tsx", path: "/api-keys", fields: [["intent", "revoke"], ["publicId", revokedKey.publicId]] },
    { name: "single sign-on save", route: "single-sign-on.tsx", path: "/single-sign-on", fields: ssoFields },
    { name: "single sign-on remove", route: "single-sign-on.tsx", path: "/single-sign-on", fields: [["intent", "remove"]] },
  ];
  // Every page that reads its address's query string, with each parameter it (or the filter module the history shares with its export) reads.
  const history = ["type", "status", "target", "actor", "from", "to", "cursor", "format"];
  pages = [
    { route: "inbox.tsx", path: "/", parameters: ["selected", "rows"] },
    { route: "inbox-details.ts", path: "/inbox/details", parameters: ["id"] },
    { route: "history.tsx", path: "/history", parameters: history },
    { route: "history-export.ts", path: "/history/export?format=csv", parameters: history },
    { route: "items.tsx", path: "/items", parameters: ["kind", "q", "deleted", "cursor"] },
    { route: "metrics.tsx", path: "/metrics", parameters: ["window", "actionType", "apiKeyId"] },
    { route: "connectors.tsx", path: "/connectors", parameters: ["edit"] },
    { route: "webhook-detail.tsx", path: `/webhooks/${pausedEndpoint.id}`, parameters: ["cursor"] },
    { route: "template-run.tsx", path: `/templates/${template.id}/run`, parameters: ["actions"] },
    { route: "action-rollback.tsx", path: `/actions/${id}/rollback`, parameters: ["cascade"] },
    { route: "sign-in.tsx", path: "/sign-in", parameters: ["redirectTo", "workspace"], anonymous: true },
    { route: "sso-sign-in.tsx", path: "/sign-in/sso", parameters: ["redirectTo"], anonymous: true },
  ];
});

afterAll(() => stack.close());

/** Text a form field or query parameter may carry: junk written as text, strings from all of Unicode, integers at the columns' bounds, numbers that are not ids, oversized text. */
const junkText = fc.oneof(
  junkValue.map((value) => (typeof value === "string" ? value : toJsonText(value))),
  anyUnicodeString,
  boundaryIntegerText,
  edgeInstantText,
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

/** A URL carries UTF-8: a lone surrogate is sent as U+FFFD, as a browser sends it (encodeURIComponent would throw). */
const inUrl = (text: string) => encodeURIComponent(Buffer.from(text, "utf8").toString("utf8"));

function expectNothingInternal(what: string, text: string) {
  expect(quotedInternals(text, addresses), `${what}: ${text.slice(0, 300)}`).toEqual([]);
}

async function workerIdle() {
  await waitFor(async () => (await stack.environment.db.agentAction.count({ where: { status: { in: ["approved", "executing"] } } })) === 0, { what: "an idle worker" });
}

/**
 * What the console's routes do, read from their source: each route module (from app/routes.ts),
 * whether it has an action and which intents it tells apart (in the module or a server module it
 * imports), and which query parameters its loader reads. A route or intent added later without an
 * entry in the tables above fails the completeness test.
 */
async function routeSurface(): Promise<{ route: string; action: boolean; intents: string[]; queryParameters: string[] }[]> {
  const app = new URL("../app/", import.meta.url);
  const routeFiles = [...(await readFile(new URL("routes.ts", app), "utf8")).matchAll(/"routes\/([\w.-]+)"/g)].map(([, file = ""]) => file);
  const serverFiles = await readdir(new URL("server/", app));
  return Promise.all(
    [...new Set(routeFiles)].map(async (route) => {
      const source = await readFile(new URL(`routes/${route}`, app), "utf8");
      const imported = serverFiles.filter((file) => source.includes(`../server/${file}"`));
      const sources = [source, ...(await Promise.all(imported.map((file) => readFile(new URL(`server/${file}`, app), "utf8"))))];
      const all = sources.join("\n");
      const intents = [
        ...[...all.matchAll(/formIntent\(form, \[([^\]]*)\]\)/g)].flatMap(([, list = ""]) => [...list.matchAll(/"([^"]+)"/g)].map(([, intent = ""]) => intent)),
        ...[...all.matchAll(/(?:formText\(form, "intent"\)|form\.get\("intent"\)) === "([^"]+)"/g)].map(([, intent = ""]) => intent),
      ];
      const queryParameters = source.includes("searchParams")
        ? [
            ...[...all.matchAll(/(?:searchParams|params)\.(?:get|getAll)\("([^"]+)"\)|param\(params, "([^"]+)"\)/g)].map(([, name, other]) => name ?? other ?? ""),
            ...(all.includes("historyParams") ? [...(/historyParams = \[([^\]]*)\]/.exec(all)?.[1] ?? "").matchAll(/"([^"]+)"/g)].map(([, name = ""]) => name) : []),
          ]
        : [];
      return { route, action: /export (?:async )?function action\b/.test(source), intents: [...new Set(intents)], queryParameters: [...new Set(queryParameters)] };
    }),
  );
}

/** Answered on their own below: sign-in's and single sign-on's junk from someone signed out, and sign-out, which has no fields but the token. */
const formsTestedOnTheirOwn = ["sign-in.tsx", "sso-sign-in.tsx", "sign-out.ts"];

describe("every form and page of the console refuses junk with a 4xx, quotes nothing internal, and writes nothing", () => {
  it("covers every route with an action, every intent of its forms, and every query parameter a page reads", async () => {
    const surface = await routeSurface();
    const intentOf = (form: Form) => form.fields.find(([name]) => name === "intent")?.[1];
    const missingForms = surface.filter((route) => route.action && !formsTestedOnTheirOwn.includes(route.route) && !forms.some((form) => form.route === route.route)).map((route) => route.route);
    const missingIntents = surface.flatMap((route) => route.intents.filter((intent) => !forms.some((form) => form.route === route.route && intentOf(form) === intent)).map((intent) => `${route.route} ${intent}`));
    const missingParameters = surface.flatMap((route) => route.queryParameters.filter((name) => !pages.some((page) => page.route === route.route && page.parameters.includes(name))).map((name) => `${route.route} ?${name}`));
    expect({ missingForms, missingIntents, missingParameters }).toEqual({ missingForms: [], missingIntents: [], missingParameters: [] });
    // The scan must see what is there, or the check above would pass on nothing.
    expect(surface.filter((route) => route.action).length).toBeGreaterThan(10);
    expect(surface.find((route) => route.route === "inbox.tsx")?.intents).toContain("approve-batch");
    expect(surface.find((route) => route.route === "history.tsx")?.queryParameters).toContain("actor");
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
          const response = await (form.session ?? admin).post(form.path, fields);
          expect(response.status, `${form.name}: ${response.text.slice(0, 300)}`).toBeLessThan(500);
          expectNothingInternal(form.name, response.text);
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
    for (const form of forms.filter((entry) => !entry.session)) expect(tally[form.name]?.refused, form.name).toBeGreaterThan(0);
    // A form that ends its own session was posted for real at least once: that session is gone, and the later posts were turned away.
    for (const form of forms) if (form.session) expect((await form.session.get("/")).status, form.name).toBe(302);
  }, 360_000);

  it("each page with junk in every query parameter it reads: a page or a 4xx, nothing written", async () => {
    // Reading metrics summarises each finished hour once, for every later read (README, Metrics): a cache, not a change.
    const fingerprint = async () => (await databaseFingerprint(stack.environment.db)).replace(/action_metrics_period=[^;]*/, "");
    const before = await fingerprint();
    const load = async (path: string, anonymous: boolean) => {
      if (!anonymous) return admin.get(path);
      const response = await fetch(`${stack.web.url}${path}`, { redirect: "manual" });
      return { status: response.status, text: await response.text() };
    };
    for (const page of pages) {
      await fc.assert(
        fc.asyncProperty(fc.array(fc.tuple(fc.constantFrom(...page.parameters), junkText), { minLength: 1, maxLength: 3 }), async (parameters) => {
          const query = parameters.map(([name, value]) => `${name}=${inUrl(value.slice(0, 2_000))}`).join("&");
          const response = await load(`${page.path}${page.path.includes("?") ? "&" : "?"}${query}`, page.anonymous ?? false);
          // A page or a refusal: a redirect (to sign in) would mean the page itself was never tried.
          expect(response.status, `${page.path}?${query.slice(0, 300)}: ${response.text.slice(0, 300)}`).toSatisfy((status: number) => status === 200 || (status >= 400 && status < 500));
          expectNothingInternal(`${page.path}?${query.slice(0, 100)}`, response.text);
        }),
        { numRuns: RUNS_PER_PAGE },
      );
    }
    expect(await fingerprint()).toBe(before);
  }, 240_000);

  // Postgres has no year 0, which a day picked in the filters could name: these were a 500.
  it.each(["/history?from=0000-01-01", "/history?to=0000-12-30", "/history/export?format=csv&from=0000-01-01"])("%s is refused, saying why", async (path) => {
    const response = await admin.get(path);
    expect(response.status, response.text.slice(0, 300)).toBe(400);
    expect(response.text).toContain("must not be before the year 1");
  });

  it("junk in the route's own ids: /actions/<junk>, /templates/<junk>/run, /items/<junk>... posted and loaded", async () => {
    // Text that reads as a positive number may name a real action or template ("0x10" is #16): left out.
    const segment = junkText.filter((text) => text.length > 0 && text.length < 2_000 && !(Number(text) > 0 && Number(text) < 1_000)).map(inUrl);
    const shapes = ["/actions/ID", "/actions/ID/rollback", "/templates/ID/run", "/templates/ID/edit", "/webhooks/ID", "/items/ID"];
    await fc.assert(
      fc.asyncProperty(segment, fc.constantFrom(...shapes), fc.boolean(), async (id, shape, post) => {
        const before = await databaseFingerprint(stack.environment.db);
        const path = shape.replace("ID", id);
        const response = post ? await admin.post(path, [["intent", "approve"], ["confirm", "true"], ["param.title", "x"], ["name", "x"]]) : await admin.get(path);
        expect(response.status, `${post ? "POST" : "GET"} ${path}`).toBeGreaterThanOrEqual(400);
        expect(response.status, `${post ? "POST" : "GET"} ${path}`).toBeLessThan(500);
        expectNothingInternal(path, response.text);
        expect(await databaseFingerprint(stack.environment.db)).toBe(before);
      }),
      { numRuns: 80 },
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
        expectNothingInternal(form.name, response.text);
        expect(await databaseFingerprint(stack.environment.db)).toBe(before);
      }),
      { numRuns: 80 },
    );
    // Sign-out too: a post without the token must not end the session (the admin's, used by every test here).
    const withSignOut = [...forms, { name: "sign out", route: "sign-out.ts", path: "/sign-out", fields: [] }];
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...withSignOut), junkText, async (form, token) => {
        const before = await databaseFingerprint(stack.environment.db);
        const response = await admin.post(form.path, form.fields, { csrf: token });
        expect(response.status).toBe(403);
        expectNothingInternal(form.name, response.text);
        expect(await databaseFingerprint(stack.environment.db)).toBe(before);
      }),
      { numRuns: 40 },
    );
    expect((await admin.get("/")).status).toBe(200);
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

  // 40 attempts from one address stay under the sign-in throttle's limit; a 429 would still be a 4xx.
  it("single sign-on started with a junk workspace or email and a valid token: a 4xx, nothing internal quoted, nothing written", async () => {
    const { url } = stack.web;
    const before = await databaseFingerprint(stack.environment.db);
    await fc.assert(
      fc.asyncProperty(junkText, junkText, async (workspaceOrEmail, redirectTo) => {
        const page = await fetch(`${url}/sign-in/sso`);
        const cookie = (page.headers.get("set-cookie") ?? "").split(";")[0] ?? "";
        const csrf = /name="csrf" value="([^"]+)"/.exec(await page.text())?.[1] ?? "";
        const response = await fetch(`${url}/sign-in/sso`, {
          method: "POST",
          redirect: "manual",
          headers: { cookie, "content-type": "application/x-www-form-urlencoded" },
          body: new URLSearchParams({ workspaceOrEmail, redirectTo, csrf }),
        });
        const text = await response.text();
        expect(response.status, text.slice(0, 300)).toBeGreaterThanOrEqual(400);
        expect(response.status, text.slice(0, 300)).toBeLessThan(500);
        expectNothingInternal("single sign-on", text);
      }),
      { numRuns: 40 },
    );
    expect(await databaseFingerprint(stack.environment.db)).toBe(before);
  });

  it("sign-in with junk credentials and a valid token: a 4xx, nothing internal quoted, nothing written", async () => {
    const { url } = stack.web;
    const before = await databaseFingerprint(stack.environment.db);
    await fc.assert(
      fc.asyncProperty(junkText, junkText, junkText, junkText, async (tenant, email, password, redirectTo) => {
        const page = await fetch(`${url}/sign-in`);
        const cookie = (page.headers.get("set-cookie") ?? "").split(";")[0] ?? "";
        const csrf = /name="csrf" value="([^"]+)"/.exec(await page.text())?.[1] ?? "";
        const response = await fetch(`${url}/sign-in`, {
          method: "POST",
          redirect: "manual",
          headers: { cookie, "content-type": "application/x-www-form-urlencoded" },
          body: new URLSearchParams({ tenant, email, password, redirectTo, csrf }),
        });
        const text = await response.text();
        expect(response.status, text.slice(0, 300)).toBeGreaterThanOrEqual(400);
        expect(response.status, text.slice(0, 300)).toBeLessThan(500);
        expectNothingInternal("sign-in", text);
      }),
      { numRuns: 40 },
    );
    expect(await databaseFingerprint(stack.environment.db)).toBe(before);
  });
});
