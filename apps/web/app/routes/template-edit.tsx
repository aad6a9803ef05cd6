import { useState } from "react";
import { data, Form, Link, redirect, useNavigation } from "react-router";

import {
  actionTypeNames,
  createTemplate,
  createTemplateInputSchema,
  getTemplate,
  targetTypeSchema,
  templateParameterTypes,
  updateTemplate,
  updateTemplateInputSchema,
} from "@leash/core";

import { CsrfField } from "../components/csrf-field.tsx";
import { FieldError, invalid } from "../components/field-error.tsx";
import { fieldError, type FormResult } from "../lib/form-result.ts";
import { draftOf, emptyDraft, type TemplateDraft } from "../lib/template-draft.ts";
import { requireMutation, requireUser } from "../server/auth.server.ts";
import { loadOrFail, refusal } from "../server/core-errors.server.ts";
import { getDeps } from "../server/deps.server.ts";
import { checkForm } from "../server/form.server.ts";
import { flashNotice } from "../server/session.server.ts";
import { draftFromForm, templateInput } from "../server/template-form.server.ts";
import type { Route } from "./+types/template-edit";

export function meta({ params }: Route.MetaArgs) {
  return [
    {
      title: params.templateId
        ? `Edit template #${params.templateId} · Leash console`
        : "New template · Leash console",
    },
  ];
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
    draft: template ? draftOf(template) : emptyDraft,
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
  const { definition, jsonErrors, fieldOf } = templateInput(draft);
  const refused = (error: unknown) => {
    const answer = refusal(error, undefined, fieldOf);
    return data({ ...answer.data, draft }, answer.init ?? undefined);
  };
  if (Object.keys(jsonErrors).length > 0) {
    const result: FormResult = {
      ok: false,
      status: 400,
      error: "Some step parameters are not valid JSON.",
      fieldErrors: jsonErrors,
    };
    return data({ ...result, draft }, { status: 400 });
  }
  const deps = getDeps();
  let saved: { id: number; name: string };
  if (params.templateId) {
    const checked = checkForm(updateTemplateInputSchema, {
      templateId: Number(params.templateId),
      ...definition,
    });
    if (!checked.ok) return refused(checked.error);
    try {
      saved = await updateTemplate(deps, { actor: user.actor, input: checked.data });
    } catch (error) {
      return refused(error);
    }
  } else {
    const checked = checkForm(createTemplateInputSchema, definition);
    if (!checked.ok) return refused(checked.error);
    try {
      saved = await createTemplate(deps, { actor: user.actor, input: checked.data });
    } catch (error) {
      return refused(error);
    }
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
  const parameterRows = [
    ...draft.parameters,
    ...Array.from({ length: extraParameters }, () => ({
      name: "",
      type: "string",
      required: true,
      default: "",
      description: "",
    })),
  ];
  const stepRows = [
    ...draft.steps,
    ...Array.from({ length: extraSteps }, () => ({
      actionType: "",
      targetType: "",
      targetId: "",
      parameters: "",
      reason: "",
    })),
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
          {parameterRows.map((parameter, row) => {
            const key = `parameters.${row}`;
            return (
              <div key={key} className="row-grid row-grid-parameters" data-row={key}>
                <div className="field">
                  <label htmlFor={`${key}.name`}>Parameter {row + 1} name</label>
                  <input
                    id={`${key}.name`}
                    name={`${key}.name`}
                    defaultValue={parameter.name}
                    {...invalid(`${key}.name`, error(`${key}.name`))}
                  />
                  <FieldError id={`${key}.name-error`} message={error(`${key}.name`)} />
                </div>
                <div className="field">
                  <label htmlFor={`${key}.type`}>Type</label>
                  <select id={`${key}.type`} name={`${key}.type`} defaultValue={parameter.type}>
                    {options.parameterTypes.map((type) => (
                      <option key={type} value={type}>
                        {type}
                      </option>
                    ))}
                  </select>
                </div>
                <div className="field">
                  <label htmlFor={`${key}.default`}>Default</label>
                  <input
                    id={`${key}.default`}
                    name={`${key}.default`}
                    defaultValue={parameter.default}
                    {...invalid(`${key}.default`, error(`${key}.default`))}
                  />
                  <FieldError id={`${key}.default-error`} message={error(`${key}.default`)} />
                </div>
                <label className="checkbox-label">
                  <input type="checkbox" name={`${key}.required`} defaultChecked={parameter.required} />
                  Required
                </label>
              </div>
            );
          })}
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
          {stepRows.map((step, row) => {
            const key = `steps.${row}`;
            return (
              <div key={key} className="step-row stack" data-row={key}>
                <p className="eyebrow">Step {row + 1}</p>
                <div className="row-grid">
                  <div className="field">
                    <label htmlFor={`${key}.actionType`}>Action</label>
                    <select
                      id={`${key}.actionType`}
                      name={`${key}.actionType`}
                      defaultValue={step.actionType}
                      {...invalid(`${key}.actionType`, error(`${key}.actionType`))}
                    >
                      <option value="">(none)</option>
                      {options.actionTypes.map((type) => (
                        <option key={type} value={type}>
                          {type}
                        </option>
                      ))}
                    </select>
                    <FieldError id={`${key}.actionType-error`} message={error(`${key}.actionType`)} />
                  </div>
                  <div className="field">
                    <label htmlFor={`${key}.targetType`}>Target type</label>
                    <select
                      id={`${key}.targetType`}
                      name={`${key}.targetType`}
                      defaultValue={step.targetType}
                      {...invalid(`${key}.targetType`, error(`${key}.targetType`))}
                    >
                      <option value="">(none)</option>
                      {options.targetTypes.map((type) => (
                        <option key={type} value={type}>
                          {type}
                        </option>
                      ))}
                    </select>
                    <FieldError id={`${key}.targetType-error`} message={error(`${key}.targetType`)} />
                  </div>
                  <div className="field">
                    <label htmlFor={`${key}.targetId`}>Target id</label>
                    <input
                      id={`${key}.targetId`}
                      name={`${key}.targetId`}
                      defaultValue={step.targetId}
                      placeholder="12 or {{params.projectId}}"
                      {...invalid(`${key}.targetId`, error(`${key}.targetId`))}
                    />
                    <FieldError id={`${key}.targetId-error`} message={error(`${key}.targetId`)} />
                  </div>
                </div>
                <div className="field">
                  <label htmlFor={`${key}.parameters`}>Parameters (JSON)</label>
                  <textarea
                    id={`${key}.parameters`}
                    name={`${key}.parameters`}
                    rows={3}
                    className="mono"
                    defaultValue={step.parameters}
                    placeholder={'{"title": "{{params.name}}"}'}
                    {...invalid(`${key}.parameters`, error(`${key}.parameters`))}
                  />
                  <FieldError id={`${key}.parameters-error`} message={error(`${key}.parameters`)} />
                </div>
                <div className="field">
                  <label htmlFor={`${key}.reason`}>Reason (optional)</label>
                  <input id={`${key}.reason`} name={`${key}.reason`} defaultValue={step.reason} />
                </div>
              </div>
            );
          })}
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
