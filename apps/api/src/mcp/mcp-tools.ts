import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { z } from "zod";

import {
  actionTypes,
  completeAction,
  completeActionInputSchema,
  externalAction,
  externalParameters,
  actionRefInputSchema,
  getAction,
  inputIssues,
  isCoreError,
  listConnectors,
  listTemplates,
  MAX_WAIT_SECONDS,
  proposeAndWait,
  proposalCommonFields,
  proposalVariant,
  proposeAndWaitInputSchema,
  runTemplate,
  runTemplateInputSchema,
  waitForAction,
  waitForActionInputSchema,
  waitSecondsSchema,
  type Actor,
  type CoreDeps,
  type InvalidIssue,
  type WaitDeps,
} from "@leash/core";

/** request_approval's arguments: an `external` proposal's parameters at the top level, with the wait. */
const externalRequestSchema = externalParameters.extend({ waitSeconds: waitSecondsSchema, ...proposalCommonFields });

/** How a waiting tool's answer reads; `duplicate` is there when the call proposed. */
const waitAnswer = (fields = "action, done, cursor") => `Answers {${fields}}: done false means nobody decided yet; call wait_for_decision with the cursor.`;
const proposeAnswer = waitAnswer("action, done, cursor, duplicate");

/** Each issue as "path: message" in plain words, as the tRPC API words them. */
const issueList = (issues: readonly InvalidIssue[]) => issues.map((issue) => `${issue.path.join(".") || "input"}: ${issue.message}`).join("; ");

/**
 * Runs one tool's core call: its result as compact JSON text and as structured content, a refusal
 * of core as a tool error that says why. No tool declares an outputSchema: a JSON Schema of the
 * action (about 9 KB) per tool made tools/list about 125 KB of an agent's context, so each
 * description names the fields instead. The results are core's typed views, so the SDK's
 * validation against a schema would add nothing.
 */
async function toolResult(run: () => Promise<Record<string, unknown>>, onInternalError: (error: unknown) => void): Promise<CallToolResult> {
  try {
    const result = await run();
    return { content: [{ type: "text", text: JSON.stringify(result) }], structuredContent: result };
  } catch (error) {
    if (isCoreError(error)) {
      const issues = error.issues ? issueList(error.issues) : "";
      return { isError: true, content: [{ type: "text", text: `${error.code}: ${error.message}${issues ? ` (${issues})` : ""}` }] };
    }
    if (error instanceof z.ZodError) return { isError: true, content: [{ type: "text", text: `INVALID: ${issueList(inputIssues(error.issues))}` }] };
    onInternalError(error);
    return { isError: true, content: [{ type: "text", text: "Internal error: the action's state is unknown; read it with get_action before trying again." }] };
  }
}

/**
 * The tools an agent gets over MCP, each calling one core verb as the API key's actor: the same
 * verbs, rules and input schemas as the tRPC API (one propose tool per registered action type, with
 * that type's description and parameter schema). `reauthenticate` is how the tools that wait
 * re-check the key while they wait.
 */
export function registerMcpTools(
  server: McpServer,
  { deps, actor, reauthenticate }: { deps: CoreDeps & WaitDeps; actor: Actor; reauthenticate: () => Promise<unknown> },
  signal: AbortSignal,
): void {
  const logError = (error: unknown) => deps.logger.error({ err: error }, "mcp tool failed");
  const readOnly = { readOnlyHint: true, openWorldHint: false };

  for (const definition of actionTypes()) {
    const actionType = definition.type;
    server.registerTool(
      `propose_${actionType}`,
      {
        description: `${definition.description} Runs once approved (or at once under an approval preference); waits up to waitSeconds. ${proposeAnswer}`,
        inputSchema: proposalVariant(definition, { waitSeconds: waitSecondsSchema }).omit({ actionType: true }),
        annotations: { destructiveHint: definition.destructive ?? false, idempotentHint: false, openWorldHint: definition.actsOutside ?? false },
      },
      // The tool's name says the type; the proposal is the arguments with it added back.
      (args) => toolResult(() => proposeAndWait(deps, { actor, input: proposeAndWaitInputSchema.parse({ ...args, actionType }), signal, reauthenticate }), logError),
    );
  }

  server.registerTool(
    "get_action",
    { description: "One action (id, status, parameters, result or errorMessage, ...) with its timeline of events, oldest first.", inputSchema: actionRefInputSchema, annotations: readOnly },
    (args) => toolResult(() => getAction(deps, { actor, input: args }), logError),
  );

  server.registerTool(
    "wait_for_decision",
    {
      description: `Wait up to waitSeconds (at most ${MAX_WAIT_SECONDS}) for an action (by actionId or the cursor of an earlier answer) to be executed, rejected, failed or cancelled; answers at once if it already is. ${waitAnswer()}`,
      inputSchema: waitForActionInputSchema,
      annotations: readOnly,
    },
    (args) => toolResult(() => waitForAction(deps, { actor, input: args, signal, reauthenticate }), logError),
  );

  server.registerTool(
    "request_approval",
    {
      description: `Before running one of your own tools (a shell command, a payment with your own key), ask people to approve it: give the tool's name, its arguments and a one-line summary. Waits up to waitSeconds for the decision. Once it is approved (status approved), run the tool and call report_outcome; if it is rejected or cancelled, do not run it. ${proposeAnswer}`,
      inputSchema: externalRequestSchema,
      annotations: { destructiveHint: false, idempotentHint: false, openWorldHint: true },
    },
    (args) =>
      toolResult(() => {
        const { waitSeconds, idempotencyKey, reason, ...parameters } = args;
        const input = { actionType: externalAction.type, parameters, waitSeconds, idempotencyKey, reason };
        return proposeAndWait(deps, { actor, input: proposeAndWaitInputSchema.parse(input), signal, reauthenticate });
      }, logError),
  );

  server.registerTool(
    "report_outcome",
    {
      description:
        "After running a tool that request_approval let through, report what happened: outcome succeeded (with a result) or failed (with the error). Only you, the proposer, may report, once. Answers the action (id, status, result or errorMessage, ...).",
      inputSchema: completeActionInputSchema,
      annotations: { destructiveHint: false, idempotentHint: false, openWorldHint: false },
    },
    (args) => toolResult(() => completeAction(deps, { actor, input: args }), logError),
  );

  server.registerTool(
    "list_connectors",
    {
      description:
        "The services propose_http may call. Answers { connectors: [{ name, baseUrl, allowedMethods, allowedPathPrefixes, undo (null: cannot be undone), ... }] }.",
      annotations: readOnly,
    },
    () => toolResult(async () => ({ connectors: await listConnectors(deps, { actor }) }), logError),
  );

  server.registerTool(
    "list_templates",
    { description: "The tenant's action templates. Answers { templates: [{ id, name, description, parameters, steps }] }.", annotations: readOnly },
    () => toolResult(async () => ({ templates: await listTemplates(deps, { actor }) }), logError),
  );

  server.registerTool(
    "run_template",
    {
      description:
        "Run a template with values for its parameters: proposes every step as one batch, each step running after the one before it. Answers { batchId, templateId, actions: [one per step] }; wait for each with wait_for_decision.",
      inputSchema: runTemplateInputSchema,
      annotations: { destructiveHint: false, idempotentHint: false, openWorldHint: false },
    },
    (args) => toolResult(() => runTemplate(deps, { actor, input: args }), logError),
  );
}
