import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";

import { createTestEnvironment, createTestTenant, type TestEnvironment, type TestTenant } from "@leash/core/testing";

import { connectMcpClient, startTestApi } from "./support.ts";

/** What tools/list may weigh in an agent's context, in bytes of JSON (it was about 125 KB with an action's JSON Schema as every tool's outputSchema). */
const TOOLS_LIST_BUDGET_BYTES = 20_000;

let environment: TestEnvironment;
let api: Awaited<ReturnType<typeof startTestApi>>;
let tenant: TestTenant;
const cleanups: (() => Promise<void>)[] = [];

beforeAll(async () => {
  environment = await createTestEnvironment();
  api = await startTestApi(environment);
  tenant = await createTestTenant(environment.db, "mcp-size");
});

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

afterAll(async () => {
  await api.close();
  await environment.close();
});

describe("the MCP tools/list answer", () => {
  it(`stays under ${TOOLS_LIST_BUDGET_BYTES} bytes: input schemas and short descriptions, the answers described in words`, async () => {
    const client = await connectMcpClient(api.baseUrl, tenant.keys.agent, cleanups);
    const listed = await client.listTools();
    const bytes = Buffer.byteLength(JSON.stringify(listed));
    console.log(`tools/list: ${listed.tools.length} tools, ${bytes} bytes`);
    expect(bytes).toBeLessThan(TOOLS_LIST_BUDGET_BYTES);
    const waiting = listed.tools.find((tool) => tool.name === "wait_for_decision");
    expect(waiting?.description).toMatch(/Answers \{action, done, cursor\}/);
  });
});
