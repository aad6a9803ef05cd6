import { CoreError } from "@leash/core";

import type { FieldOf } from "./core-errors.server.ts";
import { formText } from "./form.server.ts";

/** Where a header of core's input came from in the form: its textarea and line. */
interface HeaderOrigin {
  field: "headers" | "secretHeaders";
  line: number;
}

const lines = (text: string | undefined) =>
  (text ?? "")
    .split(/\r?\n/)
    .map((line, index) => ({ text: line.trim(), line: index + 1 }))
    .filter((line) => line.text !== "");

/** `Name: value`; a line without a colon is a name alone (a secret header that keeps its stored value). */
function header(text: string): { name: string; value?: string } {
  const colon = text.indexOf(":");
  return colon < 0
    ? { name: text }
    : { name: text.slice(0, colon).trim(), value: text.slice(colon + 1).trim() };
}

export interface ConnectorForm {
  /** The connector as core's input; core's schema checks it (the console does not check anything of its own). */
  input: Record<string, unknown>;
  /** The undo body, when it is not JSON: refused before core sees it. */
  bodyError: CoreError | null;
  /** Core's field path -> the form's field, and the line of a textarea. */
  fieldOf: FieldOf;
}

/**
 * The connector form as core's input: methods as checkboxes, path prefixes one per line, headers
 * as `Name: value` lines (secret ones in a textarea of their own), the undo request as method,
 * path and a JSON body.
 */
export function connectorFormInput(form: FormData): ConnectorForm {
  const text = (name: string) => formText(form, name) ?? "";
  const prefixes = lines(text("allowedPathPrefixes"));
  const plain = lines(text("headers"));
  const secret = lines(text("secretHeaders"));
  const origins: HeaderOrigin[] = [
    ...plain.map(({ line }) => ({ field: "headers" as const, line })),
    ...secret.map(({ line }) => ({ field: "secretHeaders" as const, line })),
  ];
  const headers = [
    ...plain.map((line) => ({ ...header(line.text), secret: false })),
    ...secret.map((line) => ({ ...header(line.text), secret: true })),
  ];

  let bodyError: CoreError | null = null;
  let body: unknown;
  if (text("undoBody").trim() !== "") {
    try {
      body = JSON.parse(text("undoBody"));
    } catch (error) {
      const message = `is not valid JSON (${error instanceof Error ? error.message : "parse error"})`;
      bodyError = new CoreError("INVALID", `Invalid connector: undo.body: ${message}`, {
        issues: [{ path: ["undo", "body"], message }],
      });
    }
  }
  const undoMethod = text("undoMethod");
  const timeout = text("timeoutMs").trim();
  const input = {
    name: text("name").trim(),
    baseUrl: text("baseUrl").trim(),
    allowedMethods: form.getAll("allowedMethods").filter((value) => typeof value === "string"),
    allowedPathPrefixes: prefixes.map((line) => line.text),
    headers,
    // Empty keeps core's default; anything else reaches core as a number (NaN is refused there).
    ...(timeout === "" ? {} : { timeoutMs: Number(timeout) }),
    allowPrivateNetwork: text("allowPrivateNetwork") === "on",
    undo:
      undoMethod === ""
        ? null
        : { method: undoMethod, path: text("undoPath").trim(), ...(body === undefined ? {} : { body }) },
  };

  const fieldOf: FieldOf = (path) => {
    const [first, second, third] = path;
    if (first === "allowedPathPrefixes" && typeof second === "number")
      return { field: "allowedPathPrefixes", prefix: `line ${prefixes[second]?.line ?? second + 1}` };
    if (first === "headers" && typeof second === "number") {
      const origin = origins[second];
      return origin
        ? { field: origin.field, prefix: `line ${origin.line}${third === "value" ? ", value" : ""}` }
        : { field: "headers" };
    }
    if (first === "undo")
      return { field: second === "path" ? "undoPath" : second === "body" ? "undoBody" : "undoMethod" };
    return { field: String(first ?? "") };
  };
  return { input, bodyError, fieldOf };
}
