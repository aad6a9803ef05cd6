import type { z } from "zod";

import type { AgentAction, Db, DbTransaction, TargetType } from "@leash/db";

import type { JsonObject, JsonValue } from "../actions/json.ts";
import type { NotificationDelivery } from "../delivery/create-notification-delivery.ts";
import type { InvalidIssue } from "../errors.ts";
import type { ChangeLine, ItemFacts } from "../presentation/present-values.ts";

/**
 * How an action type relates to its target item:
 * - `new`: names a target type but no id (the item is created by the action);
 * - `required`: names an existing item;
 * - `optional`: may name an item it is about;
 * - `none`: is not about an item (it acts outside Leash).
 */
export type TargetRule = "new" | "required" | "optional" | "none";

/**
 * What an executed action of the type changes on the existing item it targets: `item` (its fields
 * or its existence), `links` (links from or to it), or nothing. It decides stale-approval
 * protection (an approval of an action whose target changed since goes back to a person) and which
 * later actions a rollback must undo first. A type that changes the `item` keeps the item as it was
 * in `rollbackData.before` (`itemSnapshot`), whose version stale-approval protection reads.
 */
export type ItemChange = "item" | "links" | false;

/** What the process running an action offers its handler beyond the database (filled in by each app). */
export interface ActionServices {
  /** Decrypts connector secrets (CONNECTOR_SECRET_KEY); absent when the server has none. */
  connectorKey?: Buffer | undefined;
  /** Email, Slack and in-app delivery as configured in this process (only `channels` outside the worker). */
  delivery?: NotificationDelivery | undefined;
}

export interface HandlerContext<P> {
  tx: DbTransaction;
  tenantId: string;
  actionId: number;
  /** Which attempt this is (1 for the first): an outside call keeps the same idempotency key across attempts. */
  attempt: number;
  targetType: TargetType | null;
  targetId: number | null;
  parameters: P;
  now: Date;
  services: ActionServices;
}

/** What a type checks when an action is proposed (or its parameters edited), before anything is written. */
export interface PrepareContext<P> {
  db: Db | DbTransaction;
  tenantId: string;
  targetType: TargetType | undefined;
  targetId: number | undefined;
  parameters: P;
  now: Date;
  services: ActionServices;
}

/** How a person reads an action before deciding: on the Slack card, in the inbox and in the history. */
export interface PresentContext {
  /** The stored parameters (a template step may still hold `{{...}}` placeholders, so not parsed). */
  parameters: JsonObject;
  targetType: TargetType | null;
  targetId: number | null;
  /** `project "Website relaunch"`, `project #12`, or null when the action has no target. */
  targetLabel: string | null;
  /** The target and every item the type references, as they are now. */
  items: ReadonlyMap<number, ItemFacts>;
}

export interface PresentedAction {
  /** e.g. `update project "Website relaunch"` */
  headline: string;
  /** Before -> after lines; for create the fields to be set, for delete what will be removed. */
  changes: ChangeLine[];
  /** Plain-sentence details that are not field changes (a message to send, a request to make). */
  details: string[];
  /** A block shown as is (monospace) under the details, e.g. the JSON body of a request. */
  code?: string | undefined;
}

/** Whether an action can be rolled back, until when (ISO; null: no time limit), and how, in words. */
export interface Reversibility {
  reversible: boolean;
  until: string | null;
  explanation: string;
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
  /** The undo action running now (an outside undo keeps one idempotency key across its attempts). */
  undoActionId: number;
  now: Date;
  services: ActionServices;
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
      /** The same for a person about to decide, e.g. `a sent message cannot be recalled`. */
      explanation: string;
    }
  | {
      reversible: true;
      laterChanges: LaterChangesRule;
      /**
       * Whether a proposed action with these parameters can be undone, for people deciding (a
       * permanent delete cannot; a reminder only until it fires).
       */
      reversibility(parameters: JsonObject): Reversibility;
      /**
       * What the undo action of one of these does, as the headline of that undo: `remove person
       * "Wile E. Coyote"`. Read with the original's parameters and target; without it an undo reads
       * `undo <the original's headline>`.
       */
      undoHeadline?(context: PresentContext): string;
      /** What the rollback did, for the thread of the Slack card: `project restored`. */
      undone(original: Pick<AgentAction, "targetType">): string;
      /** Why this executed action cannot be undone (any more), after `#id `; null when it can. */
      refusal(context: { db: Db | DbTransaction; original: AgentAction }): Promise<string | null>;
      /** What the undo will change, given the target item as it will be when the undo runs. */
      preview(context: { original: AgentAction; item: ItemState | null }): RollbackPreviewPart;
      /** Runs inside the fenced execution transaction of the undo action; throws CoreError when it cannot. */
      undo(context: UndoContext): Promise<UndoOutcome>;
    };

