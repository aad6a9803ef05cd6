import { z } from "zod";

import { boundedJsonObjectSchema } from "../actions/json.ts";
import { showParameter, truncate } from "../presentation/present-values.ts";
import { defineActionType } from "./action-definition.ts";

/** How long an approved `external` action waits for its agent's report before it is failed. */
export const EXTERNAL_OUTCOME_WINDOW_MS = 60 * 60 * 1000;

/** A tool the agent runs itself (a shell command, a payment with its own key): people decide, the agent acts and reports. */
export const externalParameters = z.strictObject({
  tool: z
    .string()
    .trim()
    .min(1)
    .max(100)
    .regex(/^[\p{L}\p{N}_.:/ -]+$/u, "must use only letters, digits, spaces and _ . : / -")
    .describe("the tool's name, as people will read it (e.g. shell, stripe.refund)"),
  arguments: boundedJsonObjectSchema.default({}).describe("the arguments the agent will run the tool with, shown to people as is"),
  summary: z.string().trim().min(1).max(300).describe("one line saying what running it does"),
});

export const externalAction = defineActionType({
  type: "external",
  target: "none",
  parametersSchema: externalParameters,
  description:
    "Ask people to approve a tool you will run yourself (your own credentials); once approved, run it and report the outcome with action.complete (MCP: report_outcome) within an hour.",
  changesItem: false,
  actsOutside: true,
  performedBy: "agent",
  present({ parameters }) {
    const args = typeof parameters.arguments === "object" && parameters.arguments !== null ? parameters.arguments : {};
    return {
      headline: `run ${showParameter(parameters.tool, 60)}: ${showParameter(parameters.summary, 120)}`,
      changes: [],
      details: [`Tool: ${showParameter(parameters.tool, 100)}`, `What it does: ${truncate(typeof parameters.summary === "string" ? parameters.summary : "?", 300)}`, "Run by the agent itself once approved; it reports the outcome"],
      code: Object.keys(args).length > 0 ? JSON.stringify(args, null, 2) : undefined,
    };
  },
  rollback: {
    reversible: false,
    reason: "was carried out by the agent with its own tool; Leash cannot undo it",
    explanation: "the agent runs it with its own credentials; Leash cannot undo it",
  },
});
