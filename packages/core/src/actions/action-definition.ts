import type { z } from "zod";

import type { ActionType, DbTransaction, TargetType } from "@leash/db";

import type { JsonObject } from "./json.ts";

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
export type AfterCommitEffect = { kind: "schedule_reminder"; reminderId: number; tenantId: string; dueAt: Date };

export interface HandlerOutcome {
  result: JsonObject;
  /** The state before the action, enough to undo it; null when there is nothing to restore. */
  rollbackData: JsonObject | null;
  /** The item the action ended up targeting (a create action learns its id here). */
  targetId?: number;
  effects?: AfterCommitEffect[];
}

export interface ActionDefinition<P = unknown> {
  type: ActionType;
  target: TargetRule;
  parametersSchema: z.ZodType<P>;
  /** Runs inside the execution transaction; throws CoreError for what a retry cannot fix. */
  execute(context: HandlerContext<P>): Promise<HandlerOutcome>;
}

export function defineAction<P>(definition: ActionDefinition<P>): ActionDefinition<P> {
  return definition;
}
