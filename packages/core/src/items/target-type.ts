import { z } from "zod";

import { ActionType, TargetType } from "@leash/db";

export const targetTypeSchema = z.enum(TargetType);
export const actionTypeSchema = z.enum(ActionType);
