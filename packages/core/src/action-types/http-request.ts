import { z } from "zod";

import { jsonValueSchema, type JsonObject } from "../actions/json.ts";
import { checkConnectorRequest } from "../connectors/check-connector-request.ts";
import { connectorNameSchema, httpMethodSchema } from "../connectors/connector-fields.ts";
import { findConnector } from "../connectors/find-connector.ts";
import { renderUndoRequest } from "../connectors/render-undo-request.ts";
import { safeText } from "../actions/storable.ts";
import { sendConnectorRequest, type ConnectorResult } from "../connectors/send-connector-request.ts";
import type { StoredConnector } from "../connectors/stored-connector.ts";
import { CoreError, isCoreError } from "../errors.ts";
import { readStored } from "../rollback/read-stored.ts";
import { showParameter } from "../presentation/present-values.ts";
import { defineActionType } from "./action-definition.ts";

/** A request to one of the tenant's connectors: its name, the method, the path under its base URL and a JSON body. */
export const httpParameters = z.strictObject({
  connector: connectorNameSchema.describe("the name of one of the tenant's connectors"),
  method: httpMethodSchema,
  path: safeText(z.string().min(1).max(2048)).describe("under the connector's base URL and one of its allowed path prefixes, e.g. /invoices"),
  body: jsonValueSchema.optional().describe("sent as JSON"),
  url: z.url().optional().describe("filled in by Leash at proposal: the full URL people approve (a value sent is replaced)"),
  undoable: z.boolean().optional().describe("filled in by Leash at proposal: whether the connector has an undo request"),
});

type HttpParameters = z.output<typeof httpParameters>;

/** The request an undo sends, rendered from the connector's template and the answer when the call ran. */
const storedUndo = z.object({ undo: z.object({ connector: z.string(), method: httpMethodSchema, path: z.string(), body: jsonValueSchema.optional() }) });

/** Stable across every attempt of one action, so the receiver can tell a retry from a new request. */
const requestIds = (actionId: number) => ({ idempotencyKey: `leash-action-${actionId}`, messageId: `msg_leash_action_${actionId}` });

async function connectorOrRefuse(db: Parameters<typeof findConnector>[0], tenantId: string, name: string, when: string): Promise<StoredConnector> {
  const connector = await findConnector(db, tenantId, name);
  if (!connector) {
    throw new CoreError("NOT_FOUND", `No connector "${name}" in this tenant${when}`, { issues: [{ path: ["parameters", "connector"], message: "no connector of this name" }] });
  }
  return connector;
}

function checkedUrl(connector: StoredConnector, parameters: Pick<HttpParameters, "method" | "path">): URL {
  const check = checkConnectorRequest(connector, parameters);
  if (!check.ok) throw new CoreError("INVALID", check.problem, { issues: [{ path: ["parameters", "path"], message: check.problem }] });
  return check.url;
}

/** The undo request of a call that succeeded, or why there is none (kept with the action for its rollback). */
function undoFor(connector: StoredConnector, parameters: HttpParameters, result: ConnectorResult): JsonObject {
  if (!connector.undo) return { undoRefusal: `connector ${connector.name} has no undo request` };
  try {
    const { method, path, body } = renderUndoRequest(connector.undo, { result, parameters });
    return { undo: { connector: connector.name, method, path, ...(body === undefined ? {} : { body }) } };
  } catch (error) {
    if (isCoreError(error)) return { undoRefusal: error.message };
    throw error;
  }
}

/** The answer as the action's result: status, the URL that answered, selected headers, the body (at most 64 KiB). */
const recorded = ({ status, url, headers, body, truncated, durationMs }: ConnectorResult): JsonObject => ({ status, url, headers, body, truncated, durationMs });

