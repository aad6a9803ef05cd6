import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { badInput, createTestItem, createTestTenant, junkValue, quotedInternals, serviceAddresses, testRedisUrl, toJsonText, waitFor, type TestEnvironment, type TestTenant } from "@leash/core/testing";
import { databaseFingerprint } from "@leash/db/testing";

import { startApiStack } from "./support.ts";

// Guarantee 3 of RELIABILITY.md for agents that speak MCP: every tool answers bad arguments with a
// tool error or a JSON-RPC error that says why, never an HTTP 5xx or the "Internal error" answer, never
// quotes the inside, and a refused call writes nothing.

const RUNS_PER_TOOL = 30;

let stack: Awaited<ReturnType<typeof startApiStack>>;
let environment: TestEnvironment;
let tenant: TestTenant;
let addresses: string[];
let validArguments: Record<string, Record<string, unknown>>;
let toolNames: string[];

interface JsonRpcAnswer {
  result?: { isError?: boolean; content?: { type: string; text?: string }[]; tools?: { name: string }[] };
  error?: { code: number; message: string };
}

let nextId = 1;

/** How long a call may take before the test hangs up: only an accepted call waits for a decision that long. */
const HANG_UP_MS = 3_000;

/**
 * One JSON-RPC message to /mcp as raw text, as an agent's own HTTP client would send it. A call still
 * waiting for a decision when the test hangs up answers null: the arguments were accepted.
 */
async function post(text: string): Promise<{ status: number; body: string } | null> {
  try {
    const response = await fetch(`${stack.api.baseUrl}/mcp`, {
      method: "POST",
      headers: { "content-type": "application/json", accept: "application/json, text/event-stream", authorization: `Bearer ${tenant.keys.agent}` },
      body: text,
      signal: AbortSignal.timeout(HANG_UP_MS),
    });
    return { status: response.status, body: await response.text() };
  } catch (error) {
    if (error instanceof DOMException && error.name === "TimeoutError") return null;
    throw error;
  }
}

function callTool(name: string, args: unknown) {
  nextId += 1;
  return post(`{"jsonrpc":"2.0","id":${nextId},"method":"tools/call","params":{"name":${JSON.stringify(name)},"arguments":${toJsonText(args)}}}`);
}

/** Whether the answer refused the call: a JSON-RPC error, or a tool result flagged as an error. */
function refusedBy(body: string): boolean {
  const answer = JSON.parse(body) as JsonRpcAnswer;
  return answer.error !== undefined || answer.result?.isError === true;
}

async function workerIdle() {
  await waitFor(async () => (await environment.db.agentAction.count({ where: { status: { in: ["approved", "executing"] } } })) === 0, { what: "an idle worker" });
}

beforeAll(async () => {
  stack = await startApiStack();
  environment = stack.environment;
  addresses = serviceAddresses(environment.database.url, testRedisUrl);
  tenant = await createTestTenant(environment.db, "mcp-fuzz");
  const project = await createTestItem(environment.db, tenant.id, { kind: "project", title: "Website relaunch" });
  const person = await createTestItem(environment.db, tenant.id, { kind: "person", title: "Grace Hopper" });
  const agent = stack.api.client(tenant.keys.agent);
  const admin = stack.api.client(tenant.keys.admin);
  const { action } = await agent.action.propose.mutate({ actionType: "notify", parameters: { channel: "email", recipient: "a@b.c", message: "m" } });
  // A decided action: waiting for it answers at once.
  const idea = await agent.action.propose.mutate({ actionType: "create", targetType: "idea", parameters: { title: "No" } });
  const ended = await admin.action.reject.mutate({ actionId: idea.action.id, reason: "no" });
  const external = await agent.action.propose.mutate({ actionType: "external", parameters: { tool: "shell", arguments: { command: "ls" }, summary: "List files" } });
  const template = await admin.template.create.mutate({
    name: "Onboard",
    parameters: [{ name: "projectName", type: "string" }],
    steps: [{ actionType: "create", targetType: "project", parameters: { title: "{{params.projectName}}" } }],
  });
  await admin.connector.create.mutate({ name: "orders-api", baseUrl: "https://orders.example.com", allowedMethods: ["POST"], allowedPathPrefixes: ["/orders"] });
  const listed = JSON.parse((await post('{"jsonrpc":"2.0","id":1,"method":"tools/list"}'))?.body ?? "{}") as JsonRpcAnswer;
  toolNames = (listed.result?.tools ?? []).map((tool) => tool.name);
  // A valid call of each tool, spoiled one part at a time by the properties. Nothing waits: waitSeconds 0.
  const wait = { waitSeconds: 0 };
  validArguments = {
    propose_create: { targetType: "idea", parameters: { title: "Self-serve onboarding", data: { score: 7 } }, reason: "From the retro", ...wait },
    propose_update: { targetType: "project", targetId: project.id, parameters: { data: { status: "at_risk" } }, reason: "Deadline moved", ...wait },
    propose_delete: { targetType: "project", targetId: project.id, reason: "Cancelled", ...wait },
    propose_link: { targetType: "person", targetId: person.id, parameters: { toType: "project", toId: project.id, relation: "works_on" }, ...wait },
    propose_notify: { parameters: { channel: "email", recipient: "a@b.c", message: "Hello" }, idempotencyKey: "mcp-fuzz-1", ...wait },
    propose_schedule: { targetType: "project", targetId: project.id, parameters: { dueAt: "2027-01-15T09:00:00Z", message: "Review", recipient: "ops@example.com" }, ...wait },
    propose_http: { parameters: { connector: "orders-api", method: "POST", path: "/orders", body: { sku: "A-1" } }, ...wait },
    propose_external: { parameters: { tool: "shell", arguments: { command: "ls" }, summary: "List files" }, ...wait },
    get_action: { actionId: action.id },
    wait_for_decision: { actionId: ended.id, waitSeconds: 5 },
    request_approval: { tool: "shell", arguments: { command: "ls" }, summary: "List files", ...wait },
    report_outcome: { actionId: external.action.id, outcome: "failed", error: "the tool crashed" },
    list_connectors: {},
    list_templates: {},
    run_template: { templateId: template.id, parameters: { projectName: "Acme" }, reason: "go" },
  };
});

