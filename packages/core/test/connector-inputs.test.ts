import { describe, expect, it } from "vitest";

import { addressRefusal } from "../src/connectors/address-refusal.ts";
import { checkConnectorRequest } from "../src/connectors/check-connector-request.ts";
import { createConnectorInputSchema, updateConnectorInputSchema } from "../src/connectors/connector-inputs.ts";
import { connectorRequestUrl } from "../src/connectors/connector-request-url.ts";
import { renderUndoRequest } from "../src/connectors/render-undo-request.ts";
import { parseRetryAfter } from "../src/connectors/retry-after.ts";

const valid = {
  name: "billing-api",
  baseUrl: "https://billing.example.com/v1/",
  allowedMethods: ["POST", "DELETE"],
  allowedPathPrefixes: ["/invoices"],
  headers: [{ name: "Authorization", value: "Bearer sk_live_123", secret: true }, { name: "X-Team", value: "growth" }],
  undo: { method: "DELETE", path: "/invoices/{{result.body.id}}" },
};

/** The issues of a create input with `changes` applied, as `path: message`. */
const issues = (changes: Record<string, unknown>) =>
  createConnectorInputSchema.safeParse({ ...valid, ...changes }).error?.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`) ?? [];

const connector = { name: "billing-api", baseUrl: "https://billing.example.com/v1", allowedMethods: ["GET", "POST"] as ("GET" | "POST")[], allowedPathPrefixes: ["/invoices", "/customers/"] };

describe("connector inputs", () => {
  it("accept a sound connector, normalising its base URL and filling the defaults", () => {
    const parsed = createConnectorInputSchema.parse(valid);
    expect(parsed.baseUrl).toBe("https://billing.example.com/v1");
    expect(parsed.timeoutMs).toBe(10_000);
    expect(parsed.allowPrivateNetwork).toBe(false);
    expect(parsed.headers).toEqual([
      { name: "Authorization", value: "Bearer sk_live_123", secret: true },
      { name: "X-Team", value: "growth", secret: false },
    ]);
  });

  it("refuse base URLs that are not plain http(s) roots", () => {
    expect(issues({ baseUrl: "ftp://billing.example.com" })).toEqual(["baseUrl: must start with http:// or https://"]);
    expect(issues({ baseUrl: "https://user:pw@billing.example.com" })[0]).toContain("must not hold credentials");
    expect(issues({ baseUrl: "https://billing.example.com/v1?x=1" })[0]).toContain("query string");
    expect(issues({ baseUrl: "https://billing.example.com/v1#top" })[0]).toContain("fragment");
    expect(issues({ baseUrl: "https://billing.example.com/a/../admin" })[0]).toContain(". or .. segments");
    expect(issues({ baseUrl: "https://billing.example.com\\@evil.com" })[0]).toContain("backslashes");
    expect(issues({ baseUrl: "billing.example.com" })[0]).toContain("absolute URL");
  });

  it("refuse names that are not slugs, methods and prefixes that make no sense, and timeouts out of range", () => {
    expect(issues({ name: "Billing API" })[0]).toContain("must be a slug");
    expect(issues({ name: "b".repeat(65) })).toHaveLength(1);
    expect(issues({ allowedMethods: ["TRACE"] })[0]).toMatch(/^allowedMethods\.0:/);
    expect(issues({ allowedMethods: [] })[0]).toContain("at least one method");
    expect(issues({ allowedPathPrefixes: ["invoices"] })[0]).toContain("must start with /");
    expect(issues({ allowedPathPrefixes: ["/invoices?x"] })[0]).toContain("query string");
    expect(issues({ timeoutMs: 99 })).toHaveLength(1);
    expect(issues({ timeoutMs: 30_001 })).toHaveLength(1);
  });

  it("refuse NUL and lone surrogates in every string", () => {
    expect(issues({ baseUrl: "https://billing.example.com/v\u0000" })).not.toEqual([]);
    expect(issues({ baseUrl: "https://billing.example.com/\uD800" })[0]).toContain("lone UTF-16 surrogates");
    expect(issues({ allowedPathPrefixes: ["/in\uDC00voices"] })[0]).toContain("lone UTF-16 surrogates");
    expect(issues({ headers: [{ name: "X-A", value: "a\u0000b" }] })[0]).toContain("no CR, LF, NUL");
    expect(issues({ headers: [{ name: "X-A", value: "\uD83D" }] })).toHaveLength(1);
    expect(issues({ undo: { method: "DELETE", path: "/invoices/\uD800" } })[0]).toContain("lone UTF-16 surrogates");
    expect(issues({ undo: { method: "DELETE", path: "/invoices/1", body: { note: "a\u0000" } } })[0]).toContain("NUL");
    expect(issues({ undo: { method: "DELETE", path: "/invoices/1", body: { ["k\uDFFF"]: 1 } } })[0]).toContain("lone UTF-16 surrogates");
  });

  it("refuse header names that are not HTTP tokens or that Leash sets itself, and values that could inject headers", () => {
    expect(issues({ headers: [{ name: "X Team", value: "a" }] })[0]).toContain("must be an HTTP header name");
    expect(issues({ headers: [{ name: "X-Team:", value: "a" }] })[0]).toContain("must be an HTTP header name");
    for (const name of ["Host", "content-length", "Idempotency-Key", "webhook-signature", "Webhook-Id", "Transfer-Encoding"]) {
      expect(issues({ headers: [{ name, value: "a" }] })[0]).toContain("is set by Leash");
    }
    expect(issues({ headers: [{ name: "X-A", value: "a\r\nX-Injected: 1" }] })[0]).toContain("no CR, LF");
    expect(issues({ headers: [{ name: "X-A", value: "a\nb" }] })[0]).toContain("no CR, LF");
    expect(issues({ headers: [{ name: "X-A", value: "1" }, { name: "x-a", value: "2" }] })[0]).toBe("headers.1.name: x-a is given twice");
    expect(issues({ headers: [{ name: "X-Key", secret: true }] })[0]).toBe("headers.0.value: a secret header needs its value");
    // An update may leave a secret header's value out: it keeps the stored one.
    expect(updateConnectorInputSchema.safeParse({ connectorId: "00000000-0000-4000-8000-000000000000", headers: [{ name: "X-Key", secret: true }] }).success).toBe(true);
  });

  it("check undo templates: known placeholders only, an allowed method and prefix", () => {
    expect(issues({ undo: { method: "DELETE", path: "/invoices/{{result.body.id}}/{{parameters.customer.id}}?status={{result.status}}" } })).toEqual([]);
    expect(issues({ undo: { method: "DELETE", path: "/invoices/{{result.id}}" } })[0]).toContain("{{result.id}} is not a placeholder");
    expect(issues({ undo: { method: "DELETE", path: "/invoices/1", body: { id: "{{secrets.key}}" } } })[0]).toContain("{{secrets.key}} is not a placeholder");
    expect(issues({ undo: { method: "PUT", path: "/invoices/1" } })).toEqual(["undo.method: PUT is not among the connector's allowed methods"]);
    expect(issues({ undo: { method: "DELETE", path: "/admin/{{result.body.id}}" } })).toEqual(["undo.path: must be under one of the connector's allowed path prefixes"]);
    expect(issues({ undo: { method: "DELETE", path: "/invoices/../admin" } })[0]).toContain(". or .. segments");
  });
});

describe("request URLs under a connector", () => {
  const refused = (method: string, path: string) => {
    const checked = checkConnectorRequest(connector, { method, path });
    return checked.ok ? `allowed ${checked.url.href}` : checked.problem;
  };

  it("build the full URL under the base URL, query string included", () => {
    expect(refused("POST", "/invoices")).toBe("allowed https://billing.example.com/v1/invoices");
    expect(refused("GET", "/invoices/7?expand=lines")).toBe("allowed https://billing.example.com/v1/invoices/7?expand=lines");
    expect(refused("GET", "/customers/42")).toBe("allowed https://billing.example.com/v1/customers/42");
  });

  it("refuse every way out of the base URL", () => {
    const escapes = [
      "/invoices/../admin",
      "/invoices/%2e%2e/admin",
      "/invoices/%2E%2e/admin",
      "/invoices/.%2e/admin",
      "/invoices/%252e%252e/admin",
      "/invoices%2f..%2fadmin",
      "//evil.com/invoices",
      "/invoices//evil.com",
      "\\\\evil.com",
      "/invoices\\..\\admin",
      "/invoices/%5c..%5cadmin",
      "https://evil.com/invoices",
      "http:/evil.com",
      "evil.com/invoices",
      "/invoices/\u0000",
      "/invoices/%00",
      "/invoices/a b",
      "/invoices/\r\nHost: evil.com",
      "/invoices#frag",
      "/invoices/%zz",
      "/invoices/./7",
    ];
    for (const path of escapes) expect(refused("GET", path), path).not.toMatch(/^allowed/);
    expect(refused("GET", "//evil.com")).toContain("must not contain empty segments");
    expect(refused("GET", "/invoices/%2e%2e/admin")).toContain(". or .. segments, encoded or not");
    expect(refused("GET", "https://evil.com/x")).toContain("must start with /");
  });

  it("refuse methods and paths the connector does not allow, saying which are", () => {
    expect(refused("DELETE", "/invoices/7")).toBe("billing-api does not allow DELETE (allowed: GET, POST).");
    expect(refused("GET", "/invoices-admin")).toBe("billing-api allows only paths under /invoices, /customers/; /invoices-admin is not.");
    expect(refused("GET", "/customers")).toContain("allows only paths under");
  });

  it("keep a base URL without a path at its origin", () => {
    const root = connectorRequestUrl({ name: "root", baseUrl: "http://127.0.0.1:8080" }, "/a?b=c");
    expect(root.ok && root.url.href).toBe("http://127.0.0.1:8080/a?b=c");
  });
});

describe("addresses a connector may reach", () => {
  it("pass public unicast addresses only, unless the private network is allowed; never link-local", () => {
    expect(addressRefusal("93.184.216.34", { allowPrivateNetwork: false })).toBeNull();
    expect(addressRefusal("2606:2800:220:1::1", { allowPrivateNetwork: false })).toBeNull();
    for (const address of ["10.0.0.5", "172.16.1.1", "192.168.1.1", "127.0.0.1", "::1", "fd00::1", "100.64.0.1", "::ffff:10.0.0.1", "::ffff:127.0.0.1"]) {
      expect(addressRefusal(address, { allowPrivateNetwork: false }), address).toContain("unless they allow the private network");
      expect(addressRefusal(address, { allowPrivateNetwork: true }), address).toBeNull();
    }
    for (const address of ["169.254.169.254", "fe80::1", "0.0.0.0", "::", "224.0.0.1", "255.255.255.255", "2002:a00:1::1", "64:ff9b::a00:1", "240.0.0.1"]) {
      expect(addressRefusal(address, { allowPrivateNetwork: true }), address).toContain("connectors never reach it");
    }
    expect(addressRefusal("169.254.169.254", { allowPrivateNetwork: false })).toBe(
      "169.254.169.254 is a link-local address (the cloud metadata service's range); connectors never reach it",
    );
  });
});

describe("undo requests", () => {
  const result = { status: 201, body: { id: "inv/7", total: 12, lines: [{ sku: "a" }] } };

  it("fill placeholders from the answer and the parameters, URL-encoding what goes into the path and keeping types in the body", () => {
    const undo = renderUndoRequest(
      { method: "POST", path: "/invoices/{{result.body.id}}/void?code={{result.status}}", body: { id: "{{result.body.id}}", total: "{{result.body.total}}", note: "was {{parameters.reason}}", sku: "{{result.body.lines.0.sku}}" } },
      { result, parameters: { reason: "a test" } },
    );
    expect(undo).toEqual({ method: "POST", path: "/invoices/inv%2F7/void?code=201", body: { id: "inv/7", total: 12, note: "was a test", sku: "a" } });
  });

  it("refuse a placeholder with nothing to fill it", () => {
    expect(() => renderUndoRequest({ method: "DELETE", path: "/invoices/{{result.body.number}}" }, { result, parameters: {} })).toThrow(
      "undo template needs result.body.number, which the answer did not contain",
    );
    expect(() => renderUndoRequest({ method: "DELETE", path: "/x/{{parameters.id}}" }, { result, parameters: { id: null } })).toThrow("which the action's parameters did not contain");
    expect(() => renderUndoRequest({ method: "DELETE", path: "/x/{{result.body.lines}}" }, { result, parameters: {} })).toThrow("but it is a list");
  });
});

describe("Retry-After", () => {
  it("reads seconds and HTTP dates", () => {
    const now = new Date("2026-12-04T10:00:00Z");
    expect(parseRetryAfter("2", now)).toBe(2000);
    expect(parseRetryAfter("Fri, 04 Dec 2026 10:00:30 GMT", now)).toBe(30_000);
    expect(parseRetryAfter("Fri, 04 Dec 2026 09:00:00 GMT", now)).toBe(0);
    expect(parseRetryAfter("soon", now)).toBeUndefined();
    expect(parseRetryAfter(undefined, now)).toBeUndefined();
  });
});