/**
 * Everything one action type means, in one module: how it is proposed (parameters, target,
 * checks), how agents see it, how people read it, how it runs and how it is undone. Core, the
 * apps and the documentation all read it from the registry (`action-type-registry.ts`).
 */
export interface ActionDefinition<Name extends string = string, Schema extends z.ZodType = z.ZodType, Target extends TargetRule = TargetRule> {
  /** The stored `action_type`: lowercase letters, digits and `_`. */
  type: Name;
  target: Target;
  parametersSchema: Schema;
  /** One sentence for agents (the MCP tool, the OpenAPI document): what proposing it does. */
  description: string;
  changesItem: ItemChange;
  /** Whether deleting is what it does, for agents' tools (`destructiveHint`). */
  destructive?: boolean;
  /**
   * Whether it reaches a system outside Leash (a message, a request), for agents' tools
   * (`openWorldHint`) and for the worker: a type that says `false` only writes through `tx`, so when a
   * later action of its batch fails the worker may roll its writes back and run it again in the same
   * transaction instead of paying a savepoint per action. Unset counts as acting outside there.
   */
  actsOutside?: boolean;
  /**
   * For a type that reaches outside with some parameters only, the worker's answer for one action
   * (notify reaches outside by email or Slack, not in the console); `actsOutside` when absent.
   */
  actsOutsideWith?(parameters: z.output<Schema>): boolean;
  /**
   * Who carries it out once approved: the `worker` runs `execute`; the `agent` runs it itself and
   * reports the outcome (`action.complete`), so the worker never runs it.
   */
  performedBy?: "worker" | "agent";
  /** Checks across fields that need the target type (an item's data fields depend on its kind). */
  checkParameters?(proposal: { targetType: TargetType | undefined; parameters: z.output<Schema> }): InvalidIssue[];
  /** Items the parameters name besides the target (the other end of a link): checked to exist, shown to people. */
  referencedItems?(parameters: JsonObject): { kind: TargetType; id: number }[];
  /**
   * Checks what needs the clock, the database or the server's configuration, and answers the
   * parameters to store (it may add what it resolved, such as a request's full URL). Throws
   * CoreError to refuse the proposal.
   */
  prepare?(context: PrepareContext<z.output<Schema>>): Promise<z.output<Schema>> | z.output<Schema>;
  /** The parameters `prepare` adds (an agent cannot send them): a retried proposal is compared without them. */
  resolvedParameters?: readonly string[];
  present(context: PresentContext): PresentedAction;
  /**
   * Runs inside the execution transaction; throws CoreError for what a retry cannot fix. Every type
   * the worker performs has one; a type the agent performs has none.
   */
  execute?(context: HandlerContext<z.output<Schema>>): Promise<HandlerOutcome>;
  /** How an executed action of this type is undone, or why it never can be. */
  rollback: RollbackSupport;
}

/** Any registered type, whatever its name and parameters. */
export type AnyActionDefinition = ActionDefinition;

/** A type the worker performs: it has its `execute`. */
export type WorkerPerformedDefinition<Name extends string, Schema extends z.ZodType, Target extends TargetRule> = ActionDefinition<Name, Schema, Target> &
  Required<Pick<ActionDefinition<Name, Schema, Target>, "execute">>;

/** Defines an action type, typing its handlers from its parameter schema. */
export function defineActionType<const Name extends string, Schema extends z.ZodType, const Target extends TargetRule>(
  definition: WorkerPerformedDefinition<Name, Schema, Target>,
): WorkerPerformedDefinition<Name, Schema, Target>;
export function defineActionType<const Name extends string, Schema extends z.ZodType, const Target extends TargetRule>(
  definition: ActionDefinition<Name, Schema, Target> & { performedBy: "agent"; execute?: undefined },
): ActionDefinition<Name, Schema, Target>;
export function defineActionType<const Name extends string, Schema extends z.ZodType, const Target extends TargetRule>(
  definition: ActionDefinition<Name, Schema, Target>,
): ActionDefinition<Name, Schema, Target> {
  return definition;
}
