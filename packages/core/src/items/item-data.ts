import { z } from "zod";

import type { TargetType } from "@leash/db";

import type { InvalidIssue } from "../errors.ts";
import { inputIssues } from "../validation.ts";
import { safeText } from "../actions/storable.ts";

const text = (max: number) => safeText(z.string().trim().min(1).max(max));

/** The fields each kind of item may hold in its `data`; every field is optional, unknown fields are refused. */
const itemFields = {
  person: {
    email: z.email().max(320),
    role: text(200),
    company: text(200),
    phone: text(50),
  },
  project: {
    status: z.enum(["planned", "active", "at_risk", "done"]),
    dueDate: z.iso.date(),
    owner: text(200),
    description: text(4000),
  },
  idea: {
    status: z.enum(["new", "exploring", "accepted", "parked"]),
    score: z.int().min(0).max(10),
    description: text(4000),
  },
  admin: {
    category: text(200),
    dueDate: z.iso.date(),
    notes: text(4000),
  },
} satisfies Record<TargetType, Record<string, z.ZodType>>;

const mapFields = (fields: Record<string, z.ZodType>, wrap: (field: z.ZodType) => z.ZodType) =>
  z.strictObject(Object.fromEntries(Object.entries(fields).map(([key, field]) => [key, wrap(field)])));

/** One schema per kind, every field wrapped alike; built once, as a zod object compiles its parser on first use. */
const schemaPerKind = (wrap: (field: z.ZodType) => z.ZodType): Record<TargetType, z.ZodType> => ({
  person: mapFields(itemFields.person, wrap),
  project: mapFields(itemFields.project, wrap),
  idea: mapFields(itemFields.idea, wrap),
  admin: mapFields(itemFields.admin, wrap),
});

export const itemDataSchemas = schemaPerKind((field) => field.optional());

export const itemTitleSchema = text(300);

/** The data fields of each kind in one sentence, for documentation generated from the schemas. */
export const itemDataDescription = `fields of the item kind (all optional): ${Object.entries(itemFields)
  .map(([kind, fields]) => `${kind}: ${Object.keys(fields).join(", ")}`)
  .join("; ")}`;

/** An update's `data`: fields may also be set to null (cleared). */
const partialItemDataSchemas = schemaPerKind((field) => field.nullable().optional());

/** Validates `data` for an item of `kind`; with `partial`, fields may be omitted or set to null (cleared). */
export function itemDataSchemaFor(kind: TargetType, options: { partial: boolean }): z.ZodType {
  return options.partial ? partialItemDataSchemas[kind] : itemDataSchemas[kind];
}

/** The problems of an item's `data` for its kind, under `parameters.data` (a partial one for an update). */
export function itemDataIssues(kind: TargetType, data: unknown, options: { partial: boolean }): InvalidIssue[] {
  const parsed = itemDataSchemaFor(kind, options).safeParse(data ?? {});
  return inputIssues(parsed.error?.issues ?? []).map((issue) => ({ path: ["parameters", "data", ...issue.path], message: issue.message }));
}
