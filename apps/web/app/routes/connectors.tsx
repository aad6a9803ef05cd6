import { useNavigation } from "react-router";

import {
  createConnector,
  createConnectorInputSchema,
  DEFAULT_CONNECTOR_TIMEOUT_MS,
  deleteConnector,
  httpMethods,
  listConnectors,
  MAX_CONNECTOR_TIMEOUT_MS,
  MIN_CONNECTOR_TIMEOUT_MS,
  rotateConnectorSigningSecret,
  SIGNING_SECRET_GRACE_HOURS,
  updateConnector,
  updateConnectorInputSchema,
} from "@leash/core";

import { ConnectorForm } from "../components/connector-form.tsx";
import { ConnectorTable } from "../components/connector-table.tsx";
import { Notice } from "../components/notice.tsx";
import { SigningSecretNotice } from "../components/signing-secret-notice.tsx";
import { resultFor, type FormResult } from "../lib/form-result.ts";
import { useConsole } from "../lib/use-console.ts";
import { consoleTitle } from "../lib/console-title.ts";
import { requireMutation, requireUser } from "../server/auth.server.ts";
import { connectorFormInput } from "../server/connector-form.server.ts";
import { loadOrFail, refusal } from "../server/core-errors.server.ts";
import { getDeps } from "../server/deps.server.ts";
import { checkForm, formIntent, formText } from "../server/form.server.ts";
import type { Route } from "./+types/connectors";

export function meta({ matches }: Route.MetaArgs) {
  return [{ title: consoleTitle("Connectors", matches) }];
}

export async function loader({ request }: Route.LoaderArgs) {
  const { actor } = await requireUser(request);
  const connectors = await loadOrFail(() => listConnectors(getDeps(), { actor }));
  const editId = new URL(request.url).searchParams.get("edit");
  // The form's choices come from core; read here, so that core stays out of the browser bundle.
  const timeouts = {
    min: MIN_CONNECTOR_TIMEOUT_MS,
    max: MAX_CONNECTOR_TIMEOUT_MS,
    default: DEFAULT_CONNECTOR_TIMEOUT_MS,
  };
  return {
    connectors,
    editing: connectors.find((connector) => connector.id === editId) ?? null,
    methods: httpMethods,
    timeouts,
    secretGraceHours: SIGNING_SECRET_GRACE_HOURS,
  };
}

/** A form's answer, with the signing secret after a create or a rotation: the only time it is shown. */
type ConnectorResult = FormResult & { signingSecret?: { connector: string; secret: string } };

export async function action({ request }: Route.ActionArgs) {
  const { user, form } = await requireMutation(request);
  const deps = getDeps();
  const actor = user.actor;
  const intent = formIntent(form, ["create", "update", "delete", "rotate"]);
  const connectorId = formText(form, "connectorId") ?? "";
  try {
    if (intent === "delete") {
      await deleteConnector(deps, { actor, input: { connectorId } });
      return { ok: true, form: intent, message: "Connector deleted." } satisfies ConnectorResult;
    }
    if (intent === "rotate") {
      const revokePrevious = formText(form, "revokePrevious") === "on";
      const { connector, signingSecret } = await rotateConnectorSigningSecret(deps, {
        actor,
        input: { connectorId, revokePrevious },
      });
      const message = revokePrevious
        ? `${connector.name} has a new signing secret; requests are signed with it from now on, and no longer with the old one.`
        : `${connector.name} has a new signing secret; requests are signed with it from now on, and for a while also with the old one (see its row).`;
      return {
        ok: true,
        form: intent,
        message,
        signingSecret: { connector: connector.name, secret: signingSecret },
      } satisfies ConnectorResult;
    }
    const { input, bodyError, fieldOf } = connectorFormInput(form);
    if (bodyError) return refusal(bodyError, intent, fieldOf);
    if (intent === "update") {
      const checked = checkForm(updateConnectorInputSchema, { ...input, connectorId });
      if (!checked.ok) return refusal(checked.error, intent, fieldOf);
      const saved = await updateConnector(deps, { actor, input: checked.data });
      return { ok: true, form: intent, message: `Saved ${saved.name}.` } satisfies ConnectorResult;
    }
    const checked = checkForm(createConnectorInputSchema, input);
    if (!checked.ok) return refusal(checked.error, intent, fieldOf);
    const { connector, signingSecret } = await createConnector(deps, { actor, input: checked.data });
    return {
      ok: true,
      form: intent,
      message: `Added ${connector.name}.`,
      signingSecret: { connector: connector.name, secret: signingSecret },
    } satisfies ConnectorResult;
  } catch (error) {
    return refusal(error, intent);
  }
}

export default function Connectors({ loaderData, actionData }: Route.ComponentProps) {
  const { connectors, editing, methods, timeouts, secretGraceHours } = loaderData;
  const { permissions } = useConsole();
  const busy = useNavigation().state === "submitting";
  const posted: ConnectorResult | undefined = actionData;
  const formResult = resultFor(posted, editing ? "update" : "create");
  return (
    <div className="page">
      <header className="page-header">
        <div>
          <h1>Connectors</h1>
          <p className="muted">
            The services of this workspace that <code>http</code> actions call: only under a connector&apos;s
            base URL, with its methods and path prefixes, signed with its secret.
            {permissions.writeConnectors ? "" : " Only admins can change these."}
          </p>
        </div>
      </header>
      <Notice result={posted} />
      {posted?.ok && posted.signingSecret ? (
        <SigningSecretNotice
          connector={posted.signingSecret.connector}
          secret={posted.signingSecret.secret}
        />
      ) : null}
      <section className="card panel" aria-labelledby="connectors-heading">
        <h2 id="connectors-heading">Configured</h2>
        {connectors.length === 0 ? (
          <p>No connectors yet: agents cannot call any service.</p>
        ) : (
          <ConnectorTable
            connectors={connectors}
            canWrite={permissions.writeConnectors}
            secretGraceHours={secretGraceHours}
          />
        )}
      </section>
      {permissions.writeConnectors ? (
        <ConnectorForm
          editing={editing}
          methods={methods}
          timeouts={timeouts}
          result={formResult}
          busy={busy}
        />
      ) : null}
    </div>
  );
}