export const httpAction = defineActionType({
  type: "http",
  target: "none",
  parametersSchema: httpParameters,
  description:
    "Propose an HTTP request to one of your team's services, through a connector an admin configured (its name, the method, a path under its base URL, a JSON body). Sent once approved, with an Idempotency-Key stable across retries and a Standard Webhooks signature; 2xx executes, 5xx/timeouts/408/429 retry, other 4xx fail.",
  changesItem: false,
  actsOutside: true,
  resolvedParameters: ["url", "undoable"],
  async prepare({ db, tenantId, parameters }) {
    const connector = await connectorOrRefuse(db, tenantId, parameters.connector, "");
    const url = checkedUrl(connector, parameters);
    return { ...parameters, url: url.href, undoable: connector.undo !== null };
  },
  present({ parameters }) {
    const method = showParameter(parameters.method, 10);
    const where = typeof parameters.url === "string" ? parameters.url : `${showParameter(parameters.connector, 64)} ${showParameter(parameters.path, 200)}`;
    return {
      headline: `${method} ${showParameter(parameters.connector, 64)} ${showParameter(parameters.path, 120)}`,
      changes: [],
      details: [`Request: ${method} ${where}`, `Through connector: ${showParameter(parameters.connector, 64)}`],
      code: parameters.body === undefined ? undefined : JSON.stringify(parameters.body, null, 2),
    };
  },
  async execute({ tx, tenantId, actionId, parameters, services, now }) {
    const connector = await connectorOrRefuse(tx, tenantId, parameters.connector, ": it was deleted after the proposal");
    const url = checkedUrl(connector, parameters);
    // People approved a request to this URL; a connector since pointed elsewhere must not redirect it.
    if (parameters.url !== undefined && url.href !== parameters.url) {
      throw new CoreError("CONFLICT", `connector ${connector.name} now points at ${url.href}, not at ${parameters.url} as approved; propose the request again`);
    }
    const result = await sendConnectorRequest({ connector, key: services.connectorKey, method: parameters.method, path: parameters.path, body: parameters.body, ...requestIds(actionId), now });
    return { result: recorded(result), rollbackData: undoFor(connector, parameters, result) };
  },
  rollback: {
    reversible: true,
    laterChanges: "none",
    reversibility: (parameters) =>
      parameters.undoable === true
        ? { reversible: true, until: null, explanation: "rollback sends the connector's undo request" }
        : { reversible: false, until: null, explanation: "its connector has no undo request, so it cannot be undone" },
    undoHeadline: ({ parameters }) => `send ${showParameter(parameters.connector, 64)}'s undo request`,
    undone: () => "undo request sent",
    async refusal({ db, original }) {
      const stored = storedUndo.safeParse(original.rollbackData);
      if (!stored.success) {
        const why = (original.rollbackData as { undoRefusal?: unknown } | null)?.undoRefusal;
        return `called a service that cannot be undone: ${typeof why === "string" ? why : "no undo request was recorded"}`;
      }
      return (await findConnector(db, original.tenantId, stored.data.undo.connector)) ? null : `called connector ${stored.data.undo.connector}, which no longer exists`;
    },
    preview({ original, item }) {
      const { undo } = readStored(storedUndo, original.rollbackData, `undo request of #${original.id}`);
      const sentence = `${undo.method} ${undo.connector} ${undo.path}`;
      return { description: `sends ${sentence}`, changes: [{ field: "request", current: null, restored: sentence }], itemAfter: item };
    },
    async undo({ tx, tenantId, original, undoActionId, now, services }) {
      const { undo } = readStored(storedUndo, original.rollbackData, `undo request of #${original.id}`);
      const connector = await connectorOrRefuse(tx, tenantId, undo.connector, ": it was deleted after the call");
      // The undo request comes from the admin's template, so its method need not be one agents may use.
      checkedUrl({ ...connector, allowedMethods: [undo.method] }, undo);
      const result = await sendConnectorRequest({ connector, key: services.connectorKey, method: undo.method, path: undo.path, body: undo.body, ...requestIds(undoActionId), now });
      return { result: recorded(result) };
    },
  },
});
