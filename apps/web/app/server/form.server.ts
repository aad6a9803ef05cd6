import { data } from "react-router";
import type { z } from "zod";

import { CoreError, inputIssues } from "@leash/core";

import type { FormResult } from "../lib/form-result.ts";
import { refusal } from "./core-errors.server.ts";

/** Largest form post the console reads (413 above): its biggest form, a template, is a few KiB. */
export const MAX_FORM_BYTES = 1024 * 1024;

/**
 * The posted form, read only up to MAX_FORM_BYTES (the stock server has no limit of its own, and
 * `request.formData()` would buffer any size); a body that is not a form is a 400, not a crash.
 */
export async function readForm(request: Request): Promise<FormData> {
  const tooLarge = () => data("This form is larger than the console accepts (1 MiB).", { status: 413 });
  if (Number(request.headers.get("content-length") ?? 0) > MAX_FORM_BYTES) throw tooLarge();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of request.body ?? []) {
    size += chunk.byteLength;
    if (size > MAX_FORM_BYTES) throw tooLarge();
    chunks.push(chunk);
  }
  try {
    return await new Response(Buffer.concat(chunks), { headers: { "content-type": request.headers.get("content-type") ?? "" } }).formData();
  } catch {
    throw data("This request is not a form the console can read.", { status: 400 });
  }
}

/** A text field as posted; a missing field is undefined so core's schema names it. */
export function formText(form: FormData, name: string): string | undefined {
  const value = form.get(name);
  return typeof value === "string" ? value : undefined;
}

/** An id field as a number; anything that is not one reaches core as NaN and is refused there. */
export function formNumber(form: FormData, name: string): number {
  const value = formText(form, name);
  return value === undefined || value.trim() === "" ? Number.NaN : Number(value);
}

/** Which of a page's forms was posted (its `intent` button or hidden field); anything else is a 400. */
export function formIntent<const T extends readonly [string, ...string[]]>(form: FormData, intents: T): T[number] {
  const value = form.get("intent");
  const intent = intents.find((candidate) => candidate === value);
  if (intent !== undefined) return intent;
  const result: FormResult = { ok: false, status: 400, error: "This form is not one the console knows.", fieldErrors: {} };
  throw data(result, { status: 400 });
}

/**
 * Checks a form post against core's own schema for the verb it feeds, where core's input type is
 * narrower than what a form sends (enums, booleans); a failure is the INVALID error core would give.
 */
export function checkForm<S extends z.ZodType>(schema: S, input: unknown): { ok: true; data: z.output<S> } | { ok: false; error: CoreError } {
  const parsed = schema.safeParse(input);
  if (parsed.success) return { ok: true, data: parsed.data };
  return { ok: false, error: new CoreError("INVALID", "Some fields are not valid.", { issues: inputIssues(parsed.error.issues) }) };
}

/** Like `checkForm`, for posts only a crafted request gets wrong: a failure answers 400 at once. */
export function parseForm<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const checked = checkForm(schema, input);
  if (checked.ok) return checked.data;
  throw refusal(checked.error);
}
