import { parse } from "csv-parse/sync";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import type { ActionView } from "@leash/core";
import { createTestEnvironment, createTestItem, createTestTenant, type TestEnvironment, type TestTenant } from "@leash/core/testing";

import { startTestApi } from "./support.ts";

let environment: TestEnvironment;
let api: Awaited<ReturnType<typeof startTestApi>>;
let tenant: TestTenant;
let other: TestTenant;
const ids: Record<string, number> = {};

const tricky = 'Hello, "world"\nsecond line, with a comma';

beforeAll(async () => {
  environment = await createTestEnvironment();
  tenant = await createTestTenant(environment.db, "exports");
  other = await createTestTenant(environment.db, "exports-other");
  api = await startTestApi(environment);
  const agent = api.client(tenant.keys.agent);
  const approver = api.client(tenant.keys.approver);
  const project = await createTestItem(environment.db, tenant.id, { kind: "project", title: "Website" });
  ids.project = project.id;
  ids.notify = (await agent.action.propose.mutate({ actionType: "notify", parameters: { channel: "email", recipient: "a@example.com", subject: "Status, today", message: tricky }, reason: 'Asked by Dana,\nsee "ticket 42"' })).action.id;
  ids.formula = (await agent.action.propose.mutate({ actionType: "create", targetType: "idea", parameters: { title: "=HYPERLINK(\"http://evil\")" }, reason: "+1 from the team" })).action.id;
  await agent.action.cancel.mutate({ actionId: ids.formula });
  ids.byApprover = (await approver.action.propose.mutate({ actionType: "create", targetType: "project", parameters: { title: "Portal" } })).action.id;
  await approver.action.reject.mutate({ actionId: ids.byApprover, reason: 'Not now; "maybe" in Q3' });
  ids.update = (await agent.action.propose.mutate({ actionType: "update", targetType: "project", targetId: project.id, parameters: { data: { status: "at_risk" } } })).action.id;
  ids.foreign = (await api.client(other.keys.agent).action.propose.mutate({ actionType: "notify", parameters: { channel: "email", recipient: "b@example.com", message: "secret" } })).action.id;
});

afterAll(async () => {
  await api.close();
  await environment.close();
});

async function download(format: "csv" | "json", query: string, apiKey: string | null = tenant.keys.viewer) {
  const response = await fetch(`${api.baseUrl}/export/actions.${format}${query}`, { headers: apiKey ? { authorization: `Bearer ${apiKey}` } : {} });
  return { status: response.status, headers: response.headers, text: await response.text() };
}

const rowsOf = (text: string): string[][] => parse(text);

const csvHeader = [
  "id", "createdAt", "actionType", "targetType", "targetId", "status", "proposedBy", "proposedByKind", "proposedById", "reason",
  "requiresApproval", "decidedBy", "approvedAt", "rejectedAt", "rejectionReason", "cancelledAt", "executedAt", "attempts", "errorMessage",
  "rolledBackAt", "rollbackActionId", "rollbackOfId", "batchId", "templateId", "templateStep", "dependsOnId", "idempotencyKey", "parameters", "result",
];

/** What a CSV row of an action must hold, cell by cell. */
function csvRow(action: ActionView): string[] {
  const cell = (value: string | number | boolean | null) => (value === null ? "" : String(value));
  const json = (value: unknown) => (value === null ? "" : JSON.stringify(value));
  const guard = (text: string) => (/^[=+\-@\t\r]/.test(text) ? `'${text}` : text);
  return [
    action.id, action.createdAt, action.actionType, action.targetType, action.targetId, action.status, action.proposedBy.label, action.proposedBy.kind,
    action.proposedBy.id, action.reason, action.requiresApproval, action.decidedBy, action.approvedAt, action.rejectedAt, action.rejectionReason,
    action.cancelledAt, action.executedAt, action.attempts, action.errorMessage, action.rolledBackAt, action.rollbackActionId, action.rollbackOfId,
    action.batchId, action.templateId, action.templateStep, action.dependsOnId, action.idempotencyKey,
  ].map((value) => guard(cell(value))).concat([json(action.parameters), json(action.result)]);
}

