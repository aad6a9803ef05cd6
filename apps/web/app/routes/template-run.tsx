import { data, Form, Link, redirect, useNavigation } from "react-router";

import { getAction, getTemplate, runTemplate, type TemplateParameter } from "@leash/core";

import { humanLabel } from "../lib/format.ts";
import { CsrfField } from "../components/csrf-field.tsx";
import { Notice } from "../components/notice.tsx";
import { StatusBadge } from "../components/status-badge.tsx";
import { fieldError } from "../lib/form-result.ts";
import { consoleTitle } from "../lib/console-title.ts";
import { requireMutation, requireUser } from "../server/auth.server.ts";
import { loadOrFail, refusal } from "../server/core-errors.server.ts";
import { getDeps } from "../server/deps.server.ts";
import { formText } from "../server/form.server.ts";
import { flashNotice, takeNotice } from "../server/session.server.ts";
import type { Route } from "./+types/template-run";

export function meta({ params, matches }: Route.MetaArgs) {
  return [{ title: consoleTitle(`Run template #${params.templateId}`, matches) }];
}

const MAX_SHOWN = 20;

export async function loader({ request, params }: Route.LoaderArgs) {
  const { actor } = await requireUser(request);
  const deps = getDeps();
  const template = await loadOrFail(() => getTemplate(deps, { actor, input: { templateId: Number(params.templateId) } }));
  // The actions of the run just started, listed in the address so this page can follow them live.
  const ids = (new URL(request.url).searchParams.get("actions") ?? "")
    .split(",")
    .map(Number)
    .filter((id) => Number.isInteger(id) && id > 0)
    .slice(0, MAX_SHOWN);
  const run = await Promise.all(ids.map((actionId) => loadOrFail(() => getAction(deps, { actor, input: { actionId } }))));
  const { notice, headers } = await takeNotice(request);
  return data({ template, run, notice }, headers ? { headers } : undefined);
}

/** A run value as its parameter's type; text that is not one goes to core as typed, to be refused there. */
function valueOf(parameter: TemplateParameter, form: FormData): unknown {
  const name = `param.${parameter.name}`;
  if (parameter.type === "boolean") return formText(form, name) === "on";
  const text = formText(form, name)?.trim() ?? "";
  if (text === "") return undefined;
  if (parameter.type === "number" || parameter.type === "integer") return Number.isNaN(Number(text)) ? text : Number(text);
  return text;
}

export async function action({ request, params }: Route.ActionArgs) {
  const { user, form } = await requireMutation(request);
  const deps = getDeps();
  const templateId = Number(params.templateId);
  const reason = formText(form, "reason")?.trim();
  let ids: number[];
  try {
    const template = await getTemplate(deps, { actor: user.actor, input: { templateId } });
    const values = Object.fromEntries(template.parameters.flatMap((parameter) => {
      const value = valueOf(parameter, form);
      return value === undefined ? [] : [[parameter.name, value]];
    }));
    const run = await runTemplate(deps, { actor: user.actor, input: { templateId, parameters: values, ...(reason ? { reason } : {}) } });
    ids = run.actions.map((action) => action.id);
  } catch (error) {
    return refusal(error, undefined, (path) => (path[0] === "parameters" && path.length > 1 ? { field: `param.${String(path[1])}` } : { field: path.join(".") }));
  }
  const notice = `Proposed ${ids.length === 1 ? "1 action" : `${ids.length} actions`}; each runs once approved and after the step before it.`;
  return redirect(`/templates/${templateId}/run?actions=${ids.join(",")}`, { headers: await flashNotice(request, notice) });
}

const inputType = { string: "text", number: "number", integer: "number", date: "date", boolean: "checkbox" } as const;

