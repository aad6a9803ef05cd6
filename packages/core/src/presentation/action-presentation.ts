import type { Db, Item, TargetType } from "@leash/db";

import type { ActionView } from "../actions/action-view.ts";
import type { JsonObject, JsonValue } from "../actions/json.ts";

/** The item facts a person needs to read an action: what it is called and what it holds now. */
export interface ItemFacts {
  id: number;
  kind: TargetType;
  title: string;
  data: JsonObject;
  deleted: boolean;
}

export interface ChangeLine {
  field: string;
  before: string | null;
  after: string | null;
}

/** An action as a person reads it on a Slack card or in the inbox. */
export interface ActionPresentation {
  /** e.g. `update project "Website relaunch"` */
  headline: string;
  target: { kind: TargetType; id: number | null; title: string | null } | null;
  /** Before -> after lines; for create the fields to be set, for delete what will be removed. */
  changes: ChangeLine[];
  /** Plain-sentence details that are not field changes (a message to send, a link to make). */
  details: string[];
  /** Whether it can be rolled back, until when (ISO; null: with no time limit, as long as the item exists), and how. */
  reversible: { reversible: boolean; until: string | null; explanation: string };
}

const MAX_VALUE_LENGTH = 120;

/** Cuts long values with an ellipsis; the full action is in the console. */
export function truncate(value: string, max = MAX_VALUE_LENGTH): string {
  const graphemes = Array.from(new Intl.Segmenter().segment(value), (part) => part.segment);
  return graphemes.length <= max ? value : `${graphemes.slice(0, max - 1).join("")}…`;
}

function show(value: JsonValue | undefined): string | null {
  if (value === undefined || value === null) return null;
  return truncate(typeof value === "string" ? value : JSON.stringify(value));
}

/** A parameter as text, whatever JSON it holds. */
const text = (value: JsonValue | undefined, max = MAX_VALUE_LENGTH) => truncate(show(value) ?? "?", max);

const humanField = (field: string) => field.replaceAll(/([a-z])([A-Z])/g, "$1 $2").replaceAll("_", " ").toLowerCase();

/** Loads every item the actions name (targets and link destinations), in one query. */
export async function loadItemFacts(db: Db, tenantId: string, actions: readonly ActionView[]): Promise<Map<number, ItemFacts>> {
  const ids = new Set<number>();
  for (const action of actions) {
    if (action.targetId !== null) ids.add(action.targetId);
    const toId = (action.parameters as JsonObject | null)?.toId;
    if (action.actionType === "link" && typeof toId === "number") ids.add(toId);
  }
  if (ids.size === 0) return new Map();
  const items = await db.item.findMany({ where: { tenantId, id: { in: [...ids] } } });
  return new Map(items.map((item: Item) => [item.id, { id: item.id, kind: item.kind, title: item.title, data: item.data as JsonObject, deleted: item.deletedAt !== null }]));
}

function reversibility(action: ActionView): ActionPresentation["reversible"] {
  const parameters = action.parameters as JsonObject;
  const always = (explanation: string) => ({ reversible: true, until: null, explanation });
  const never = (explanation: string) => ({ reversible: false, until: null, explanation });
  switch (action.actionType) {
    case "create":
      return always("rollback removes the created item");
    case "update":
      return always("rollback restores the previous fields");
    case "delete":
      return parameters.permanent === true ? never("a permanent delete cannot be undone") : always("rollback restores the item");
    case "link":
      return always("rollback removes the link");
    case "notify":
      return never("a sent message cannot be recalled");
    case "schedule":
      // A reminder can be cancelled until it fires.
      return { reversible: true, until: typeof parameters.dueAt === "string" ? parameters.dueAt : null, explanation: "rollback cancels the reminder until it has fired" };
  }
}

/** Turns an action and the items it names into what a person reads before deciding. */
export function presentAction(action: ActionView, items: ReadonlyMap<number, ItemFacts>): ActionPresentation {
  const parameters = (action.parameters ?? {}) as JsonObject;
  const item = action.targetId !== null ? items.get(action.targetId) : undefined;
  const kind = action.targetType;
  const quoted = (title: string | null | undefined) => (title ? `"${truncate(title, 80)}"` : "");
  const targetLabel = kind ? `${kind} ${item ? quoted(item.title) : action.targetId !== null ? `#${action.targetId}` : ""}`.trim() : null;
  const target = kind ? { kind, id: action.targetId, title: item?.title ?? null } : null;
  const changes: ChangeLine[] = [];
  const details: string[] = [];
  let headline: string;

  switch (action.actionType) {
    case "create": {
      const title = typeof parameters.title === "string" ? parameters.title : "";
      headline = `create ${kind ?? "item"} ${quoted(title)}`;
      changes.push({ field: "title", before: null, after: truncate(title) });
      for (const [field, value] of Object.entries((parameters.data ?? {}) as JsonObject)) {
        changes.push({ field: humanField(field), before: null, after: show(value) });
      }
      break;
    }
    case "update": {
      headline = `update ${targetLabel ?? "item"}`;
      if (typeof parameters.title === "string") changes.push({ field: "title", before: item?.title ?? null, after: truncate(parameters.title) });
      for (const [field, value] of Object.entries((parameters.data ?? {}) as JsonObject)) {
        changes.push({ field: humanField(field), before: show(item?.data[field]), after: show(value) });
      }
      break;
    }
    case "delete": {
      const permanent = parameters.permanent === true;
      headline = `${permanent ? "permanently delete" : "delete"} ${targetLabel ?? "item"}`;
      if (item) {
        changes.push({ field: "title", before: truncate(item.title), after: null });
        for (const [field, value] of Object.entries(item.data)) changes.push({ field: humanField(field), before: show(value), after: null });
      }
      break;
    }
    case "link": {
      const to = typeof parameters.toId === "number" ? items.get(parameters.toId) : undefined;
      const toLabel = to ? `${to.title} (${to.kind})` : `${text(parameters.toType)} #${text(parameters.toId)}`;
      const fromLabel = item ? `${item.title} (${item.kind})` : `${kind ?? "item"} #${action.targetId ?? "?"}`;
      const relation = typeof parameters.relation === "string" ? parameters.relation.replaceAll("_", " ") : "linked to";
      headline = `link ${targetLabel ?? "item"} to ${to ? `${to.kind} ${quoted(to.title)}` : toLabel}`;
      changes.push({ field: relation, before: null, after: toLabel });
      details.push(`${fromLabel} -- ${relation} -> ${toLabel}`);
      break;
    }
    case "notify": {
      headline = `notify ${text(parameters.recipient, 60)} by ${text(parameters.channel).replace("_", "-")}`;
      if (typeof parameters.subject === "string") details.push(`Subject: ${truncate(parameters.subject)}`);
      details.push(`Message: ${text(parameters.message, 300)}`);
      break;
    }
    case "schedule": {
      headline = `schedule a reminder${targetLabel ? ` on ${targetLabel}` : ""} for ${text(parameters.dueAt)}`;
      details.push(`When: ${text(parameters.dueAt)}`);
      details.push(`What: ${text(parameters.message, 300)}`);
      if (typeof parameters.recipient === "string") details.push(`For: ${truncate(parameters.recipient, 80)}`);
      break;
    }
  }
  return { headline, target, changes, details, reversible: reversibility(action) };
}
