import { z } from "zod";

import { actionTypeNames, sealActionTypes } from "./action-type-registry.ts";

/** The name of a registered action type (preferences, policies, filters, templates, views). */
export const actionTypeSchema = z.lazy(() => {
  sealActionTypes();
  return z.enum(actionTypeNames() as [string, ...string[]]);
}) as unknown as z.ZodType<string, string>;
