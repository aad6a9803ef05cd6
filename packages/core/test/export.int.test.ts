import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { exportActions } from "../src/export/export-actions.ts";
import type { ActionView } from "../src/actions/action-view.ts";
import { createTestEnvironment, createTestTenant, type TestEnvironment, type TestTenant } from "../src/testing/index.ts";

let environment: TestEnvironment;
let tenant: TestTenant;

beforeAll(async () => {
  environment = await createTestEnvironment();
  tenant = await createTestTenant(environment.db);
  await environment.db.agentAction.createMany({
    data: Array.from({ length: 10 }, (_, index) => ({
      tenantId: tenant.id,
      proposerLabel: "seed",
      actionType: "notify" as const,
      parameters: { channel: "in_app", recipient: "team", message: `message ${index}` },
      status: index % 2 === 0 ? ("pending" as const) : ("cancelled" as const),
      updatedAt: new Date(),
    })),
  });
});

afterAll(async () => {
  await environment.close();
});

async function text(chunks: AsyncIterable<string>): Promise<{ text: string; pieces: number }> {
  let all = "";
  let pieces = 0;
  for await (const chunk of chunks) {
    all += chunk;
    pieces += 1;
  }
  return { text: all, pieces };
}

describe("exportActions", () => {
  it("reads keyset batches across their boundaries without losing or repeating a row", async () => {
    const ids = (await environment.db.agentAction.findMany({ orderBy: { id: "desc" }, select: { id: true } })).map((row) => row.id);
    for (const batchSize of [1, 3, 5, 10, 11]) {
      const json = await text(exportActions(environment.deps, { actor: tenant.viewer, input: { format: "json" }, batchSize }).chunks);
      expect((JSON.parse(json.text) as ActionView[]).map((action) => action.id)).toEqual(ids);
      expect(json.pieces).toBe(Math.ceil(10 / batchSize) + 2);
      const csv = await text(exportActions(environment.deps, { actor: tenant.viewer, input: { format: "csv" }, batchSize }).chunks);
      expect(csv.text.trimEnd().split("\n").slice(1).map((line) => Number(line.split(",")[0]))).toEqual(ids);
    }
  });

  it("takes its filters typed or straight from a query string, and refuses before producing anything", async () => {
    const typed = await text(exportActions(environment.deps, { actor: tenant.viewer, input: { format: "json", status: ["cancelled"] } }).chunks);
    const fromQuery = await text(exportActions(environment.deps, { actor: tenant.viewer, input: new URLSearchParams("format=json&status=cancelled") }).chunks);
    expect(fromQuery.text).toBe(typed.text);
    expect((JSON.parse(typed.text) as ActionView[]).map((action) => action.status)).toEqual(Array(5).fill("cancelled"));
    expect(() => exportActions(environment.deps, { actor: tenant.viewer, input: new URLSearchParams("format=xml") })).toThrow(/format/);
    expect(() => exportActions(environment.deps, { actor: tenant.viewer, input: new URLSearchParams("format=csv&targetId=x") })).toThrow(/targetId/);
  });
});
