import { z } from "zod";

import { actionIdSchema, CoreError } from "@leash/core";

const buttonActionId = z.coerce.number().pipe(actionIdSchema);

/** The action id a card button carries; Slack payloads are parsed again like any input from outside. */
export function actionIdOfButton(value: string | undefined): number {
  const parsed = buttonActionId.safeParse(value);
  if (!parsed.success) throw new CoreError("INVALID", "This button does not name an action; it may come from an old message");
  return parsed.data;
}

/** JSON the bot wrote into a payload earlier (button values, modal metadata), read back with its schema. */
export function parseJsonAs<S extends z.ZodType>(schema: S, text: string | undefined): z.output<S> | null {
  if (!text) return null;
  try {
    const parsed = schema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}
