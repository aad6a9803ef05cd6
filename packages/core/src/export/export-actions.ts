import { stringify } from "csv-stringify/sync";

import { Prisma, type Db } from "@leash/db";

import type { Actor } from "../actor.ts";
import { actionFilterSql } from "../actions/action-filters.ts";
import type { ActionWithApprovals } from "../decisions/action-approvals.ts";
import { readActionPage } from "../actions/read-action-page.ts";
import { toActionView } from "../actions/action-view.ts";
import { assertCan } from "../authorization.ts";
import type { CoreDeps } from "../deps.ts";
import { parseInput } from "../validation.ts";
import { csvColumns } from "./csv-columns.ts";
import { exportActionsInputSchema, type ExportActionsInput } from "./export-inputs.ts";

/**
 * Rows per page. Small enough that a page is done with before V8's young generation is collected
 * twice: pages of 1,000 outlived two scavenges, were promoted to the old generation as garbage,
 * and let it grow to about four times the live heap before a mark-compact; pages of 250 die young
 * (issue 16's notes: the CSV export's memory in BENCHMARKS.md).
 */
export const EXPORT_BATCH_SIZE = 250;

export interface ActionExport {
  contentType: string;
  filename: string;
  /** The document in pieces, produced as they are read: one batch of rows in memory at a time. */
  chunks: AsyncIterable<string>;
}

/** The matching rows newest first, one keyset page (id below the last one seen) at a time, each read by one statement. */
async function* batches(db: Db, where: Prisma.Sql, size: number): AsyncGenerator<ActionWithApprovals[]> {
  let below: number | undefined;
  for (;;) {
    const rows = await readActionPage(db, below === undefined ? where : Prisma.sql`${where} AND a.id < ${below}::int`, {
      byCreationTime: false,
      limit: size,
    });
    if (rows.length > 0) yield rows;
    const last = rows.at(-1);
    if (!last || rows.length < size) return;
    below = last.id;
  }
}

// Cells a spreadsheet would run as a formula (=, +, -, @ ...) are prefixed with a quote; booleans read true/false.
const csvOptions = { escape_formulas: true, eof: true, cast: { boolean: (value: boolean) => String(value) } };

async function* csv(rows: AsyncIterable<ActionWithApprovals[]>): AsyncGenerator<string> {
  yield stringify([csvColumns.map((column) => column.header)], csvOptions);
  for await (const batch of rows) {
    yield stringify(
      batch.map((row) => {
        const view = toActionView(row);
        return csvColumns.map((column) => column.value(view));
      }),
      csvOptions,
    );
  }
}

async function* json(rows: AsyncIterable<ActionWithApprovals[]>): AsyncGenerator<string> {
  let first = true;
  yield "[";
  for await (const batch of rows) {
    const body = batch.map((row) => JSON.stringify(toActionView(row))).join(",\n");
    yield `${first ? "\n" : ",\n"}${body}`;
    first = false;
  }
  yield first ? "]\n" : "\n]\n";
}

/** A query string as an object: a repeated key becomes a list. */
function fromQuery(query: URLSearchParams): Record<string, string | string[]> {
  return Object.fromEntries(
    [...new Set(query.keys())].map((key) => {
      const values = query.getAll(key);
      return [key, values.length === 1 ? (values[0] ?? "") : values];
    }),
  );
}

/**
 * The tenant's history, filtered like `action.list` (typed, or straight from a query string), as CSV (a header row, then one row per
 * action, nested values as JSON) or as a JSON array of actions, newest first. Checks and filters
 * are applied before anything is produced; rows are then read in keyset batches as the consumer
 * pulls, so an export of any size holds one batch in memory.
 */
export function exportActions(
  deps: Pick<CoreDeps, "db" | "clock">,
  { actor, input, batchSize = EXPORT_BATCH_SIZE }: { actor: Actor; input: ExportActionsInput | URLSearchParams; batchSize?: number },
): ActionExport {
  assertCan(actor, "action.read");
  const { format, ...filters } = parseInput(exportActionsInputSchema, input instanceof URLSearchParams ? fromQuery(input) : input, "export");
  const rows = batches(deps.db, actionFilterSql(actor.tenantId, filters), batchSize);
  const stamp = deps.clock.now().toISOString().replaceAll(":", "-").replace(/\.\d+Z$/, "Z");
  return format === "csv"
    ? { contentType: "text/csv; charset=utf-8", filename: `leash-actions-${stamp}.csv`, chunks: csv(rows) }
    : { contentType: "application/json; charset=utf-8", filename: `leash-actions-${stamp}.json`, chunks: json(rows) };
}
