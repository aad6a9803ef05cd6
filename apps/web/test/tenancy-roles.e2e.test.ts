import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { approveAndTrust, createApiKey } from "@leash/core";
import { createTestItem, createTestTenant, waitFor, type TestTenant } from "@leash/core/testing";
import { databaseFingerprint } from "@leash/db/testing";

import { signInOverHttp, type HttpSession } from "./http-session.ts";
import { startConsoleStack, type Role, type TenantConsoleStack } from "./support.ts";

// Guarantee 4 of RELIABILITY.md for the console: every form (mutation) x every user role x the
// person's own tenant's ids and another tenant's ids, against the exact table below.

const roles: Role[] = ["admin", "approver", "viewer"];

/**
 * What each role gets, in the order admin approver viewer: `ok` is a 2xx or a redirect (the form did
 * its job), FORBIDDEN a 403, NOT_FOUND a 404, `nothing` a 200 that decided nothing (the bulk forms
 * report each action they could not decide); `-`: there is no other tenant's id to post.
 */
const matrix: Record<string, { own: string; other: string }> = {
  //                           admin     approver  viewer
  "inbox approve":             { own: "ok        ok        FORBIDDEN", other: "NOT_FOUND NOT_FOUND FORBIDDEN" },
  "inbox approve and trust":   { own: "ok        ok        FORBIDDEN", other: "NOT_FOUND NOT_FOUND FORBIDDEN" },
  "inbox reject":              { own: "ok        ok        FORBIDDEN", other: "NOT_FOUND NOT_FOUND FORBIDDEN" },
  "inbox approve selected":    { own: "ok        ok        FORBIDDEN", other: "nothing   nothing   FORBIDDEN" },
  "inbox reject selected":     { own: "ok        ok        FORBIDDEN", other: "nothing   nothing   FORBIDDEN" },
  "detail approve":            { own: "ok        ok        FORBIDDEN", other: "NOT_FOUND NOT_FOUND FORBIDDEN" },
  "detail approve edited":     { own: "ok        ok        FORBIDDEN", other: "NOT_FOUND NOT_FOUND FORBIDDEN" },
  "detail reject":             { own: "ok        ok        FORBIDDEN", other: "NOT_FOUND NOT_FOUND FORBIDDEN" },
  // The action was proposed by an agent key: a viewer may not cancel another's proposal.
  "detail cancel":             { own: "ok        ok        FORBIDDEN", other: "NOT_FOUND NOT_FOUND NOT_FOUND" },
  "rollback":                  { own: "ok        ok        FORBIDDEN", other: "NOT_FOUND NOT_FOUND FORBIDDEN" },
  "template delete":           { own: "ok        ok        FORBIDDEN", other: "NOT_FOUND NOT_FOUND FORBIDDEN" },
  "template new":              { own: "ok        ok        FORBIDDEN", other: "-" },
  "template edit":             { own: "ok        ok        FORBIDDEN", other: "NOT_FOUND NOT_FOUND FORBIDDEN" },
  // The run form reads the template first (anyone may), so the other tenant's is not found for every role.
  "template run":              { own: "ok        ok        FORBIDDEN", other: "NOT_FOUND NOT_FOUND NOT_FOUND" },
  "preference set":            { own: "ok        FORBIDDEN FORBIDDEN", other: "-" },
  "grant revoke":              { own: "ok        ok        FORBIDDEN", other: "NOT_FOUND NOT_FOUND FORBIDDEN" },
  "policy set":                { own: "ok        FORBIDDEN FORBIDDEN", other: "-" },
  "policy delete":             { own: "ok        FORBIDDEN FORBIDDEN", other: "NOT_FOUND FORBIDDEN FORBIDDEN" },
};

let stack: TenantConsoleStack;
let home: TestTenant;
let away: TestTenant;
const sessions = new Map<Role, HttpSession>();

beforeAll(async () => {
  stack = await startConsoleStack();
  home = stack.tenant;
  away = await createTestTenant(stack.environment.db, "globex-secret");
  for (const role of roles) sessions.set(role, await signInOverHttp(stack.web.url, home, role));
});

