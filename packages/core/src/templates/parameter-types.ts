import { z } from "zod";

export const templateParameterTypes = ["string", "number", "integer", "boolean", "date"] as const;
export type TemplateParameterType = (typeof templateParameterTypes)[number];

/** The value a run may give a parameter of each type. */
export function parameterValueSchema(type: TemplateParameterType) {
  switch (type) {
    case "string":
      // A value is filled in once: braces in it could otherwise be read as a placeholder later.
      return z.string().max(4000).refine((value) => !value.includes("{{") && !value.includes("}}"), "may not contain {{ or }}");
    case "number":
      return z.number();
    case "integer":
      return z.int();
    case "boolean":
      return z.boolean();
    case "date":
      return z.iso.date();
  }
}

/** A stand-in value of each type, to check a step's shape before the real values are known. */
export const sampleValues: Record<TemplateParameterType, string | number | boolean> = {
  string: "sample",
  number: 1,
  integer: 1,
  boolean: true,
  date: "2030-01-01",
};
