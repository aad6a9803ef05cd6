import { z } from "zod";

import { CoreError } from "../../errors.ts";
import { itemTitleSchema } from "../../items/item-data.ts";
import { defineAction } from "../action-definition.ts";
import type { JsonObject } from "../json.ts";

/** Item `data` is checked against the target type's schema by the proposal schema. */
export const createParameters = z.strictObject({
  title: itemTitleSchema,
  data: z.record(z.string(), z.unknown()).default({}),
});

export const createAction = defineAction({
  type: "create",
  target: "new",
  parametersSchema: createParameters,
  async execute({ tx, tenantId, targetType, parameters }) {
    if (targetType === null) throw new CoreError("INVALID", "create needs a target type");
    const item = await tx.item.create({
      data: { tenantId, kind: targetType, title: parameters.title, data: parameters.data as JsonObject },
    });
    return {
      result: { itemId: item.id, kind: item.kind, title: item.title, version: item.version },
      rollbackData: { before: null },
      targetId: item.id,
    };
  },
});