afterAll(() => stack.close());

const admin = (tenant: TestTenant) => stack.api.client(tenant.keys.admin);

/**
 * A fresh update of a project waiting for a person, proposed by an agent key of its own: "approve and
 * trust" lets the same proposer's later updates through, which must not reach the other cells.
 */
async function pending(tenant: TestTenant): Promise<number> {
  const project = await createTestItem(stack.environment.db, tenant.id, { kind: "project", title: `Relaunch ${tenant.slug}` });
  const { key } = await createApiKey(stack.environment.db, { tenantId: tenant.id, name: `agent ${Math.random()}`, role: "agent" });
  const { action } = await stack.api.client(key).action.propose.mutate({ actionType: "update", targetType: "project", targetId: project.id, parameters: { title: "Renamed" } });
  return action.id;
}

async function executed(tenant: TestTenant): Promise<number> {
  const actionId = await pending(tenant);
  await stack.api.client(tenant.keys.approver).action.approve.mutate({ actionId });
  await waitFor(async () => (await admin(tenant).action.get.query({ actionId })).status === "executed", { what: `#${actionId} executed` });
  return actionId;
}

async function template(tenant: TestTenant): Promise<number> {
  const created = await admin(tenant).template.create.mutate({
    name: `T ${tenant.slug} ${Math.random()}`,
    parameters: [{ name: "title", type: "string" }],
    steps: [{ actionType: "create", targetType: "idea", parameters: { title: "{{params.title}}" } }],
  });
  return created.id;
}

async function grant(tenant: TestTenant): Promise<string> {
  const actionId = await pending(tenant);
  const { grant: created } = await approveAndTrust(stack.environment.deps, { actor: tenant.approver, input: { actionId, days: 7 } });
  await waitFor(async () => (await admin(tenant).action.get.query({ actionId })).status === "executed", { what: `#${actionId} executed` });
  return created.id;
}

let scopes = 0;
async function policy(tenant: TestTenant): Promise<string> {
  // Each policy has a scope of its own: setting a scope's policy replaces the one before.
  scopes += 1;
  const actionTypes = ["create", "update", "delete", "link", "notify", "schedule"] as const;
  const targetTypes = ["person", "project", "idea", "admin"] as const;
  const created = await admin(tenant).policy.set.mutate({ actionType: actionTypes[scopes % 6] ?? "link", targetType: targetTypes[Math.floor(scopes / 6) % 4] ?? "idea", requiredApprovals: 1 });
  return created.id;
}

type Post = { path: string; fields: [string, string][] };

