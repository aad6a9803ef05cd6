import { data } from "react-router";

import { approveAction, getAction, isCoreError, parameterFormValues, type ActionView, type Actor, type JsonObject } from "@leash/core";

import { prettyJson } from "../lib/format.ts";
import type { FormResult } from "../lib/form-result.ts";
import { refusal } from "./core-errors.server.ts";
import type { getDeps } from "./deps.server.ts";
import { parameterFieldsOf, parameterIssueField, postedParameters, type ParameterFormNames } from "./posted-parameters.server.ts";

/** Where "Edit parameters, then approve" posts its fields and its JSON. */
export const EDITED_PARAMETERS: ParameterFormNames = { prefix: "p.", jsonName: "parameters" };

const asObject = (value: ActionView["parameters"]): JsonObject => (typeof value === "object" && value !== null && !Array.isArray(value) ? value : {});

/** The edit form of a waiting action: its type's fields filled with its parameters, and the same as JSON. */
export function editForm(action: Pick<ActionView, "actionType" | "parameters">) {
  const fields = parameterFieldsOf(action.actionType);
  const json = prettyJson(action.parameters);
  return { ...EDITED_PARAMETERS, fields, values: parameterFormValues(fields, asObject(action.parameters), ""), json, jsonShown: json };
}

/** What was typed, answered with a refusal so that the form shows it again. */
export type EditedTyped = Pick<ReturnType<typeof editForm>, "values" | "json" | "jsonShown">;

/**
 * Approves an action with the parameters its edit form posted (the fields, or the JSON view once
 * changed). A refusal names the field it is about and carries what was typed.
 */
export async function approveEdited(deps: ReturnType<typeof getDeps>, actor: Actor, actionId: number, form: FormData) {
  const intent = "approve-edited";
  try {
    const fields = parameterFieldsOf((await getAction(deps, { actor, input: { actionId } })).actionType);
    const posted = postedParameters(form, fields, EDITED_PARAMETERS);
    const typed: EditedTyped = { values: posted.values, json: posted.json, jsonShown: posted.jsonShown };
    if (!posted.parameters) {
      const result: FormResult = { ok: false, status: 400, error: "Some parameters are not valid.", fieldErrors: posted.fieldErrors, form: intent };
      return data({ ...result, typed }, { status: 400 });
    }
    const issueField = parameterIssueField(posted, fields, EDITED_PARAMETERS);
    try {
      return { action: await approveAction(deps, { actor, input: { actionId, parameters: posted.parameters } }) };
    } catch (error) {
      if (!isCoreError(error)) throw error;
      const answer = refusal(error, intent, (path) => (path[0] === "parameters" ? issueField(path.slice(1)) : { field: path.join(".") }));
      return data({ ...answer.data, typed }, answer.init ?? undefined);
    }
  } catch (error) {
    return refusal(error, intent);
  }
}
