import type { AnyTRPCRouter } from "@trpc/server";
import { z } from "zod";

const zodSchema = z.custom<z.ZodType>((value) => value instanceof z.ZodType);

/** What tRPC keeps about a procedure at runtime (its `_def`), read through a schema rather than trusted. */
const procedureDefinition = z.object({
  type: z.enum(["query", "mutation", "subscription"]),
  meta: z.object({ description: z.string(), events: zodSchema.optional() }).optional(),
  inputs: z.array(zodSchema),
  output: zodSchema.optional(),
});

export interface ProcedureDescription {
  /** e.g. `action.propose` */
  path: string;
  type: "query" | "mutation" | "subscription";
  description: string;
  input: z.ZodType | null;
  /** What a query or mutation answers; the data of each event of a subscription. */
  output: z.ZodType | null;
}

/** Every procedure of a router, with the zod schemas it validates its input and output with. */
export function describeProcedures(router: AnyTRPCRouter): ProcedureDescription[] {
  const procedures = z.record(z.string(), z.unknown()).parse(router._def.procedures);
  return Object.entries(procedures).map(([path, procedure]) => {
    const inner: unknown = procedure !== null && typeof procedure === "function" && "_def" in procedure ? procedure._def : null;
    const parsed = procedureDefinition.safeParse(inner);
    if (!parsed.success) throw new Error(`Procedure ${path} cannot be documented: ${parsed.error.message}`);
    const { type, meta, inputs, output } = parsed.data;
    if (inputs.length > 1) throw new Error(`Procedure ${path} has ${inputs.length} input parsers; document one`);
    return { path, type, description: meta?.description ?? "", input: inputs[0] ?? null, output: (type === "subscription" ? meta?.events : output) ?? null };
  });
}
