import { useState } from "react";
import { data, Form, Link, redirect, useNavigation } from "react-router";

import {
  actionTypeNames,
  createTemplate,
  createTemplateInputSchema,
  getTemplate,
  parameterFormValues,
  targetTypeSchema,
  templateParameterTypes,
  updateTemplate,
  updateTemplateInputSchema,
} from "@leash/core";

import { CsrfField } from "../components/csrf-field.tsx";
import { FieldError, invalid } from "../components/field-error.tsx";
import { TemplateParameterRow } from "../components/template-parameter-row.tsx";
import { TemplateStepRow } from "../components/template-step-row.tsx";
import { fieldError, type FormResult } from "../lib/form-result.ts";
import { blankParameter, blankStep, draftOf, emptyDraft, type TemplateDraft } from "../lib/template-draft.ts";
import { consoleTitle } from "../lib/console-title.ts";
import { requireMutation, requireUser } from "../server/auth.server.ts";
import { loadOrFail, refusal } from "../server/core-errors.server.ts";
import { getDeps } from "../server/deps.server.ts";
import { checkForm } from "../server/form.server.ts";
import { parameterFieldsOf } from "../server/posted-parameters.server.ts";
import { flashNotice } from "../server/session.server.ts";
import { draftFromForm, templateInput } from "../server/template-form.server.ts";
import type { Route } from "./+types/template-edit";

export function meta({ params, matches }: Route.MetaArgs) {
  return [{ title: consoleTitle(params.templateId ? `Edit template #${params.templateId}` : "New template", matches) }];
}

export async function loader({ request, params }: Route.LoaderArgs) {
  const { actor } = await requireUser(request);
  const template = params.templateId
    ? await loadOrFail(() =>
        getTemplate(getDeps(), { actor, input: { templateId: Number(params.templateId) } }),
      )
    : null;
  return {
    templateId: template?.id ?? null,
    draft: template ? draftOf(template, (type, parameters) => parameterFormValues(parameterFieldsOf(type), parameters, "")) : emptyDraft,
    // Each type's parameter fields, so that choosing a step's type shows its fields at once.
    fieldsByType: Object.fromEntries(actionTypeNames().map((type) => [type, parameterFieldsOf(type)])),
    options: {
      actionTypes: actionTypeNames(),
      targetTypes: targetTypeSchema.options,
      parameterTypes: templateParameterTypes,
    },
  };
}

export async function action({ request, params }: Route.ActionArgs) {
  const { user, form } = await requireMutation(request);
  const draft = draftFromForm(form);
  const { definition, formErrors, retyped, fieldOf } = templateInput(draft, parameterFieldsOf);
  const refused = (error: unknown) => {
    const answer = refusal(error, undefined, fieldOf);
    return data({ ...answer.data, draft }, answer.init ?? undefined);
  };
  if (Object.keys(formErrors).length > 0) {
    const result: FormResult = {
      ok: false,
      status: 400,
      error: "Some step parameters cannot be read.",
      fieldErrors: formErrors,
    };
    return data({ ...result, draft }, { status: 400 });
  }
  if (retyped.length > 0) {
    // Without scripts the fields of a newly chosen type appear only now: nothing is saved until they are filled in.
    const fieldErrors = Object.fromEntries(retyped.map((row) => [`steps.${row}.p`, `fill in the parameters of ${draft.steps[row]?.actionType ?? "this action"}, then save again`]));
    const shown = { ...draft, steps: draft.steps.map((step) => ({ ...step, shownType: step.actionType })) };
    const result: FormResult = { ok: false, status: 400, error: "Fill in the parameters of the new action types, then save again.", fieldErrors };
    return data({ ...result, draft: shown }, { status: 400 });
  }
  const deps = getDeps();
  let saved: { id: number; name: string };
  try {
    if (params.templateId) {
      const checked = checkForm(updateTemplateInputSchema, { templateId: Number(params.templateId), ...definition });
      if (!checked.ok) return refused(checked.error);
      saved = await updateTemplate(deps, { actor: user.actor, input: checked.data });
    } else {
      const checked = checkForm(createTemplateInputSchema, definition);
      if (!checked.ok) return refused(checked.error);
      saved = await createTemplate(deps, { actor: user.actor, input: checked.data });
    }
  } catch (error) {
    return refused(error);
  }
  return redirect("/templates", {
    headers: await flashNotice(request, `Saved template “${saved.name}” (#${saved.id}).`),
  });
}

