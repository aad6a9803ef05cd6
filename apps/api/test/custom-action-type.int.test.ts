import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";

import { registerActionType } from "@leash/core";
import { createTestItem, createTestTenant, renameItemActionType, waitFor, type TestEnvironment, type TestTenant } from "@leash/core/testing";

import { connectMcpClient, startApiStack } from "./support.ts";

// A team's own type, defined in one file and registered before anything reads the proposal schema:
// nothing else in the product knows about it.
registerActionType(renameItemActionType);

let stack: Awaited<ReturnType<typeof startApiStack>>;
let environment: TestEnvironment;
let api: typeof stack.api;
let tenant: TestTenant;
const cleanups: (() => Promise<void>)[] = [];

beforeAll(async () => {
  stack = await startApiStack();
  ({ environment, api } = stack);
  tenant = await createTestTenant(environment.db, "custom-type");
});

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

afterAll(() => stack.close());

interface ActionData {
  id: number;
  status: string;
  actionType: string;
  targetId: number | null;
  parameters: Record<string, unknown>;
  errorMessage: string | null;
}

const newProject = (title: string) => createTestItem(environment.db, tenant.id, { kind: "project", title, data: { status: "active" } });
const titleOf = async (id: number) => (await environment.db.item.findUniqueOrThrow({ where: { id } })).title;
const actionCount = () => environment.db.agentAction.count({ where: { tenantId: tenant.id } });

/** Proposes over raw HTTP, as an agent without the typed client does (it only knows built-in types). */
async function propose(body: unknown) {
  return api.call("POST", "action.propose", { apiKey: tenant.keys.agent, body });
}

async function proposeRename(itemId: number, title: string) {
  const response = await propose({ actionType: "rename_item", targetType: "project", targetId: itemId, parameters: { title } });
  expect(response.status, JSON.stringify(response.body)).toBe(200);
  return (response.body.result?.data as { action: ActionData }).action;
}

async function waitForStatus(actionId: number, statuses: string[] = ["executed", "failed"]) {
  return waitFor(
    async () => {
      const action = await api.client(tenant.keys.approver).action.get.query({ actionId });
      return statuses.includes(action.status) ? action : undefined;
    },
    { what: `#${actionId} to reach ${statuses.join("/")}` },
  );
}

const mcpClient = (apiKey: string) => connectMcpClient(api.baseUrl, apiKey, cleanups);

describe("a type registered from one module, through the HTTP API", () => {
  it("is proposable as raw JSON, waits for a person, and is shown with its own headline", async () => {
    const project = await newProject("Website relaunch");
    const action = await proposeRename(project.id, "Website 2.0");
    expect(action).toMatchObject({ actionType: "rename_item", status: "pending", targetId: project.id, parameters: { title: "Website 2.0" } });
    // Nothing runs before a person approves it.
    expect(await titleOf(project.id)).toBe("Website relaunch");
    const timeline = await api.client(tenant.keys.agent).action.history.query({ actionId: action.id });
    expect(timeline.map((event) => event.type)).toEqual(["proposed"]);
  });

  it("an unknown type is a 400 BAD_REQUEST that names the known types, and writes nothing", async () => {
    const project = await newProject("Unknown type target");
    const before = await actionCount();
    const response = await propose({ actionType: "retitle_item", targetType: "project", targetId: project.id, parameters: { title: "X" } });
    expect(response.status).toBe(400);
    expect(response.body.error?.data.code).toBe("BAD_REQUEST");
    const message = response.body.error?.message ?? "";
    expect(message).toMatch(/^actionType: /);
    expect(response.body.error?.data.issues).toEqual([expect.objectContaining({ path: ["actionType"] })]);
    for (const known of ["create", "update", "delete", "rename_item", "external"]) expect(message).toContain(known);
    expect(await actionCount()).toBe(before);
  });

  it("refuses bad parameters with 400 and the field that is wrong, and writes nothing", async () => {
    const project = await newProject("Bad parameters target");
    const before = await actionCount();
    const empty = await propose({ actionType: "rename_item", targetType: "project", targetId: project.id, parameters: { title: "   " } });
    expect(empty.status).toBe(400);
    expect(empty.body.error?.data.code).toBe("BAD_REQUEST");
    expect(empty.body.error?.data.issues).toEqual([expect.objectContaining({ path: ["parameters", "title"] })]);

    const extra = await propose({ actionType: "rename_item", targetType: "project", targetId: project.id, parameters: { title: "Fine", colour: "red" } });
    expect(extra.status).toBe(400);
    expect(extra.body.error?.data.code).toBe("BAD_REQUEST");
    expect(JSON.stringify(extra.body.error?.data.issues)).toContain("colour");

    const noTarget = await propose({ actionType: "rename_item", parameters: { title: "Fine" } });
    expect(noTarget.status).toBe(400);
    expect(JSON.stringify(noTarget.body.error?.data.issues)).toContain("targetId");

    const missingItem = await propose({ actionType: "rename_item", targetType: "project", targetId: 999_999, parameters: { title: "Fine" } });
    expect(missingItem.status).toBe(404);
    expect(await actionCount()).toBe(before);
    expect(await titleOf(project.id)).toBe("Bad parameters target");
  });

  it("is in the OpenAPI document and on the /docs page", async () => {
    const document = await fetch(`${api.baseUrl}/openapi.json`);
    expect(document.status).toBe(200);
    const doc = (await document.json()) as { components: { schemas: Record<string, unknown> } };
    const proposeSchema = doc.components.schemas["action.propose.input"] as { oneOf: { properties: { actionType: { const: string; description?: string }; parameters: unknown } }[] };
    const variant = proposeSchema.oneOf.find((entry) => entry.properties.actionType.const === "rename_item");
    expect(variant).toBeDefined();
    expect(variant?.properties.actionType.description).toBe("Propose giving an item a new title.");
    expect(variant?.properties.parameters).toMatchObject({ type: "object", properties: { title: { type: "string", minLength: 1, maxLength: 200 } }, additionalProperties: false });

    const page = await fetch(`${api.baseUrl}/docs`);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain("rename_item");
    expect(html).toContain("Propose giving an item a new title.");
  });
});

