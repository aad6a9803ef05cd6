import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { createTestItem, createTestTenant, type TestTenant } from "@leash/core/testing";
import { databaseFingerprint } from "@leash/db/testing";

import { startApiStack } from "./support.ts";

// Issue 15, item 6: text Postgres cannot hold (NUL, a lone UTF-16 surrogate) and integers past an
// `integer` column's bound used to reach the database and answer 500. Core's schemas refuse them:
// 400, naming the field, nothing written.

const NUL = "\u0000";
const LONE_HIGH = "\uD800";
const LONE_LOW = "\uDFFF";
const PAST_INT4 = 2_147_483_648;

let stack: Awaited<ReturnType<typeof startApiStack>>;
let tenant: TestTenant;
let projectId: number;
let ideaActionId: number;
let batchId: string;
let templateId: number;

beforeAll(async () => {
  stack = await startApiStack();
  tenant = await createTestTenant(stack.environment.db, "unstorable");
  projectId = (await createTestItem(stack.environment.db, tenant.id, { kind: "project", title: "Website relaunch" })).id;
  const admin = stack.api.client(tenant.keys.admin);
  ideaActionId = (await admin.action.propose.mutate({ actionType: "create", targetType: "idea", parameters: { title: "Pending" } })).action.id;
  ({ batchId } = await admin.action.proposeBatch.mutate({ actions: [{ actionType: "create", targetType: "idea", parameters: { title: "One" } }] }));
  templateId = (
    await admin.template.create.mutate({
      name: "Onboard",
      parameters: [{ name: "projectName", type: "string" }],
      steps: [{ actionType: "create", targetType: "project", parameters: { title: "{{params.projectName}}" } }],
    })
  ).id;
});

afterAll(() => stack.close());

const create = (title: string) => ({ actionType: "create", targetType: "idea", parameters: { title } });

/** [procedure, GET or POST, input, the field the answer must name]. */
const cases = (): [string, "GET" | "POST", unknown, string][] => [
  ["action.propose", "POST", create(`a${NUL}b`), "parameters.title"],
  ["action.propose", "POST", create(`x${LONE_HIGH}`), "parameters.title"],
  ["action.propose", "POST", create(`${LONE_LOW}x`), "parameters.title"],
  ["action.propose", "POST", { ...create("ok"), reason: `why${NUL}` }, "reason"],
  ["action.propose", "POST", { ...create("ok"), idempotencyKey: `key${NUL}1` }, "idempotencyKey"],
  ["action.propose", "POST", { ...create("ok"), idempotencyKey: `key${LONE_HIGH}` }, "idempotencyKey"],
  ["action.propose", "POST", { actionType: "notify", parameters: { channel: "email", recipient: "a@b.c", message: `hi${NUL}` } }, "parameters.message"],
  ["action.propose", "POST", { actionType: "update", targetType: "project", targetId: 0, parameters: { data: { description: `d${NUL}` } } }, "parameters.data.description"],
  ["action.propose", "POST", { actionType: "link", targetType: "project", targetId: 0, parameters: { toType: "project", toId: PAST_INT4, relation: "depends_on" } }, "parameters.toId"],
  ["action.propose", "POST", { actionType: "update", targetType: "project", targetId: PAST_INT4, parameters: { data: { status: "done" } } }, "targetId"],
  ["action.proposeBatch", "POST", { actions: [create("ok")], reason: `r${NUL}` }, "reason"],
  ["action.proposeBatch", "POST", { actions: [create(`t${LONE_HIGH}`)] }, "actions.0.parameters.title"],
  ["action.proposeAndWait", "POST", { ...create(`w${NUL}`), waitSeconds: 0 }, "parameters.title"],
  ["action.list", "GET", { actor: `Ada${NUL}` }, "actor"],
  ["action.list", "GET", { actor: `Ada${LONE_LOW}` }, "actor"],
  ["action.list", "GET", { cursor: PAST_INT4 }, "cursor"],
  ["action.list", "GET", { targetId: PAST_INT4 }, "targetId"],
  // Postgres has no year 0: these were a 500.
  ["action.list", "GET", { from: "0000-01-01T00:00:00Z" }, "from"],
  ["action.list", "GET", { to: "0001-01-01T00:30:00+01:00" }, "to"],
  ["action.get", "GET", { actionId: PAST_INT4 }, "actionId"],
  ["action.reject", "POST", { actionId: 0, reason: `no${NUL}` }, "reason"],
  ["action.cancel", "POST", { actionId: 0, reason: `no${LONE_HIGH}` }, "reason"],
  ["action.approve", "POST", { actionId: 0, parameters: { title: `t${NUL}` } }, "parameters.title"],
  ["action.complete", "POST", { actionId: 0, outcome: "failed", error: `e${NUL}` }, "error"],
  ["action.complete", "POST", { actionId: 0, outcome: "succeeded", result: { out: [`o${NUL}`] } }, "result.out.0"],
  ["action.rollback", "POST", { actionId: 0, confirm: true, reason: `r${NUL}` }, "reason"],
  ["action.wait", "POST", { cursor: `c${NUL}`, waitSeconds: 0 }, "cursor"],
  ["batch.decide", "POST", { batchId: "", decision: "reject", reason: `no${NUL}` }, "reason"],
  ["template.create", "POST", { name: `T${NUL}`, steps: [create("ok")] }, "name"],
  ["template.create", "POST", { name: "T", steps: [create(`v${NUL}`)] }, "steps.0.parameters.title"],
  ["template.create", "POST", { name: "T", steps: [{ ...create("ok"), reason: `r${LONE_HIGH}` }] }, "steps.0.reason"],
  ["template.create", "POST", { name: "T", parameters: [{ name: "p", type: "string", default: `d${NUL}` }], steps: [create("ok")] }, "parameters.0.default"],
  ["template.update", "POST", { templateId: 0, description: `d${NUL}` }, "description"],
  ["template.run", "POST", { templateId: 0, parameters: { projectName: `Acme${NUL}` } }, "parameters.projectName"],
  ["template.run", "POST", { templateId: 0, parameters: { [`key${NUL}`]: "Acme" } }, `parameters.key${NUL}`],
  ["template.get", "GET", { templateId: PAST_INT4 }, "templateId"],
];

