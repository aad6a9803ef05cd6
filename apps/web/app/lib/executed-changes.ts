import type { ActionView, ChangeLine, JsonValue } from "@leash/core";

import { humanize } from "./format.ts";

type JsonRecord = { [key: string]: JsonValue };

const record = (value: JsonValue | undefined): JsonRecord | null =>
  value !== null && value !== undefined && typeof value === "object" && !Array.isArray(value) ? value : null;

const shown = (value: JsonValue | undefined): string | null =>
  value === undefined || value === null ? null : typeof value === "string" ? value : JSON.stringify(value);

/**
 * What an executed action really changed, when it kept the item as it was before (for rollback)
 * and answered the item as it left it (`result.after`, as update does). Other actions, and actions
 * that have not run, are read from the proposal instead.
 */
export function executedChanges(action: ActionView): ChangeLine[] | null {
  if (action.executedAt === null) return null;
  const before = record(record(action.rollbackData)?.before);
  const after = record(record(action.result)?.after);
  if (!before || !after) return null;
  const lines: ChangeLine[] = [];
  if (before.title !== after.title) lines.push({ field: "title", before: shown(before.title), after: shown(after.title) });
  const beforeData = record(before.data) ?? {};
  const afterData = record(after.data) ?? {};
  for (const field of new Set([...Object.keys(beforeData), ...Object.keys(afterData)])) {
    const from = shown(beforeData[field]);
    const to = shown(afterData[field]);
    if (from !== to) lines.push({ field: humanize(field), before: from, after: to });
  }
  return lines;
}