export default function TemplateRun({ loaderData, actionData }: Route.ComponentProps) {
  const { template, run, notice } = loaderData;
  const navigation = useNavigation();
  const general = actionData?.error;
  return (
    <div className="page page-narrow">
      <header className="detail-header">
        <nav className="breadcrumbs" aria-label="Breadcrumbs">
          <Link to="/templates">Templates</Link>
          <span aria-hidden="true">/</span>
          <span aria-current="page">Run “{template.name}”</span>
        </nav>
        <h1>Run “{template.name}”</h1>
        {template.description ? <p className="muted">{template.description}</p> : null}
      </header>

      <Notice result={notice ? { ok: true, message: notice } : undefined} />

      {run.length > 0 ? (
        <section className="card panel" aria-labelledby="run-heading">
          <h2 id="run-heading">This run</h2>
          <ol className="run-steps" data-testid="run-actions">
            {run.map((action, index) => (
              <li key={action.id} data-action-id={action.id}>
                <span>
                  Step {index + 1}: <Link to={`/actions/${action.id}`}>#{action.id}</Link> {humanLabel(action.actionType)}
                  {action.targetType ? ` ${action.targetType}` : ""}
                </span>
                <span role="status" aria-live="polite">
                  <StatusBadge status={action.status} rolledBack={action.rolledBackAt !== null} />
                </span>
              </li>
            ))}
          </ol>
          {run.some((action) => action.status === "pending") ? (
            <p className="muted small">
              Steps waiting for a person are in the <Link to="/">inbox</Link>.
            </p>
          ) : null}
        </section>
      ) : null}

      {general ? (
        <p className="notice notice-error" role="alert">
          {general}
        </p>
      ) : null}

      <Form method="post" className="card panel stack" noValidate aria-label={`Run ${template.name}`}>
        <CsrfField />
        <h2>{run.length > 0 ? "Run it again" : "Parameters"}</h2>
        {template.parameters.length === 0 ? <p className="muted">This template takes no parameters.</p> : null}
        {template.parameters.map((parameter) => {
          const name = `param.${parameter.name}`;
          const error = fieldError(actionData, name);
          const optional = !parameter.required || parameter.default !== undefined;
          const describedBy = [parameter.description ? `${name}-hint` : null, error ? `${name}-error` : null].filter(Boolean).join(" ") || undefined;
          if (parameter.type === "boolean") {
            return (
              <div key={name} className="field">
                <label className="checkbox-label">
                  <input type="checkbox" name={name} defaultChecked={parameter.default === true} aria-describedby={describedBy} />
                  {parameter.name}
                </label>
                {parameter.description ? <p className="field-hint" id={`${name}-hint`}>{parameter.description}</p> : null}
                {error ? <p className="field-error" id={`${name}-error`}>{error}</p> : null}
              </div>
            );
          }
          return (
            <div key={name} className="field">
              <label htmlFor={name}>
                {parameter.name} <span className="muted small">({parameter.type}{optional ? ", optional" : ""})</span>
              </label>
              <input
                id={name}
                name={name}
                type={inputType[parameter.type]}
                step={parameter.type === "integer" ? 1 : parameter.type === "number" ? "any" : undefined}
                defaultValue={parameter.default === undefined ? "" : String(parameter.default)}
                required={!optional}
                aria-invalid={error ? true : undefined}
                aria-describedby={describedBy}
              />
              {parameter.description ? <p className="field-hint" id={`${name}-hint`}>{parameter.description}</p> : null}
              {error ? <p className="field-error" id={`${name}-error`}>{error}</p> : null}
            </div>
          );
        })}
        <div className="field">
          <label htmlFor="reason">Reason (optional, shown with every step)</label>
          <input id="reason" name="reason" />
        </div>
        <div className="page-actions">
          <button type="submit" className="button button-primary" disabled={navigation.state === "submitting"}>
            {navigation.state === "submitting" ? "Proposing…" : `Run “${template.name}”`}
          </button>
          <Link to="/templates" className="button button-ghost">
            Back to templates
          </Link>
        </div>
      </Form>
    </div>
  );
}
