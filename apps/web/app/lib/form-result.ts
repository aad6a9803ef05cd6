/**
 * What a console form post answers; shared by the server actions and the components that show it.
 * `form` names the form that was posted when a page holds several (a card's decision, the bulk bar).
 */
export type FormResult =
  | { ok: true; message: string; form?: string; rollbackHref?: string; outcomes?: DecisionOutcome[] }
  | { ok: false; status: number; error: string; fieldErrors: Record<string, string>; form?: string };

/** One action's part of a bulk decision: decided, or refused with the reason. */
export interface DecisionOutcome {
  actionId: number;
  ok: boolean;
  message: string;
}

/** The name of the hidden field that carries the session's anti-forgery token in every form. */
export const CSRF_FIELD = "csrf";

/** The field error for `field`, if the result is a refusal that names it. */
export function fieldError(result: FormResult | undefined, field: string): string | undefined {
  const message = result && !result.ok ? result.fieldErrors[field] : undefined;
  return message ? message.charAt(0).toUpperCase() + message.slice(1) : undefined;
}

/** A refusal that is not about one field (a lost race, a missing permission). */
export function formError(result: FormResult | undefined): string | undefined {
  return result && !result.ok && Object.keys(result.fieldErrors).length === 0 ? result.error : undefined;
}

/** The result if it came from the form named `form`. */
export function resultFor(result: FormResult | undefined, form: string): FormResult | undefined {
  return result?.form === form ? result : undefined;
}
