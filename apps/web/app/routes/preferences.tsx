import { Form, useNavigation } from "react-router";

import {
  actionTypeNames,
  grantRefInputSchema,
  listAutoApprovalGrants,
  listPreferences,
  resolveAutoApproval,
  revokeAutoApprovalGrant,
  setPreference,
  setPreferenceInputSchema,
  targetTypeSchema,
  type PreferenceView,
} from "@leash/core";

import { LocalTime } from "../components/local-time.tsx";
import { CsrfField } from "../components/csrf-field.tsx";
import { Notice } from "../components/notice.tsx";
import { capitalize, humanLabel } from "../lib/format.ts";
import type { FormResult } from "../lib/form-result.ts";
import { useConsole } from "../lib/use-console.ts";
import { consoleTitle } from "../lib/console-title.ts";
import { requireMutation, requireUser } from "../server/auth.server.ts";
import { loadOrFail, refusal } from "../server/core-errors.server.ts";
import { getDeps } from "../server/deps.server.ts";
import { formText, parseForm } from "../server/form.server.ts";
import type { Route } from "./+types/preferences";

export function meta({ matches }: Route.MetaArgs) {
  return [{ title: consoleTitle("Preferences", matches) }];
}

const plural: Record<string, string> = { person: "people", project: "projects", idea: "ideas", admin: "admin items" };

/** "update on ideas", "notify on anything": the scope of a switch in words. */
function scope(actionType: string, targetType: string | null): string {
  return `${actionType} on ${targetType ? (plural[targetType] ?? targetType) : "anything"}`;
}

export async function loader({ request }: Route.LoaderArgs) {
  const { actor } = await requireUser(request);
  const preferences = await loadOrFail(() => listPreferences(getDeps(), { actor }));
  const grants = await loadOrFail(() => listAutoApprovalGrants(getDeps(), { actor }));
  // Core's own rule decides what each cell means (a rule for the target type wins over one for any target).
  const asRule = (preference: PreferenceView) => ({ ...preference, tenantId: actor.tenantId, updatedAt: new Date(preference.updatedAt) });
  const rules = preferences.map(asRule);
  const columns = [null, ...targetTypeSchema.options];
  const rows = actionTypeNames().map((actionType) => ({
    actionType,
    cells: columns.map((targetType) => {
      const explicit = preferences.find((preference) => preference.actionType === actionType && preference.targetType === targetType);
      const effective = targetType === null ? (explicit?.autoApprove ?? false) : resolveAutoApproval(rules, { actionType, targetType }).autoApprove;
      return { targetType, autoApprove: effective, inherited: explicit === undefined };
    }),
  }));
  return { rows, columns, preferences, grants };
}

export async function action({ request }: Route.ActionArgs) {
  const { user, form } = await requireMutation(request);
  if (formText(form, "intent") === "revoke-grant") {
    const { grantId } = parseForm(grantRefInputSchema, { grantId: formText(form, "grantId") });
    try {
      const revoked = await revokeAutoApprovalGrant(getDeps(), { actor: user.actor, input: { grantId } });
      const result: FormResult = { ok: true, message: `Revoked: ${revoked.actionType} on ${revoked.targetType ?? "any target"} from ${revoked.proposer.label} waits for a person again.` };
      return result;
    } catch (error) {
      return refusal(error);
    }
  }
  const input = parseForm(setPreferenceInputSchema, {
    actionType: formText(form, "actionType"),
    targetType: formText(form, "targetType") || null,
    autoApprove: formText(form, "autoApprove") === "true",
  });
  try {
    const saved = await setPreference(getDeps(), { actor: user.actor, input });
    const result: FormResult = { ok: true, message: `Saved: ${scope(saved.actionType, saved.targetType)} ${saved.autoApprove ? "will now run without a person" : "will now wait for a person"}.` };
    return result;
  } catch (error) {
    return refusal(error);
  }
}

