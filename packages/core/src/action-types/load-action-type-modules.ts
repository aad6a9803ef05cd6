import { isAbsolute, resolve } from "node:path";
import { pathToFileURL } from "node:url";

import { z } from "zod";

import type { AnyActionDefinition } from "./action-definition.ts";
import { registerActionType } from "./action-type-registry.ts";

function isDefinition(value: unknown): value is AnyActionDefinition {
  return typeof value === "object" && value !== null && "type" in value && "parametersSchema" in value && "present" in value && "rollback" in value;
}

/**
 * Registers the action types exported by the given modules (file paths, relative to `cwd`, or
 * package names): each export that is an action definition counts. Apps call it at start with
 * LEASH_ACTION_TYPES, so that every process of a deployment knows the same types.
 */
export async function loadActionTypeModules(specifiers: readonly string[], cwd = process.cwd()): Promise<string[]> {
  const names: string[] = [];
  for (const specifier of specifiers) {
    const url = specifier.startsWith(".") || isAbsolute(specifier) ? pathToFileURL(resolve(cwd, specifier)).href : specifier;
    const exports = (await import(/* @vite-ignore */ url)) as Record<string, unknown>;
    const definitions = Object.values(exports).filter(isDefinition);
    if (definitions.length === 0) throw new Error(`${specifier} exports no action type (an object made with defineActionType)`);
    for (const definition of definitions) {
      registerActionType(definition);
      names.push(definition.type);
    }
  }
  return names;
}

/**
 * The setting every app composes into its env: LEASH_ACTION_TYPES, a comma-separated list of
 * modules (absolute paths or package names) whose action types the process registers at start.
 */
export const actionTypeModulesEnv = {
  LEASH_ACTION_TYPES: z
    .string()
    .optional()
    .transform((value) => (value ?? "").split(",").map((specifier) => specifier.trim()).filter(Boolean)),
};
