import { CoreError } from "../errors.ts";
import type { AnyActionDefinition } from "./action-definition.ts";
import { createAction } from "./create-item.ts";
import { deleteAction } from "./delete-item.ts";
import { externalAction } from "./external-tool.ts";
import { httpAction } from "./http-request.ts";
import { linkAction } from "./link-items.ts";
import { notifyAction } from "./notify.ts";
import { scheduleAction } from "./schedule-reminder.ts";
import { updateAction } from "./update-item.ts";

/** The types every Leash server has; `registerActionType` adds a team's own. */
export const builtInActionTypes = [createAction, updateAction, deleteAction, linkAction, notifyAction, scheduleAction, httpAction, externalAction] as const;

export type BuiltInActionType = (typeof builtInActionTypes)[number];

/** Maps each type's name to its definition. The worker takes one as a dependency, so tests can wrap handlers. */
export type ActionRegistry = Readonly<Record<string, AnyActionDefinition>>;

const TYPE_NAME = /^[a-z][a-z0-9_]{0,39}$/;

const registered = new Map<string, AnyActionDefinition>(builtInActionTypes.map((definition) => [definition.type, definition]));
let sealed = false;

/**
 * Adds an action type to this process. Every process of a deployment (API, worker, console, Slack
 * bot) must register the same types at start: `loadActionTypeModules` does it from LEASH_ACTION_TYPES.
 */
export function registerActionType(definition: AnyActionDefinition): void {
  if (!TYPE_NAME.test(definition.type)) {
    throw new Error(`Action type name "${definition.type}" must be 1-40 lowercase letters, digits or _, starting with a letter`);
  }
  const existing = registered.get(definition.type);
  if (existing === definition) return;
  if ((definition.performedBy === "agent") === (definition.execute !== undefined)) {
    throw new Error(`Action type "${definition.type}" needs an execute function exactly when the worker performs it`);
  }
  if (existing) throw new Error(`Action type "${definition.type}" is already registered`);
  if (sealed) throw new Error(`Action type "${definition.type}" was registered after the first proposal was read: register every type when the process starts`);
  registered.set(definition.type, definition);
}

/** Called when the schemas built from the registry are first used: they are built once, so the set of types is final. */
export function sealActionTypes(): void {
  sealed = true;
}

/** Every registered type, built-ins first. */
export function actionTypes(): readonly AnyActionDefinition[] {
  return [...registered.values()];
}

export function actionTypeNames(): string[] {
  return [...registered.keys()];
}

export function findActionType(name: string): AnyActionDefinition | undefined {
  return registered.get(name);
}

/** The definition of a stored or proposed type; an unknown name is a clear refusal, not a crash. */
export function actionTypeOf(name: string): AnyActionDefinition {
  const definition = registered.get(name);
  if (!definition) throw new CoreError("INVALID", `Unknown action type "${name}": this server knows ${actionTypeNames().join(", ")}`);
  return definition;
}

/** The registered types as a record, for a worker that wraps some of them (tests). */
export function registeredActionTypes(): ActionRegistry {
  return Object.fromEntries(registered);
}

/** The names of the types that the proposing agent carries out itself: the worker never runs them. */
export function typesPerformedByAgents(): string[] {
  return actionTypes().flatMap((definition) => (definition.performedBy === "agent" ? [definition.type] : []));
}

/** The names of the types whose executed actions change the item they target in the given way. */
export function typesChanging(change: "item" | "links"): string[] {
  return actionTypes().flatMap((definition) => (definition.changesItem === change ? [definition.type] : []));
}
