/**
 * Placeholders of a connector's undo template: `{{result.status}}`, `{{result.body.<path>}}` (the
 * answer to the call being undone) and `{{parameters.<path>}}` (the action's parameters). A path
 * is dot-separated keys or array indexes, e.g. `result.body.items.0.id`.
 */
export type UndoPlaceholder = { source: "status" } | { source: "body" | "parameters"; path: string[] };

export const ANY_UNDO_PLACEHOLDER = /\{\{([^{}]*)\}\}/g;
export const WHOLE_UNDO_PLACEHOLDER = /^\{\{([^{}]*)\}\}$/;

const SEGMENTS = /^(?:\.[A-Za-z0-9_-]+)+$/;

export function parseUndoPlaceholder(expression: string): UndoPlaceholder | null {
  const trimmed = expression.trim();
  if (trimmed === "result.status") return { source: "status" };
  for (const [prefix, source] of [["result.body", "body"], ["parameters", "parameters"]] as const) {
    const rest = trimmed.slice(prefix.length);
    if (trimmed.startsWith(prefix) && SEGMENTS.test(rest)) return { source, path: rest.slice(1).split(".") };
  }
  return null;
}

/** The first placeholder in `text` that is not one of the forms above, as written. */
export function unknownUndoPlaceholder(text: string): string | undefined {
  return [...text.matchAll(ANY_UNDO_PLACEHOLDER)].find((match) => parseUndoPlaceholder(match[1] ?? "") === null)?.[0];
}

export const undoPlaceholderHint = "placeholders are {{result.status}}, {{result.body.<field>}} and {{parameters.<field>}}";
