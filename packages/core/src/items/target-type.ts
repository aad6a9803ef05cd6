import { z } from "zod";

import { TargetType } from "@leash/db";

export const targetTypeSchema = z.enum(TargetType);
