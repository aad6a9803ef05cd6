import type { z } from "zod";

import type { ActionType, AgentAction, Db, DbTransaction, TargetType } from "@leash/db";

import type { JsonObject, JsonValue } from "./json.ts";

/**
 * How an action type relates to its target:
 * - `new`: names a target type but no id (the item is created by the action);
 * - `required`: names an existing item;
 * - `optional`: may name an item it is about.
 */
export type TargetRule = "new" | "required" | "optional";

export interface HandlerContext<P> {
  tx: DbTransaction;
  tenantId: string;
  actionId: number;
  targetType: TargetType | null;
  targetId: number | null;
  parameters: P;
  now: Date;
}

/** Work that must happen only once the handler's transaction has committed. */
export type AfterCommitEffect =
  | { kind: "schedule_reminder"; reminderId: number; tenantId: string; dueAt: Date }
  | { kind: "cancel_reminder"; reminderId: number };

export interface HandlerOutcome {
  result: JsonObject;
  /** The state before the action, enough to undo it; null when there is nothing to restore. */
  rollbackData: JsonObject | null;
  /** The item the action ended up targeting (a create action learns its id here). */
  targetId?: number;
  effects?: AfterCommitEffect[];
}

/** An item as a rollback preview sees it: now, or as it will be once the newer undos of a cascade ran. */
export interface ItemState {
  title: string;
  data: JsonObject;
  deleted: boolean;
}

/** One field a rollback changes: its value now and its value once the rollback ran. */
export interface RollbackChange {
  field: string;
  current: JsonValue;
  restored: JsonValue;
}

export interface RollbackPreviewPart {
  /** One sentence, e.g. `restores the previous title and data of project #12`. */
  description: string;
  changes: RollbackChange[];
  /** The target item once this undo ran, for the next (older) step of a cascade. */
  itemAfter: ItemState | null;
}

export interface UndoContext {
  tx: DbTransaction;
  tenantId: string;
  /** The executed action being undone, with its `result` and `rollbackData`. */
  original: AgentAction;
  now: Date;
}

export interface UndoOutcome {
  result: JsonObject;
  effects?: AfterCommitEffect[];
}

/**
 * Which later actions must be undone first: `item` = later updates and deletes of the target;
 * `item_and_links` = those and links from or to it (an item that others were linked to after it
 * was created); `none` = the undo does not depend on what happened to the item since.
 */
export type LaterChangesRule = "none" | "item" | "item_and_links";

export type RollbackSupport =
  | {
      reversible: false;
      /** Why the type can never be undone, after `#id `: e.g. `sent a notification; a sent message cannot be recalled`. */
      reason: string;
    }
  | {
      reversible: true;
      laterChanges: LaterChangesRule;
      /** Why this executed action cannot be undone (any more), after `#id `; null when it can. */
      refusal(context: { db: Db | DbTransaction; original: AgentAction }): Promise<string | null>;
      /** What the undo will change, given the target item as it will be when the undo runs. */
      preview(context: { original: AgentAction; item: ItemState | null }): RollbackPreviewPart;
      /** Runs inside the fenced execution transaction of the undo action; throws CoreError when it cannot. */
      undo(context: UndoContext): Promise<UndoOutcome>;
    };

export interface ActionDefinition<P = unknown> {
  type: ActionType;
  target: TargetRule;
  parametersSchema: z.ZodType<P>;
  /** Runs inside the execution transaction; throws CoreError for what a retry cannot fix. */
  execute(context: HandlerContext<P>): Promise<HandlerOutcome>;
  /** How an executed action of this type is undone; a type without it cannot be rolled back. */
  rollback?: RollbackSupport;
}

export function defineAction<P>(definition: ActionDefinition<P>): ActionDefinition<P> {
  return definition;
}