describe("unstorable input is a 400 naming the field, and writes nothing", () => {
  it.each(cases().map((entry) => [entry[0], JSON.stringify(entry[2]).slice(0, 120), entry] as const))("%s %s", async (_path, _shown, [path, method, input, field]) => {
    // Ids filled in now that the rows exist (the table is built before beforeAll runs).
    const filled = JSON.parse(
      JSON.stringify(input)
        .replaceAll('"actionId":0', `"actionId":${ideaActionId}`)
        .replaceAll('"templateId":0', `"templateId":${templateId}`)
        .replaceAll('"targetId":0', `"targetId":${projectId}`)
        .replaceAll('"batchId":""', `"batchId":"${batchId}"`),
    ) as unknown;
    const before = await databaseFingerprint(stack.environment.db);
    const { status, body } =
      method === "GET" ? await stack.api.call("GET", path, { apiKey: tenant.keys.admin, input: filled }) : await stack.api.call("POST", path, { apiKey: tenant.keys.admin, body: filled });
    expect(status, JSON.stringify(body).slice(0, 400)).toBe(400);
    expect(body.error?.data.code).toBe("BAD_REQUEST");
    expect(body.error?.data.issues?.map((issue) => issue.path.join("."))).toContain(field);
    expect(body.error?.message).toContain(`${field}:`);
    expect(await databaseFingerprint(stack.environment.db), `${path} wrote after refusing`).toBe(before);
  });

  it("a lone surrogate sent as raw JSON text (not escaped by a serialiser) is refused too", async () => {
    const before = await databaseFingerprint(stack.environment.db);
    const body = `{"actionType":"create","targetType":"idea","parameters":{"title":"x\\udc00y"},"reason":"why"}`;
    const { status, body: answer } = await stack.api.call("POST", "action.propose", { apiKey: tenant.keys.admin, body });
    expect(status).toBe(400);
    expect(answer.error?.message).toContain("parameters.title:");
    expect(await databaseFingerprint(stack.environment.db)).toBe(before);
  });

  it("the largest value an integer column holds is still accepted as an id (and simply not found)", async () => {
    const { status, body } = await stack.api.call("GET", "action.get", { apiKey: tenant.keys.admin, input: { actionId: 2_147_483_647 } });
    expect(status, JSON.stringify(body)).toBe(404);
  });
});