export default function Preferences({ loaderData, actionData }: Route.ComponentProps) {
  const { rows, columns, preferences, grants } = loaderData;
  const { permissions } = useConsole();
  const navigation = useNavigation();
  const running = preferences.filter((preference) => preference.autoApprove);
  return (
    <div className="page">
      <header className="page-header">
        <div>
          <h1>Preferences</h1>
          <p className="muted">
            Which actions run without a person. Everything that is not switched on waits in the inbox for an approver.
            {permissions.writePreferences ? "" : " Only admins can change these."}
          </p>
        </div>
      </header>
      <Notice result={actionData} />
      <div className="table-wrap">
        <table className="table preferences-table">
          <caption className="visually-hidden">Auto-approval by action type and target type</caption>
          <thead>
            <tr>
              <th scope="col">Action type</th>
              {columns.map((column) => (
                <th key={column ?? "any"} scope="col">
                  {column ? plural[column] : "Any target"}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {rows.map((row) => (
              <tr key={row.actionType}>
                <th scope="row">{humanLabel(row.actionType)}</th>
                {row.cells.map((cell) => {
                  const label = `Auto-approve ${scope(row.actionType, cell.targetType)}`;
                  const sentence = `${scope(row.actionType, cell.targetType)} ${cell.autoApprove ? "runs without a person" : "waits for a person"}${cell.inherited && cell.targetType !== null ? " (follows “any target”)" : ""}`;
                  const busy = navigation.formData?.get("actionType") === row.actionType && navigation.formData.get("targetType") === (cell.targetType ?? "");
                  return (
                    <td key={cell.targetType ?? "any"}>
                      <Form method="post" className="inline-form" preventScrollReset>
                        <CsrfField />
                        <input type="hidden" name="actionType" value={row.actionType} />
                        <input type="hidden" name="targetType" value={cell.targetType ?? ""} />
                        <input type="hidden" name="autoApprove" value={cell.autoApprove ? "false" : "true"} />
                        <button
                          type="submit"
                          className={`switch${cell.inherited && cell.targetType !== null ? " switch-inherited" : ""}`}
                          aria-pressed={cell.autoApprove}
                          aria-label={label}
                          title={capitalize(sentence)}
                          disabled={!permissions.writePreferences || busy}
                        >
                          <span className="switch-track" aria-hidden="true" />
                          {cell.autoApprove ? "Auto" : "Ask"}
                        </button>
                      </Form>
                    </td>
                  );
                })}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <section className="card panel" aria-labelledby="sentences-heading">
        <h2 id="sentences-heading">What this means</h2>
        {running.length === 0 ? (
          <p>Every action waits for a person.</p>
        ) : (
          <ul className="sentences" data-testid="preference-sentences">
            {running.map((preference) => (
              <li key={preference.id}>
                <strong>{capitalize(scope(preference.actionType, preference.targetType))}</strong> will run without a person, as soon as an agent proposes it.
              </li>
            ))}
            {preferences
              .filter((preference) => !preference.autoApprove && preference.targetType !== null)
              .map((preference) => (
                <li key={preference.id}>
                  <strong>{capitalize(scope(preference.actionType, preference.targetType))}</strong> still waits for a person.
                </li>
              ))}
            <li>Everything else waits for a person.</li>
          </ul>
        )}
        <p className="muted small">“Ask” sends the action to the inbox; “Auto” approves it on arrival. A setting for one target type wins over the one for any target.</p>
      </section>
      <section className="card panel" aria-labelledby="grants-heading">
        <h2 id="grants-heading">Trusted proposers</h2>
        <p className="muted">
          Granted with “Approve and trust” in the inbox or on a Slack card: these proposers' actions of one type run without a person until the grant ends. A
          rollback of an action a grant let through suspends the grant.
        </p>
        {grants.length === 0 ? (
          <p>Nobody is trusted yet.</p>
        ) : (
          <div className="table-wrap">
            <table className="table" data-testid="grants">
              <caption className="visually-hidden">Auto-approval grants</caption>
              <thead>
                <tr>
                  <th scope="col">Proposer</th>
                  <th scope="col">Actions</th>
                  <th scope="col">Granted by</th>
                  <th scope="col">Until</th>
                  <th scope="col">State</th>
                  <th scope="col">
                    <span className="visually-hidden">Revoke</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {grants.map((grant) => (
                  <tr key={grant.id} data-grant-id={grant.id}>
                    <td>{grant.proposer.label}</td>
                    <td>{scope(grant.actionType, grant.targetType)}</td>
                    <td>
                      {grant.grantedBy}
                      {grant.sourceActionId !== null ? <span className="muted"> (on #{grant.sourceActionId})</span> : null}
                    </td>
                    <td>
                      <LocalTime value={grant.expiresAt} />
                    </td>
                    <td>
                      <span className={`badge ${grant.state === "active" ? "badge-executed" : grant.state === "suspended" ? "badge-rejected" : "badge-cancelled"}`}>{humanLabel(grant.state)}</span>
                      {grant.suspendedReason ? <span className="muted small"> {grant.suspendedReason}</span> : null}
                    </td>
                    <td>
                      {permissions.decide && grant.state === "active" ? (
                        <Form method="post" className="inline-form" preventScrollReset>
                          <CsrfField />
                          <input type="hidden" name="grantId" value={grant.id} />
                          <button type="submit" name="intent" value="revoke-grant" className="button button-danger-outline button-small">
                            Revoke
                          </button>
                        </Form>
                      ) : null}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
    </div>
  );
}
