import { data, Link, Outlet, useNavigation, useSearchParams } from "react-router";

import { approveAction, can, canTransition, cancelAction, describeApprovals, getAction, loadItemFacts, presentAction, rejectAction, type ActionView } from "@leash/core";

import { ActionChangesPanel } from "../components/action-changes-panel.tsx";
import { ActionDecisionForms } from "../components/action-decision-forms.tsx";
import { ActionDetailHeader } from "../components/action-detail-header.tsx";
import { ActionFacts } from "../components/action-facts.tsx";
import { ActionParametersPanel } from "../components/action-parameters-panel.tsx";
import { ActionResultPanel } from "../components/action-result-panel.tsx";
import { CancelActionForm } from "../components/cancel-action-form.tsx";
import { UndoIcon } from "../components/icons.tsx";
import { Notice } from "../components/notice.tsx";
import { Timeline } from "../components/timeline.tsx";
import { executedChanges } from "../lib/executed-changes.ts";
import { fieldError, resultFor, type FormResult } from "../lib/form-result.ts";
import { consoleTitle } from "../lib/console-title.ts";
import { requireMutation, requireUser } from "../server/auth.server.ts";
import { loadOrFail, refusal } from "../server/core-errors.server.ts";
import { getDeps } from "../server/deps.server.ts";
import { formIntent, formText } from "../server/form.server.ts";
import { irreversibleGuard } from "../server/irreversible-guard.server.ts";
import { approveEdited, editForm, type EditedTyped } from "../server/edited-parameters.server.ts";
import { takeNotice } from "../server/session.server.ts";
import type { Route } from "./+types/action-detail";

export function meta({ params, matches }: Route.MetaArgs) {
  return [{ title: consoleTitle(`Action #${params.actionId}`, matches) }];
}

export async function loader({ request, params }: Route.LoaderArgs) {
  const { actor } = await requireUser(request);
  const deps = getDeps();
  const action = await loadOrFail(() => getAction(deps, { actor, input: { actionId: Number(params.actionId) } }));
  const facts = await loadItemFacts(deps.db, actor.tenantId, [action]);
  // Once it ran, the action reads as the change it made from what it found, like its Slack card.
  const presentation = presentAction(action, facts);
  const { notice, headers } = await takeNotice(request);
  const proposedByMe = action.proposedBy.kind === "user" && action.proposedBy.id === actor.userId;
  return data(
    {
      action,
      presentation,
      approvals: action.status === "pending" && (action.approvals.required > 1 || action.approvals.count > 0) ? describeApprovals(action.approvals) : null,
      changes: executedChanges(action) ?? presentation.changes,
      notice,
      // The form of "Edit parameters, then approve", built from the type's schema.
      edit: can(actor, "action.decide") && action.status === "pending" ? editForm(action) : null,
      show: {
        decide: can(actor, "action.decide") && action.status === "pending",
        cancel: canTransition(action.status, "cancelled") && (can(actor, "action.cancel_any") || proposedByMe),
        // An undo is not rolled back itself (core refuses): the change is proposed again instead.
        rollback: can(actor, "action.roll_back") && action.status === "executed" && action.rollbackActionId === null && action.rollbackOfId === null,
      },
    },
    headers ? { headers } : undefined,
  );
}

export async function action({ request, params }: Route.ActionArgs) {
  const { user, form } = await requireMutation(request);
  const { actor } = user;
  const deps = getDeps();
  const intent = formIntent(form, ["approve", "approve-edited", "reject", "cancel"]);
  const actionId = Number(params.actionId);
  const reason = formText(form, "reason");
  try {
    if (intent === "approve") {
      const guard = await irreversibleGuard(deps, actor, actionId, formText(form, "confirm"), intent);
      if (guard) return guard;
      return approved(await approveAction(deps, { actor, input: { actionId } }), intent);
    }
    if (intent === "approve-edited") {
      const guard = await irreversibleGuard(deps, actor, actionId, formText(form, "confirm"), intent);
      if (guard) return guard;
      const edited = await approveEdited(deps, actor, actionId, form);
      return "action" in edited ? approved(edited.action, intent) : edited;
    }
    if (intent === "reject") {
      await rejectAction(deps, { actor, input: { actionId, reason: reason ?? "" } });
      return ok(`Rejected #${actionId}.`, intent);
    }
    await cancelAction(deps, { actor, input: { actionId, ...(reason?.trim() ? { reason } : {}) } });
    return ok(`Cancelled #${actionId}; it will not run.`, intent);
  } catch (error) {
    return refusal(error, intent);
  }
}