describe("export of the filtered history", () => {
  it("returns exactly the matching rows in both formats, with a header row and quoting of commas, quotes and newlines", async () => {
    const query = `?status=pending,cancelled&actionType=notify&actionType=create&proposerId=${tenant.agent.apiKeyId}`;
    const listed = await api.client(tenant.keys.viewer).action.list.query({ status: ["pending", "cancelled"], actionType: ["notify", "create"], proposerId: tenant.agent.apiKeyId });
    expect(listed.items.map((action) => action.id)).toEqual([ids.formula, ids.notify]);

    const json = await download("json", query);
    expect(json.status).toBe(200);
    expect(json.headers.get("content-type")).toBe("application/json; charset=utf-8");
    expect(json.headers.get("content-disposition")).toMatch(/^attachment; filename="leash-actions-.+\.json"$/);
    expect(JSON.parse(json.text)).toEqual(listed.items);

    const csv = await download("csv", query);
    expect(csv.status).toBe(200);
    expect(csv.headers.get("content-type")).toBe("text/csv; charset=utf-8");
    const rows = rowsOf(csv.text);
    expect(rows[0]).toEqual(csvHeader);
    expect(rows.slice(1)).toEqual(listed.items.map(csvRow));
    expect(csv.text.split("\n")[0]).toBe(csvHeader.join(","));
    // A quote is doubled, and a cell holding a comma, a quote or a newline is quoted.
    const notifyView = listed.items.find((action) => action.id === ids.notify);
    expect(csv.text).toContain(`,"${JSON.stringify(notifyView?.parameters).replaceAll('"', '""')}",`);
    expect(csv.text).toContain(`,"Asked by Dana,\nsee ""ticket 42""",`);
    expect(csv.text).toContain(`,'+1 from the team,`);
    expect(rows[1]?.[csvHeader.indexOf("status")]).toBe("cancelled");
    const notifyRow = rows.find((row) => row[0] === String(ids.notify));
    expect(JSON.parse(notifyRow?.[csvHeader.indexOf("parameters")] ?? "null")).toMatchObject({ message: tricky, subject: "Status, today" });
  });

  it("filters by target, actor text and date range, and never shows another tenant's rows", async () => {
    const byTarget = JSON.parse((await download("json", `?targetType=project&targetId=${ids.project ?? 0}`)).text) as ActionView[];
    expect(byTarget.map((action) => action.id)).toEqual([ids.update]);
    const byActor = JSON.parse((await download("json", `?actor=${encodeURIComponent("approver-exports")}`)).text) as ActionView[];
    expect(byActor.map((action) => action.id)).toEqual([ids.byApprover]);
    const rejected = rowsOf((await download("csv", "?status=rejected")).text);
    expect(rejected.slice(1).map((row) => [row[0], row[csvHeader.indexOf("rejectionReason")]])).toEqual([[String(ids.byApprover), 'Not now; "maybe" in Q3']]);

    const all = JSON.parse((await download("json", "")).text) as ActionView[];
    expect(all.map((action) => action.id)).toEqual([ids.update, ids.byApprover, ids.formula, ids.notify]);
    expect(all.some((action) => action.id === ids.foreign)).toBe(false);
    const future = new Date(Date.now() + 60_000).toISOString();
    expect((await download("json", `?from=${encodeURIComponent(future)}`)).text).toBe("[]\n");
    const empty = await download("csv", `?from=${encodeURIComponent(future)}`);
    expect(empty.text).toBe(`${csvHeader.join(",")}\n`);
  });

  it("needs an API key and valid filters", async () => {
    const anonymous = await download("csv", "", null);
    expect(anonymous.status).toBe(401);
    expect(JSON.parse(anonymous.text)).toMatchObject({ error: { data: { code: "UNAUTHORIZED" } } });
    const invalid = await download("json", "?status=exploded&targetId=abc");
    expect(invalid.status).toBe(400);
    const body = JSON.parse(invalid.text) as { error: { data: { code: string; issues: { path: string[] }[] } } };
    expect(body.error.data.code).toBe("BAD_REQUEST");
    expect(body.error.data.issues.map((issue) => issue.path[0])).toEqual(["status", "targetId"]);
    expect((await fetch(`${api.baseUrl}/export/actions.csv`, { method: "POST" })).status).toBe(405);
  });
});
