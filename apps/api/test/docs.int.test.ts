import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { createTestEnvironment, createTestTenant, type TestEnvironment, type TestTenant } from "@leash/core/testing";

import { appRouter } from "../src/router.ts";
import { startTestApi } from "./support.ts";

let environment: TestEnvironment;
let api: Awaited<ReturnType<typeof startTestApi>>;
let tenant: TestTenant;

interface Operation {
  operationId: string;
  parameters?: { name: string; in: string; content?: Record<string, { schema: { $ref: string } }> }[];
  requestBody?: { content: Record<string, { schema: { $ref: string } }> };
  responses: Record<string, { content?: Record<string, { schema: unknown }> }>;
}
interface Document {
  openapi: string;
  servers: { url: string }[];
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, unknown>; securitySchemes: Record<string, unknown> };
}

beforeAll(async () => {
  environment = await createTestEnvironment();
  tenant = await createTestTenant(environment.db, "docs");
  api = await startTestApi(environment);
});

afterAll(async () => {
  await api.close();
  await environment.close();
});

/** The router's procedures, found by walking its nested record (not the list the generator reads). */
function routerProcedures(record: object, prefix = ""): string[] {
  return Object.entries(record).flatMap(([key, value]: [string, unknown]) => {
    const path = `${prefix}${key}`;
    if (typeof value === "function") return [path];
    return value !== null && typeof value === "object" ? routerProcedures(value, `${path}.`) : [];
  });
}

async function document(): Promise<Document> {
  const response = await fetch(`${api.baseUrl}/openapi.json`);
  expect(response.status).toBe(200);
  return (await response.json()) as Document;
}

describe("API documentation generated from the router", () => {
  it("lists every procedure of the router, and nothing else but the export endpoints", async () => {
    const doc = await document();
    expect(doc.openapi).toBe("3.1.0");
    const procedures = routerProcedures(appRouter._def.record).sort();
    const documented = Object.values(doc.paths).flatMap((methods) => Object.values(methods).map((operation) => operation.operationId));
    expect(documented.filter((id) => !id.startsWith("export.")).sort()).toEqual(procedures);
    expect(documented.filter((id) => id.startsWith("export."))).toEqual(["export.actions.csv", "export.actions.json"]);
    // The routers and procedures the design promises are all there.
    expect(procedures).toEqual(
      expect.arrayContaining([
        ...["propose", "proposeBatch", "get", "list", "approve", "reject", "cancel", "rollbackPreview", "rollback", "history", "proposeAndWait", "wait", "watch"].map((name) => `action.${name}`),
        ...["create", "update", "delete", "list", "get", "run"].map((name) => `template.${name}`),
        "preference.get",
        "preference.set",
        ...["list", "set", "delete"].map((name) => `policy.${name}`),
        "queue.stats",
      ]),
    );
  });

  it("gives every procedure its input and output schema, and every reference resolves", async () => {
    const doc = await document();
    const text = JSON.stringify(doc);
    const refs = new Set([...text.matchAll(/"\$ref":"#\/components\/schemas\/([^"]+)"/g)].map((match) => match[1] ?? ""));
    for (const ref of refs) expect(doc.components.schemas, ref).toHaveProperty([ref]);
    for (const [path, methods] of Object.entries(doc.paths)) {
      if (!path.startsWith("/trpc/")) continue;
      const procedure = path.slice("/trpc/".length);
      const [method, operation] = Object.entries(methods)[0] ?? [];
      const type = ["preference.get", "policy.list", "template.list", "queue.stats", "trust.list", "connector.list", "webhook.list"].includes(procedure) ? null : method;
      if (type === "get") expect(operation?.parameters?.[0]?.content?.["application/json"]?.schema.$ref).toMatch(/^#\/components\/schemas\//);
      if (type === "post") expect(operation?.requestBody?.content["application/json"]?.schema.$ref).toMatch(/^#\/components\/schemas\//);
      expect(JSON.stringify(operation?.responses["200"]), procedure).toMatch(/"data":\{"\$ref":"#\/components\/schemas\/[^"]+"\}/);
    }
    const propose = doc.components.schemas["action.propose.input"] as { oneOf: { properties: { actionType: { const: string } } }[] };
    expect(propose.oneOf.map((variant) => variant.properties.actionType.const)).toEqual(["create", "update", "delete", "link", "notify", "schedule", "http", "external"]);
    expect(doc.components.securitySchemes).toHaveProperty(["apiKey", "scheme"], "bearer");
    // The subscription is a GET answered with server-sent events, each carrying an action.
    const watch = doc.paths["/trpc/action.watch"]?.get;
    expect(watch?.responses["200"]?.content).toHaveProperty(["text/event-stream", "schema", "properties", "data", "$ref"], "#/components/schemas/ActionView");
  });

  it("is enough for an agent without TypeScript to call the API", async () => {
    const doc = await document();
    const base = new URL(doc.servers[0]?.url ?? "/", api.baseUrl);
    const find = (id: string) => Object.entries(doc.paths).flatMap(([path, methods]) => Object.entries(methods).map(([method, operation]) => ({ path, method, operation }))).find((entry) => entry.operation.operationId === id);
    const headers = { authorization: `Bearer ${tenant.keys.agent}`, "content-type": "application/json" };

    const propose = find("action.propose");
    expect(propose?.method).toBe("post");
    const created = await fetch(new URL(propose?.path.slice(1) ?? "", base), {
      method: "POST",
      headers,
      body: JSON.stringify({ actionType: "notify", parameters: { channel: "email", recipient: "ops@example.com", message: "Hello from curl" } }),
    });
    expect(created.status).toBe(200);
    const { result } = (await created.json()) as { result: { data: { action: { id: number } } } };

    const get = find("action.get");
    expect(get?.method).toBe("get");
    expect(get?.operation.parameters?.[0]?.name).toBe("input");
    const url = new URL(get?.path.slice(1) ?? "", base);
    url.searchParams.set("input", JSON.stringify({ actionId: result.data.action.id }));
    const fetched = await fetch(url, { headers });
    expect(fetched.status).toBe(200);
    expect(await fetched.json()).toMatchObject({ result: { data: { id: result.data.action.id, status: "pending", timeline: [{ type: "proposed" }] } } });
  });

  it("serves a readable page with every procedure", async () => {
    const response = await fetch(`${api.baseUrl}/docs`);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("text/html; charset=utf-8");
    const html = await response.text();
    for (const procedure of routerProcedures(appRouter._def.record)) expect(html).toContain(`/trpc/${procedure}`);
    expect(html).toContain("/export/actions.csv");
    expect(html).toContain('<a href="#schema-ActionView">ActionView</a>');
    // Served whole from here: the machines it runs on may be offline.
    expect(html).not.toMatch(/<(script|link|img)[^>]+(src|href)="https?:/);
  });
});
