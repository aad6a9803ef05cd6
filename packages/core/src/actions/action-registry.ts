import type { ActionType } from "@leash/db";

import type { ActionDefinition } from "./action-definition.ts";
import { createAction } from "./types/create-item.ts";
import { deleteAction } from "./types/delete-item.ts";
import { linkAction } from "./types/link-items.ts";
import { notifyAction } from "./types/notify.ts";
import { scheduleAction } from "./types/schedule-reminder.ts";
import { updateAction } from "./types/update-item.ts";

/** Maps each action type to its definition. The worker takes one as a dependency, so tests can wrap handlers. */
export type ActionRegistry = Record<ActionType, ActionDefinition>;

export const defaultActionRegistry: ActionRegistry = {
  create: createAction,
  update: updateAction,
  delete: deleteAction,
  link: linkAction,
  notify: notifyAction,
  schedule: scheduleAction,
};