export default function TemplateEdit({ loaderData, actionData }: Route.ComponentProps) {
  const { templateId, options } = loaderData;
  const draft: TemplateDraft = actionData?.draft ?? loaderData.draft;
  const navigation = useNavigation();
  // Without scripts one blank row of each is always there to fill in; with them, more can be added.
  const [extraParameters, setExtraParameters] = useState(1);
  const [extraSteps, setExtraSteps] = useState(1);
  const parameterRows = [...draft.parameters, ...Array.from({ length: extraParameters }, () => blankParameter)];
  const stepRows = [
    ...draft.steps,
    ...Array.from({ length: extraSteps }, () => blankStep),
  ];
  const error = (field: string) => fieldError(actionData, field);
  const general = actionData?.error;

  return (
    <div className="page page-narrow">
      <header className="detail-header">
        <nav className="breadcrumbs" aria-label="Breadcrumbs">
          <Link to="/templates">Templates</Link>
          <span aria-hidden="true">/</span>
          <span aria-current="page">{templateId ? `#${templateId}` : "New"}</span>
        </nav>
        <h1>{templateId ? `Edit “${draft.name}”` : "New template"}</h1>
        <p className="muted">
          Steps are action proposals. Use <code>{"{{params.NAME}}"}</code> for a parameter given at run time
          and <code>{"{{steps.0.result.itemId}}"}</code> for what an earlier step produced.
        </p>
      </header>

      {general ? (
        <p className="notice notice-error" role="alert">
          {general}
        </p>
      ) : null}

      <Form
        method="post"
        className="stack"
        noValidate
        aria-label={templateId ? "Edit template" : "New template"}
      >
        <CsrfField />
        <section className="card panel stack">
          <div className="field">
            <label htmlFor="name">Name</label>
            <input id="name" name="name" defaultValue={draft.name} {...invalid("name", error("name"))} />
            <FieldError id="name-error" message={error("name")} />
          </div>
          <div className="field">
            <label htmlFor="description">Description</label>
            <textarea
              id="description"
              name="description"
              rows={2}
              defaultValue={draft.description}
              {...invalid("description", error("description"))}
            />
            <FieldError id="description-error" message={error("description")} />
          </div>
        </section>

        <fieldset className="card panel stack">
          <legend className="legend-heading">Parameters</legend>
          <p className="muted small">
            Asked for when the template is run. Leave a row's name empty to drop it.
          </p>
          {parameterRows.map((parameter, row) => (
            <TemplateParameterRow key={`parameters.${row}`} row={row} parameter={parameter} parameterTypes={options.parameterTypes} error={error} />
          ))}
          <button
            type="button"
            className="button button-ghost js-only"
            onClick={() => setExtraParameters((count) => count + 1)}
          >
            + Add a parameter
          </button>
        </fieldset>

        <fieldset className="card panel stack">
          <legend className="legend-heading">Steps</legend>
          <p className="muted small">
            Run in this order, each after the one before it has executed. Leave a row's action empty to drop
            it.
          </p>
          <FieldError id="steps-error" message={error("steps")} />
          {stepRows.map((step, row) => (
            <TemplateStepRow
              key={`steps.${row}`}
              row={row}
              step={step}
              actionTypes={options.actionTypes}
              targetTypes={options.targetTypes}
              fieldsByType={loaderData.fieldsByType}
              error={error}
            />
          ))}
          <button
            type="button"
            className="button button-ghost js-only"
            onClick={() => setExtraSteps((count) => count + 1)}
          >
            + Add a step
          </button>
        </fieldset>

        <div className="page-actions">
          <button
            type="submit"
            className="button button-primary"
            disabled={navigation.state === "submitting"}
          >
            {navigation.state === "submitting" ? "Saving…" : "Save template"}
          </button>
          <Link to="/templates" className="button button-ghost">
            Cancel
          </Link>
        </div>
      </Form>
    </div>
  );
}