afterAll(() => stack.close());

describe("every MCP tool refuses bad arguments clearly and writes nothing", () => {
  it("has a valid sample for every tool, and each sample is accepted", async () => {
    expect(toolNames.length).toBeGreaterThan(10);
    expect(toolNames.filter((name) => !(name in validArguments)), "tools without a valid sample in this test").toEqual([]);
    for (const name of toolNames.filter((tool) => tool !== "report_outcome")) {
      const answer = await callTool(name, validArguments[name]);
      if (!answer) throw new Error(`${name} did not answer a call that waits for nothing`);
      const { status, body } = answer;
      expect(status, `${name}: ${body.slice(0, 300)}`).toBe(200);
      expect(refusedBy(body), `${name}: ${body.slice(0, 300)}`).toBe(false);
    }
    await workerIdle();
  });

  it.each(["propose_create", "propose_update", "propose_delete", "propose_link", "propose_notify", "propose_schedule", "propose_http", "propose_external", "get_action", "wait_for_decision", "request_approval", "report_outcome", "run_template"])(
    "%s",
    async (name) => {
      let refused = 0;
      await fc.assert(
        fc.asyncProperty(badInput(validArguments[name] ?? null), async (args) => {
          const before = await databaseFingerprint(environment.db);
          const answer = await callTool(name, args);
          if (!answer) {
            await workerIdle();
            return;
          }
          const { status, body } = answer;
          expect(status, body.slice(0, 300)).toBeLessThan(500);
          expect(quotedInternals(body, addresses), body.slice(0, 300)).toEqual([]);
          if (status !== 200) {
            // Only the transport refuses before a tool runs: a body over the limit.
            expect([400, 413], body.slice(0, 300)).toContain(status);
            expect(await databaseFingerprint(environment.db)).toBe(before);
            refused += 1;
            return;
          }
          expect(body, "a tool failed inside instead of refusing").not.toContain("Internal error");
          if (refusedBy(body)) {
            refused += 1;
            expect(await databaseFingerprint(environment.db), `${name} wrote after refusing: ${body.slice(0, 300)}`).toBe(before);
          } else {
            await workerIdle();
          }
        }),
        { numRuns: RUNS_PER_TOOL },
      );
      expect(refused).toBeGreaterThan(RUNS_PER_TOOL / 2);
    },
  );

  it("JSON-RPC that is not a tool call, or not JSON-RPC at all: a 4xx or a JSON-RPC error, nothing written", async () => {
    const message = fc.oneof(
      junkValue.map((value) => toJsonText(value)),
      fc.constantFrom("", "{", "[]", "null", '{"jsonrpc":"2.0"}', '{"jsonrpc":"2.0","id":1,"method":"tools/call"}', '{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"nope"}}'),
      fc.tuple(fc.string({ maxLength: 40 }), junkValue).map(([method, params]) => `{"jsonrpc":"2.0","id":7,"method":${JSON.stringify(method)},"params":${toJsonText(params)}}`),
    );
    await fc.assert(
      fc.asyncProperty(message, async (text) => {
        const before = await databaseFingerprint(environment.db);
        const answer = await post(text);
        if (!answer) throw new Error(`no answer to ${text.slice(0, 200)}`);
        const { status, body } = answer;
        expect(status, body.slice(0, 300)).toBeLessThan(500);
        expect(quotedInternals(body, addresses), body.slice(0, 300)).toEqual([]);
        expect(body).not.toContain("Internal error");
        expect(await databaseFingerprint(environment.db)).toBe(before);
      }),
      { numRuns: 100 },
    );
  });
});
