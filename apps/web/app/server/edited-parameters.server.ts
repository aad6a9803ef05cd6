import { data } from "react-router";

import type { FormResult } from "../lib/form-result.ts";

/**
 * The parameters an approver edited, as posted in the JSON text area. Only the JSON is read here;
 * what the parameters may hold is core's to check when it approves.
 */
export function editedParameters(text: string | undefined): { ok: true; value: Record<string, unknown> } | { ok: false; refusal: ReturnType<typeof data<FormResult>> } {
  const refuse = (message: string) => {
    const result: FormResult = { ok: false, status: 400, error: message, fieldErrors: { parameters: message }, form: "approve-edited" };
    return { ok: false as const, refusal: data(result, { status: 400 }) };
  };
  let parsed: unknown;
  try {
    parsed = JSON.parse(text ?? "");
  } catch {
    return refuse("this is not valid JSON");
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) return refuse("the parameters must be a JSON object");
  return { ok: true, value: Object.fromEntries(Object.entries(parsed)) };
}