/** The post of each form, with fresh resources of `tenant` (the person's own, or the other tenant's). */
const posts: Record<string, (tenant: TestTenant) => Promise<Post>> = {
  "inbox approve": async (tenant) => ({ path: "/?index", fields: [["intent", "approve"], ["actionId", String(await pending(tenant))]] }),
  "inbox approve and trust": async (tenant) => ({ path: "/?index", fields: [["intent", "approve-trust"], ["actionId", String(await pending(tenant))], ["days", "7"]] }),
  "inbox reject": async (tenant) => ({ path: "/?index", fields: [["intent", "reject"], ["actionId", String(await pending(tenant))], ["reason", "no"]] }),
  "inbox approve selected": async (tenant) => ({ path: "/?index", fields: [["intent", "approve-selected"], ["actionId", String(await pending(tenant))]] }),
  "inbox reject selected": async (tenant) => ({ path: "/?index", fields: [["intent", "reject-selected"], ["actionId", String(await pending(tenant))], ["reason", "no"]] }),
  "detail approve": async (tenant) => ({ path: `/actions/${await pending(tenant)}`, fields: [["intent", "approve"]] }),
  "detail approve edited": async (tenant) => ({ path: `/actions/${await pending(tenant)}`, fields: [["intent", "approve-edited"], ["parameters", '{"title":"Edited"}']] }),
  "detail reject": async (tenant) => ({ path: `/actions/${await pending(tenant)}`, fields: [["intent", "reject"], ["reason", "no"]] }),
  "detail cancel": async (tenant) => ({ path: `/actions/${await pending(tenant)}`, fields: [["intent", "cancel"]] }),
  rollback: async (tenant) => ({ path: `/actions/${await executed(tenant)}/rollback`, fields: [["confirm", "true"], ["cascade", "false"]] }),
  "template delete": async (tenant) => ({ path: "/templates", fields: [["intent", "delete"], ["templateId", String(await template(tenant))]] }),
  "template new": () =>
    Promise.resolve({
      path: "/templates/new",
      fields: [["name", `New ${Math.random()}`], ["steps.0.actionType", "notify"], ["steps.0.parameters", '{"channel":"email","recipient":"a@b.c","message":"m"}']],
    }),
  "template edit": async (tenant) => ({
    path: `/templates/${await template(tenant)}/edit`,
    fields: [["name", `Edited ${Math.random()}`], ["parameters.0.name", "title"], ["parameters.0.type", "string"], ["parameters.0.required", "on"], ["steps.0.actionType", "create"], ["steps.0.targetType", "idea"], ["steps.0.parameters", '{"title":"{{params.title}}"}']],
  }),
  "template run": async (tenant) => ({ path: `/templates/${await template(tenant)}/run`, fields: [["param.title", "Idea"]] }),
  "preference set": () => Promise.resolve({ path: "/preferences", fields: [["actionType", "link"], ["targetType", "person"], ["autoApprove", "false"]] }),
  "grant revoke": async (tenant) => ({ path: "/preferences", fields: [["intent", "revoke-grant"], ["grantId", await grant(tenant)]] }),
  "policy set": () => Promise.resolve({ path: "/policies", fields: [["intent", "set"], ["actionType", "link"], ["targetType", "person"], ["requiredApprovals", "2"], ["expiryFallback", "reject"]] }),
  "policy delete": async (tenant) => ({ path: "/policies", fields: [["intent", "delete"], ["policyId", await policy(tenant)]] }),
};

const outcomes: Record<number, string> = { 403: "FORBIDDEN", 404: "NOT_FOUND" };

async function submit(role: Role, post: Post): Promise<string> {
  const session = sessions.get(role);
  if (!session) throw new Error(`no session for ${role}`);
  const { status, text } = await session.post(post.path, post.fields);
  if (status === 200 && /Nothing was (approved|rejected)/.test(text)) return "nothing";
  if (status < 400) return "ok";
  return outcomes[status] ?? `HTTP ${status}`;
}

async function settled() {
  await waitFor(async () => (await stack.environment.db.agentAction.count({ where: { status: { in: ["approved", "executing"] } } })) === 0, { what: "an idle worker" });
}

const columns = (row: string) => row.trim().split(/\s+/);

describe("every console form x every role x own and other tenant", () => {
  it("the table covers every form", () => {
    expect(Object.keys(posts).sort()).toEqual(Object.keys(matrix).sort());
  });

  it.each(Object.entries(matrix))("%s", async (name, expected) => {
    const prepare = posts[name];
    if (!prepare) throw new Error(`no post for ${name}`);
    const got: { own: string[]; other: string[] } = { own: [], other: [] };
    for (const role of roles) {
      got.own.push(await submit(role, await prepare(home)));
      await settled();
      if (expected.other === "-") continue;
      const foreign = await prepare(away);
      await settled();
      const before = await databaseFingerprint(stack.environment.db);
      got.other.push(await submit(role, foreign));
      // Whatever the answer, nothing of either tenant changed.
      expect(await databaseFingerprint(stack.environment.db), `${name} as ${role} with the other tenant's id wrote`).toBe(before);
    }
    expect(got.own, `${name} with the person's own tenant`).toEqual(columns(expected.own));
    if (expected.other !== "-") expect(got.other, `${name} with the other tenant's ids`).toEqual(columns(expected.other));
  });
});