describe("a type registered from one module, through MCP", () => {
  it("gets its own propose tool with its description and parameter schema, and calling it proposes", async () => {
    const client = await mcpClient(tenant.keys.agent);
    const { tools } = await client.listTools();
    const tool = tools.find((entry) => entry.name === "propose_rename_item");
    expect(tool).toBeDefined();
    expect(tool?.description).toContain("Propose giving an item a new title.");
    expect(tool?.inputSchema).toMatchObject({
      type: "object",
      required: expect.arrayContaining(["targetType", "targetId", "parameters"]),
      properties: { targetId: { type: "integer" }, parameters: { type: "object", properties: { title: { type: "string" } } } },
    });
    expect(tool?.inputSchema.properties).not.toHaveProperty("actionType");
    expect(tool?.annotations).toMatchObject({ destructiveHint: false, openWorldHint: false });

    const project = await newProject("Pricing page");
    const called = await client.callTool({ name: "propose_rename_item", arguments: { targetType: "project", targetId: project.id, parameters: { title: "Plans & pricing" }, waitSeconds: 0 } });
    expect(called.isError).toBeFalsy();
    const answer = called.structuredContent as { done: boolean; action: ActionData };
    expect(answer).toMatchObject({ done: false, action: { actionType: "rename_item", status: "pending", targetId: project.id, parameters: { title: "Plans & pricing" } } });
    const stored = await environment.db.agentAction.findUniqueOrThrow({ where: { id: answer.action.id } });
    expect(stored).toMatchObject({ actionType: "rename_item", status: "pending", proposerLabel: `agent key "agent-${tenant.slug}"` });

    const invalid = await client.callTool({ name: "propose_rename_item", arguments: { targetType: "project", targetId: project.id, parameters: { title: "" }, waitSeconds: 0 } });
    expect(invalid.isError).toBe(true);
    expect(JSON.stringify(invalid.content)).toMatch(/title/);
  });
});

describe("a type registered from one module, executed and undone", () => {
  it("approved with the approver key, run by the worker, previewed and rolled back to the old title", async () => {
    const project = await newProject("Customer portal");
    const action = await proposeRename(project.id, "Client portal");
    const approved = await api.call("POST", "action.approve", { apiKey: tenant.keys.approver, body: { actionId: action.id } });
    expect(approved.status, JSON.stringify(approved.body)).toBe(200);

    const done = await waitForStatus(action.id);
    expect(done.status, done.errorMessage ?? "").toBe("executed");
    expect(done.result).toMatchObject({ itemId: project.id, title: "Client portal" });
    expect(await titleOf(project.id)).toBe("Client portal");
    expect(done.timeline.map((event) => event.type)).toEqual(expect.arrayContaining(["proposed", "approved", "executed"]));

    const approver = api.client(tenant.keys.approver);
    const preview = await approver.action.rollbackPreview.query({ actionId: action.id });
    expect(preview).toMatchObject({ canRollBack: true, refusal: null, laterActionIds: [] });
    expect(preview.steps).toEqual([
      expect.objectContaining({
        actionId: action.id,
        actionType: "rename_item",
        description: `gives project #${project.id} its old title back`,
        changes: [{ field: "title", current: "Client portal", restored: "Customer portal" }],
      }),
    ]);

    // Without confirm nothing happens.
    const unconfirmed = await api.call("POST", "action.rollback", { apiKey: tenant.keys.approver, body: { actionId: action.id } });
    expect(unconfirmed.status).toBe(400);
    expect(await titleOf(project.id)).toBe("Client portal");

    const { undoActions } = await approver.action.rollback.mutate({ actionId: action.id, confirm: true });
    expect(undoActions).toHaveLength(1);
    const undo = await waitForStatus(undoActions[0]?.id ?? 0);
    expect(undo.status, undo.errorMessage ?? "").toBe("executed");
    expect(await titleOf(project.id)).toBe("Customer portal");
    const original = await approver.action.get.query({ actionId: action.id });
    expect(original.timeline.map((event) => event.type)).toContain("rolled_back");
  });
});
