import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { z } from "zod";

import {
  actionDetailSchema,
  actionTypes,
  actionViewSchema,
  completeAction,
  completeActionInputSchema,
  connectorViewSchema,
  externalAction,
  externalParameters,
  actionRefInputSchema,
  actionWaitSchema,
  getAction,
  isCoreError,
  listConnectors,
  listTemplates,
  MAX_WAIT_SECONDS,
  proposeAndWait,
  proposalCommonFields,
  proposalVariant,
  proposeAndWaitInputSchema,
  proposeAndWaitResultSchema,
  runTemplate,
  runTemplateInputSchema,
  templateRunSchema,
  templateViewSchema,
  waitForAction,
  waitForActionInputSchema,
  waitSecondsSchema,
  type Actor,
  type CoreDeps,
  type WaitDeps,
} from "@leash/core";

/** request_approval's arguments: an `external` proposal's parameters at the top level, with the wait. */
const externalRequestSchema = externalParameters.extend({ waitSeconds: waitSecondsSchema, ...proposalCommonFields });

const waitHint = `If done is false, a person has not decided yet: call wait_for_decision with the cursor (each call waits up to ${MAX_WAIT_SECONDS} s).`;

/** Runs one tool's core call: its result as JSON text and structured content, a refusal of core as a tool error that says why. */
async function toolResult(run: () => Promise<Record<string, unknown>>, onInternalError: (error: unknown) => void): Promise<CallToolResult> {
  try {
    const result = await run();
    return { content: [{ type: "text", text: JSON.stringify(result, null, 2) }], structuredContent: result };
  } catch (error) {
    if (isCoreError(error)) {
      const issues = error.issues?.map((issue) => `${issue.path.join(".") || "input"}: ${issue.message}`).join("; ");
      return { isError: true, content: [{ type: "text", text: `${error.code}: ${error.message}${issues ? ` (${issues})` : ""}` }] };
    }
    if (error instanceof z.ZodError) return { isError: true, content: [{ type: "text", text: `INVALID: ${z.prettifyError(error)}` }] };
    onInternalError(error);
    return { isError: true, content: [{ type: "text", text: "Internal error: the action's state is unknown; read it with get_action before trying again." }] };
  }
}

/**
 * The tools an agent gets over MCP, each calling one core verb as the API key's actor: the same
 * verbs, rules and schemas as the tRPC API (one propose tool per registered action type, with
 * that type's description and parameter schema).
 */
export function registerMcpTools(server: McpServer, { deps, actor }: { deps: CoreDeps & WaitDeps; actor: Actor }, signal: AbortSignal): void {
  const logError = (error: unknown) => deps.logger.error({ err: error }, "mcp tool failed");
  const readOnly = { readOnlyHint: true, openWorldHint: false };

  for (const definition of actionTypes()) {
    const actionType = definition.type;
    server.registerTool(
      `propose_${actionType}`,
      {
        description: `${definition.description} It runs once a person approves it (or at once if an approval preference covers it); the call waits up to waitSeconds for it to end. ${waitHint}`,
        inputSchema: proposalVariant(definition, { waitSeconds: waitSecondsSchema }).omit({ actionType: true }),
        outputSchema: proposeAndWaitResultSchema,
        annotations: { destructiveHint: definition.destructive ?? false, idempotentHint: false, openWorldHint: definition.actsOutside ?? false },
      },
      // The tool's name says the type; the proposal is the arguments with it added back.
      (args) => toolResult(() => proposeAndWait(deps, { actor, input: proposeAndWaitInputSchema.parse({ ...args, actionType }), signal }), logError),
    );
  }

  server.registerTool(
    "get_action",
    { description: "One action with its status, result or error and its whole timeline.", inputSchema: actionRefInputSchema, outputSchema: actionDetailSchema, annotations: readOnly },
    (args) => toolResult(() => getAction(deps, { actor, input: args }), logError),
  );

  server.registerTool(
    "wait_for_decision",
    {
      description: `Wait up to waitSeconds (at most ${MAX_WAIT_SECONDS}) for an action (by actionId or the cursor of an earlier answer) to be executed, rejected, failed or cancelled; answers at once if it already is. ${waitHint}`,
      inputSchema: waitForActionInputSchema,
      outputSchema: actionWaitSchema,
      annotations: readOnly,
    },
    (args) => toolResult(() => waitForAction(deps, { actor, input: args, signal }), logError),
  );

  server.registerTool(
    "request_approval",
    {
      description: `Before running one of your own tools (a shell command, a payment with your own key), ask people to approve it: give the tool's name, its arguments and a one-line summary. Waits up to waitSeconds for the decision. Once it is approved (status approved), run the tool and call report_outcome; if it is rejected or cancelled, do not run it. ${waitHint}`,
      inputSchema: externalRequestSchema,
      outputSchema: proposeAndWaitResultSchema,
      annotations: { destructiveHint: false, idempotentHint: false, openWorldHint: true },
    },
    (args) =>
      toolResult(() => {
        const { waitSeconds, idempotencyKey, reason, ...parameters } = args;
        const input = { actionType: externalAction.type, parameters, waitSeconds, idempotencyKey, reason };
        return proposeAndWait(deps, { actor, input: proposeAndWaitInputSchema.parse(input), signal });
      }, logError),
  );

  server.registerTool(
    "report_outcome",
    {
      description: "After running a tool that request_approval let through, report what happened: outcome succeeded (with a result) or failed (with the error). Only you, the proposer, may report, once.",
      inputSchema: completeActionInputSchema,
      outputSchema: actionViewSchema,
      annotations: { destructiveHint: false, idempotentHint: false, openWorldHint: false },
    },
    (args) => toolResult(() => completeAction(deps, { actor, input: args }), logError),
  );

  server.registerTool(
    "list_connectors",
    {
      description: "The services propose_http may call: each connector's name, base URL, allowed methods and path prefixes, and whether its requests can be undone.",
      outputSchema: z.object({ connectors: z.array(connectorViewSchema) }),
      annotations: readOnly,
    },
    () => toolResult(async () => ({ connectors: await listConnectors(deps, { actor }) }), logError),
  );

  server.registerTool(
    "list_templates",
    { description: "The tenant's action templates: their parameters and steps.", outputSchema: z.object({ templates: z.array(templateViewSchema) }), annotations: readOnly },
    () => toolResult(async () => ({ templates: await listTemplates(deps, { actor }) }), logError),
  );

  server.registerTool(
    "run_template",
    {
      description: "Run a template with values for its parameters: proposes every step as one batch, each step running after the one before it. Wait for each action with wait_for_decision.",
      inputSchema: runTemplateInputSchema,
      outputSchema: templateRunSchema,
      annotations: { destructiveHint: false, idempotentHint: false, openWorldHint: false },
    },
    (args) => toolResult(() => runTemplate(deps, { actor, input: args }), logError),
  );
}
