import { CoreError } from "../errors.ts";
import type { HttpMethod } from "./connector-fields.ts";
import type { ConnectorJson } from "./response-body.ts";
import type { UndoTemplate } from "./undo-template-schema.ts";
import { ANY_UNDO_PLACEHOLDER, parseUndoPlaceholder, WHOLE_UNDO_PLACEHOLDER, type UndoPlaceholder } from "./undo-placeholders.ts";

export interface UndoRequest {
  method: HttpMethod;
  path: string;
  body: ConnectorJson | undefined;
}

/** What the placeholders are filled from: the answer to the call being undone, and the action's parameters. */
export interface UndoRequestContext {
  result: { status: number; body: unknown };
  parameters: unknown;
}

function valueAt(value: unknown, path: readonly string[]): unknown {
  let current = value;
  for (const key of path) {
    if (typeof current !== "object" || current === null || !Object.hasOwn(current, key)) return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}

function resolve(placeholder: UndoPlaceholder, expression: string, context: UndoRequestContext): ConnectorJson {
  const value = placeholder.source === "status" ? context.result.status : valueAt(placeholder.source === "body" ? context.result.body : context.parameters, placeholder.path);
  if (value === undefined || value === null) {
    const where = placeholder.source === "parameters" ? "the action's parameters did not contain" : "the answer did not contain";
    throw new CoreError("INVALID", `undo template needs ${expression.replace(/^\{\{\s*|\s*\}\}$/g, "")}, which ${where}`);
  }
  return value as ConnectorJson;
}

function scalarText(value: ConnectorJson, expression: string): string {
  if (typeof value === "string" || typeof value === "number" || typeof value === "boolean") return String(value);
  throw new CoreError("INVALID", `undo template puts ${expression} in text, but it is ${Array.isArray(value) ? "a list" : "an object"}`);
}

function fill(value: ConnectorJson, context: UndoRequestContext): ConnectorJson {
  if (typeof value === "string") {
    const whole = WHOLE_UNDO_PLACEHOLDER.exec(value);
    const wholeRef = whole ? parseUndoPlaceholder(whole[1] ?? "") : null;
    // A string that is just one placeholder takes the value with its type (an id stays a number).
    if (wholeRef) return resolve(wholeRef, value, context);
    return value.replace(ANY_UNDO_PLACEHOLDER, (expression, inner: string) => {
      const ref = parseUndoPlaceholder(inner);
      return ref ? scalarText(resolve(ref, expression, context), expression) : expression;
    });
  }
  if (Array.isArray(value)) return value.map((item) => fill(item, context));
  if (value !== null && typeof value === "object") return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, fill(item, context)]));
  return value;
}

/**
 * The request that undoes a call, from the connector's undo template: placeholders filled from the
 * call's answer and the action's parameters; values put into the path are URL-encoded, so an id
 * like `a/../b` stays one segment. A placeholder with nothing to fill it is an INVALID error.
 */
export function renderUndoRequest(template: UndoTemplate, context: UndoRequestContext): UndoRequest {
  const path = template.path.replace(ANY_UNDO_PLACEHOLDER, (expression, inner: string) => {
    const ref = parseUndoPlaceholder(inner);
    return ref ? encodeURIComponent(scalarText(resolve(ref, expression, context), expression)) : expression;
  });
  return { method: template.method, path, body: template.body === undefined ? undefined : fill(template.body, context) };
}
