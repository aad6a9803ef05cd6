import type { FieldOf } from "./core-errors.server.ts";
import { formText } from "./form.server.ts";

const checked = (form: FormData, name: string) =>
  form.getAll(name).filter((value) => typeof value === "string");

/**
 * The endpoint form as core's input (create, or update with the endpoint's id added): the event
 * and action types as checkboxes; core's schema checks everything, the console nothing of its own.
 */
export function webhookFormInput(form: FormData) {
  return {
    url: (formText(form, "url") ?? "").trim(),
    description: formText(form, "description") ?? "",
    eventTypes: checked(form, "eventTypes"),
    actionTypes: checked(form, "actionTypes"),
    allowPrivateNetwork: formText(form, "allowPrivateNetwork") === "on",
  };
}

/** An issue about one checkbox of a group (`eventTypes.2`) shows under the group. */
export const webhookFieldOf: FieldOf = (path) => ({ field: String(path[0] ?? "") });
