import { data } from "react-router";

import { isCoreError, issueSentence, issuesSummary, type CoreErrorCode } from "@leash/core";

import type { FormResult } from "../lib/form-result.ts";

/** The one place where domain errors become HTTP statuses for the console. */
const statuses: Record<CoreErrorCode, number> = {
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  INVALID: 400,
  NOT_REVERSIBLE: 422,
  LIMIT_EXCEEDED: 429,
  DELIVERY_FAILED: 502,
};

/** Where a core issue shows in a form: the field's name there, and what to say before the message. */
export type FieldOf = (path: (string | number)[]) => { field: string; prefix?: string };

const samePath: FieldOf = (path) => ({ field: path.join(".") });

/**
 * An action's refusal as the form shows it: a message, and each invalid field's message next to
 * it, both in plain words naming the field (core's own message for an invalid input names paths,
 * for agents). `fieldOf` places core's issues in the form where its fields are named differently.
 */
export function refusal(error: unknown, form?: string, fieldOf: FieldOf = samePath) {
  if (!isCoreError(error)) throw error;
  const fieldErrors: Record<string, string> = {};
  for (const issue of error.issues ?? []) {
    const { field, prefix } = fieldOf(issue.path);
    const sentence = issueSentence(issue);
    if (field && !(field in fieldErrors)) fieldErrors[field] = prefix ? `${sentence} (at ${prefix})` : sentence;
  }
  const status = statuses[error.code];
  const message = (error.code === "INVALID" ? issuesSummary(error.issues ?? []) : undefined) ?? error.message;
  const result: FormResult = { ok: false, status, error: message, fieldErrors, ...(form ? { form } : {}) };
  return data(result, { status });
}

/** Runs a loader's core call; a domain error becomes an error page with its status and message. */
export async function loadOrFail<T>(load: () => Promise<T>): Promise<T> {
  try {
    return await load();
  } catch (error) {
    if (isCoreError(error)) throw data(error.message, { status: statuses[error.code] });
    throw error;
  }
}
