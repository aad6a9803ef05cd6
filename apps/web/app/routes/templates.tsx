import { data, Link } from "react-router";

import { can, deleteTemplate, listTemplates, type TemplateStep } from "@leash/core";

import { ConfirmDisclosure } from "../components/confirm-disclosure.tsx";
import { Notice } from "../components/notice.tsx";
import { truncateText } from "../lib/format.ts";
import type { FormResult } from "../lib/form-result.ts";
import { consoleTitle } from "../lib/console-title.ts";
import { requireMutation, requireUser } from "../server/auth.server.ts";
import { loadOrFail, refusal } from "../server/core-errors.server.ts";
import { getDeps } from "../server/deps.server.ts";
import { formIntent, formNumber } from "../server/form.server.ts";
import { takeNotice } from "../server/session.server.ts";
import type { Route } from "./+types/templates";

export function meta({ matches }: Route.MetaArgs) {
  return [{ title: consoleTitle("Templates", matches) }];
}

export async function loader({ request }: Route.LoaderArgs) {
  const { actor } = await requireUser(request);
  const templates = await loadOrFail(() => listTemplates(getDeps(), { actor }));
  const { notice, headers } = await takeNotice(request);
  const body = { templates, notice, permissions: { write: can(actor, "template.write"), run: can(actor, "action.propose") } };
  return data(body, headers ? { headers } : undefined);
}

export async function action({ request }: Route.ActionArgs) {
  const { user, form } = await requireMutation(request);
  formIntent(form, ["delete"]);
  const templateId = formNumber(form, "templateId");
  try {
    await deleteTemplate(getDeps(), { actor: user.actor, input: { templateId } });
  } catch (error) {
    return refusal(error);
  }
  const result: FormResult = { ok: true, message: `Deleted template #${templateId}. Actions it proposed before are kept.` };
  return result;
}

/** A step in one line: "update project {{params.projectId}}: {"data":{...}}". */
function describeStep(step: TemplateStep): string {
  const target = [step.targetType, step.targetId === undefined ? null : typeof step.targetId === "number" ? `#${step.targetId}` : step.targetId].filter(Boolean).join(" ");
  return `${step.actionType}${target ? ` ${target}` : ""}: ${truncateText(JSON.stringify(step.parameters), 90)}`;
}

export default function Templates({ loaderData, actionData }: Route.ComponentProps) {
  const { templates, notice, permissions } = loaderData;
  return (
    <div className="page">
      <header className="page-header">
        <div>
          <h1>Templates</h1>
          <p className="muted">Reusable sequences of actions. Running one proposes its steps in order, each after the one before it has run.</p>
        </div>
        {permissions.write ? (
          <div className="page-actions">
            <Link to="/templates/new" className="button button-primary">
              New template
            </Link>
          </div>
        ) : null}
      </header>
      <Notice result={actionData ?? (notice ? { ok: true, message: notice } : undefined)} />
      {templates.length === 0 ? (
        <section className="empty-state">
          <h2>No templates yet</h2>
          <p className="muted">A template is a named list of steps with parameters, such as “onboard a person”: create them, then link them to a project.</p>
          {permissions.write ? (
            <Link to="/templates/new" className="button button-primary">
              Create the first one
            </Link>
          ) : null}
        </section>
      ) : (
        <ul className="item-grid template-grid" aria-label="Templates">
          {templates.map((template) => (
            <li key={template.id}>
              <article className="card template-card" aria-labelledby={`template-${template.id}`} data-template-id={template.id}>
                <h2 id={`template-${template.id}`}>{template.name}</h2>
                {template.description ? <p className="muted">{template.description}</p> : null}
                {template.parameters.length > 0 ? (
                  <p className="chips" aria-label="Parameters">
                    {template.parameters.map((parameter) => (
                      <span key={parameter.name} className="badge badge-neutral">
                        {parameter.name}: {parameter.type}
                        {parameter.required && parameter.default === undefined ? "" : " (optional)"}
                      </span>
                    ))}
                  </p>
                ) : null}
                <ol className="template-steps" aria-label="Steps">
                  {template.steps.map((step, index) => (
                    <li key={index} className="mono">
                      {describeStep(step)}
                    </li>
                  ))}
                </ol>
                <div className="card-actions">
                  {permissions.run ? (
                    <Link to={`/templates/${template.id}/run`} className="button button-primary button-small">
                      Run…
                    </Link>
                  ) : null}
                  {permissions.write ? (
                    <>
                      <Link to={`/templates/${template.id}/edit`} className="button button-small">
                        Edit
                      </Link>
                      <ConfirmDisclosure
                        label="Delete…"
                        intent="delete"
                        fields={{ templateId: template.id }}
                        question={`Delete “${template.name}” for good? Actions it already proposed stay in the history.`}
                        yes={`Yes, delete “${template.name}”`}
                      />
                    </>
                  ) : null}
                </div>
              </article>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