function ok(message: string, form: string): FormResult {
  return { ok: true, message, form };
}

/** A quorum's answer says how far it got: "1 of 2 approvals", or that it is queued. */
function approved(action: ActionView, form: string): FormResult {
  return action.status === "pending"
    ? ok(`Your approval of #${action.id} is recorded: ${describeApprovals(action.approvals)}; it runs once the rest approve.`, form)
    : ok(`Approved #${action.id}; it is queued to run.`, form);
}

export default function ActionDetail({ loaderData, actionData }: Route.ComponentProps) {
  const { action, presentation, approvals, changes, notice, edit, show } = loaderData;
  const navigation = useNavigation();
  // The inbox's "e" (edit and approve) opens this page with the parameters' form open.
  const [searchParams] = useSearchParams();
  const editing = searchParams.has("edit");
  const posting = navigation.state === "submitting" ? navigation.formData?.get("intent") : undefined;
  const rejectError = fieldError(resultFor(actionData, "reject"), "reason");
  const confirmError = fieldError(resultFor(actionData, "approve"), "confirm");
  const editResult = resultFor(actionData, "approve-edited");
  // A refused edit shows under its fields, with what was typed; a refusal about no field is announced.
  const editRefused = editResult !== undefined && !editResult.ok && Object.keys(editResult.fieldErrors).length > 0;
  // Only a refused edit answers with what was typed (React Router types the other answers' lack of it as unknown).
  const typed = actionData && "typed" in actionData ? (actionData.typed as EditedTyped) : undefined;
  const announced: FormResult | undefined = (rejectError || confirmError || editRefused ? undefined : actionData) ?? (notice ? { ok: true, message: notice } : undefined);

  return (
    <div className="page">
      <ActionDetailHeader action={action} headline={presentation.headline} approvals={approvals} />

      <Notice result={announced} />

      <div className="detail-grid">
        <div className="detail-main">
          <ActionChangesPanel changes={changes} presentation={presentation} executedAt={action.executedAt} />

          <ActionParametersPanel parameters={action.parameters} originalParameters={action.originalParameters} />

          <ActionResultPanel status={action.status} result={action.result} errorMessage={action.errorMessage} />

          <section className="card panel" aria-labelledby="timeline-heading">
            <h2 id="timeline-heading">Timeline</h2>
            <Timeline events={action.timeline} />
          </section>
        </div>

        <aside className="detail-side">
          {show.decide || show.cancel || show.rollback ? (
            <section className="card panel" aria-labelledby="decide-heading">
              <h2 id="decide-heading">{show.decide ? "Decide" : "Actions"}</h2>
              <div className="side-actions">
                {show.decide ? (
                  <ActionDecisionForms
                    actionId={action.id}
                    reversible={presentation.reversible.reversible}
                    edit={edit}
                    typed={typed}
                    editing={editing}
                    editResult={editResult}
                    editRefused={editRefused}
                    confirmError={confirmError}
                    rejectError={rejectError}
                    busy={posting !== undefined}
                  />
                ) : null}
                {show.cancel ? <CancelActionForm cancelling={posting === "cancel"} /> : null}
                {show.rollback ? (
                  <Link to="rollback" className="button button-danger-outline" preventScrollReset>
                    <UndoIcon />
                    Roll back…
                  </Link>
                ) : null}
              </div>
            </section>
          ) : null}

          <ActionFacts action={action} target={presentation.target} />
        </aside>
      </div>
      <Outlet />
    </div>
  );
}
