import { useCallback, useEffect, useRef, useState } from "react";
import { data, Form, Link, useNavigation } from "react-router";

import { approveAction, approveAndTrust, decideBatch, describeApprovals, describeExpiry, isCoreError, listActions, loadItemFacts, presentAction, rejectAction, SeparationOfDutiesError, type ActionView } from "@leash/core";

import { ActionCard, type InboxCard } from "../components/action-card.tsx";
import { BatchGroup } from "../components/batch-group.tsx";
import { CsrfField } from "../components/csrf-field.tsx";
import { CheckIcon, CrossIcon } from "../components/icons.tsx";
import { Notice } from "../components/notice.tsx";
import { plural } from "../lib/format.ts";
import { fieldError, formError, resultFor, type FormResult } from "../lib/form-result.ts";
import { useConsole } from "../lib/use-console.ts";
import { requireMutation, requireUser } from "../server/auth.server.ts";
import { loadOrFail, refusal } from "../server/core-errors.server.ts";
import { getDeps } from "../server/deps.server.ts";
import { formIntent, formNumber, formText } from "../server/form.server.ts";
import type { Route } from "./+types/inbox";

const INBOX_PAGE = 50;

export function meta() {
  return [{ title: "Inbox · Leash console" }];
}

export async function loader({ request }: Route.LoaderArgs) {
  const { actor } = await requireUser(request);
  const deps = getDeps();
  const page = await loadOrFail(() => listActions(deps, { actor, input: { status: "pending", limit: INBOX_PAGE } }));
  const facts = await loadItemFacts(deps.db, actor.tenantId, page.items);
  const now = deps.clock.now();
  const cards: InboxCard[] = page.items.map((action) => ({
    action,
    presentation: presentAction(action, facts),
    expiry: action.expiresAt ? describeExpiry(action.expiresAt, now) : null,
    approvals: action.approvals.required > 1 || action.approvals.count > 0 ? describeApprovals(action.approvals) : null,
  }));
  return { cards, more: page.nextCursor !== null };
}

/** Cards in inbox order, with the waiting actions of one batch or template run (two or more) kept together. */
function groupBatches(cards: readonly InboxCard[]): { batchId: string | null; cards: InboxCard[] }[] {
  const sizes = new Map<string, number>();
  for (const card of cards) if (card.action.batchId) sizes.set(card.action.batchId, (sizes.get(card.action.batchId) ?? 0) + 1);
  const groups: { batchId: string | null; cards: InboxCard[] }[] = [];
  const byBatch = new Map<string, { batchId: string; cards: InboxCard[] }>();
  for (const card of cards) {
    const batchId = card.action.batchId;
    if (batchId === null || (sizes.get(batchId) ?? 0) < 2) {
      groups.push({ batchId: null, cards: [card] });
      continue;
    }
    const group = byBatch.get(batchId);
    if (group) group.cards.push(card);
    else {
      const created = { batchId, cards: [card] };
      byBatch.set(batchId, created);
      groups.push(created);
    }
  }
  return groups;
}

const headlineOf = (action: ActionView) => `#${action.id} (${action.actionType}${action.targetType ? ` ${action.targetType}` : ""})`;

export async function action({ request }: Route.ActionArgs) {
  const { user, form } = await requireMutation(request);
  const { actor } = user;
  const deps = getDeps();
  const intent = formIntent(form, ["approve", "approve-trust", "reject", "approve-selected", "reject-selected", "approve-batch", "reject-batch"]);

  if (intent === "approve-batch" || intent === "reject-batch") {
    const batchId = formText(form, "batchId") ?? "";
    const key = `batch-${batchId}`;
    try {
      const reason = formText(form, "reason")?.trim();
      const { decided, refused, leftOut } = await decideBatch(deps, {
        actor,
        input: {
          batchId,
          decision: intent === "approve-batch" ? "approve" : "reject",
          ...(reason ? { reason } : {}),
          excludeActionIds: form.getAll("leaveOut").map((value) => Number(value)),
        },
      });
      const verb = intent === "approve-batch" ? "Approved" : "Rejected";
      const parts = [
        `${verb} ${plural(decided.length, "action")} of the batch.`,
        leftOut.length > 0 ? `Left out, still pending: ${leftOut.map((id) => `#${id}`).join(", ")}.` : "",
        ...refused.map((refusal) => refusal.message),
      ];
      const result: FormResult = { ok: true, form: key, message: parts.filter(Boolean).join(" ") };
      return result;
    } catch (error) {
      return refusal(error, key);
    }
  }

  if (intent === "approve-trust") {
    const actionId = formNumber(form, "actionId");
    const key = `decide-${actionId}`;
    try {
      const { action: approved, grant } = await approveAndTrust(deps, { actor, input: { actionId, days: formNumber(form, "days") } });
      const scope = `${grant.actionType} on ${grant.targetType ?? "any target"}`;
      const result: FormResult = {
        ok: true,
        form: key,
        message: `Approved ${headlineOf(approved)}; ${scope} from ${grant.proposer.label} is auto-approved until ${grant.expiresAt.slice(0, 16).replace("T", " ")} UTC.`,
      };
      return result;
    } catch (error) {
      return refusal(error, key);
    }
  }

  if (intent === "approve" || intent === "reject") {
    const actionId = formNumber(form, "actionId");
    const key = `decide-${actionId}`;
    try {
      const decided =
        intent === "approve"
          ? await approveAction(deps, { actor, input: { actionId } })
          : await rejectAction(deps, { actor, input: { actionId, reason: formText(form, "reason") ?? "" } });
      const verb = intent === "reject" ? "Rejected" : decided.status === "pending" ? `Your approval is recorded (${describeApprovals(decided.approvals)}) for` : "Approved";
      const result: FormResult = { ok: true, form: key, message: `${verb} ${headlineOf(decided)}.` };
      return result;
    } catch (error) {
      return refusal(error, key);
    }
  }

  const ids = form.getAll("actionId").map((value) => Number(value));
  if (ids.length === 0) {
    const result: FormResult = { ok: false, status: 400, form: "bulk", error: "Select at least one action first.", fieldErrors: {} };
    return data(result, { status: 400 });
  }
  const decided: number[] = [];
  const refused: string[] = [];
  for (const actionId of ids) {
    try {
      if (intent === "approve-selected") await approveAction(deps, { actor, input: { actionId } });
      else await rejectAction(deps, { actor, input: { actionId, reason: formText(form, "reason") ?? "" } });
      decided.push(actionId);
    } catch (error) {
      // A missing reason or permission fails the first action already, so nothing was decided: say so at once.
      // Separation of duties is about one action, not the person: the others are still decided.
      if (!isCoreError(error) || error.code === "INVALID" || (error.code === "FORBIDDEN" && !(error instanceof SeparationOfDutiesError))) return refusal(error, "bulk");
      refused.push(error.message);
    }
  }
  const verb = intent === "approve-selected" ? "Approved" : "Rejected";
  const result: FormResult = {
    ok: true,
    form: "bulk",
    message: [decided.length > 0 ? `${verb} ${plural(decided.length, "action")}.` : `Nothing was ${verb.toLowerCase()}.`, ...refused].join(" "),
  };
  return result;
}

export default function Inbox({ loaderData, actionData }: Route.ComponentProps) {
  const { cards, more } = loaderData;
  const { permissions, now } = useConsole();
  const navigation = useNavigation();
  const [selected, setSelected] = useState<ReadonlySet<number>>(new Set());
  const [announcement, setAnnouncement] = useState<FormResult | undefined>(undefined);
  const initialIds = useRef<ReadonlySet<number> | null>(null);
  initialIds.current ??= new Set(cards.map((card) => card.action.id));

  const visibleIds = new Set(cards.map((card) => card.action.id));
  const selectedIds = [...selected].filter((id) => visibleIds.has(id));
  const onSelect = useCallback((id: number, on: boolean) => {
    setSelected((current) => {
      const next = new Set(current);
      if (on) next.add(id);
      else next.delete(id);
      return next;
    });
  }, []);
  // A card's outcome is announced for the page (the card itself goes away); a field error stays on the card.
  const onDecided = useCallback((result: FormResult) => {
    if (result.ok || formError(result)) setAnnouncement(result);
  }, []);
  useEffect(() => setAnnouncement(undefined), [actionData]);
  const bulkResult = resultFor(actionData, "bulk");
  const cardRefusalShown = actionData?.ok === false && actionData.form?.startsWith("decide-") === true && visibleIds.has(Number(actionData.form.slice("decide-".length)));
  const postedIntent = navigation.formData?.get("intent");
  const bulkBusy = navigation.state === "submitting" && (postedIntent === "approve-selected" || postedIntent === "reject-selected");
  const bulkReasonError = fieldError(bulkResult, "reason");

  return (
    <div className="page">
      <header className="page-header">
        <div>
          <h1>Inbox</h1>
          <p className="muted" role="status" aria-live="polite" data-testid="inbox-summary">
            {cards.length === 0 ? "Nothing waiting for you." : `${plural(cards.length, "action")}${more ? "+" : ""} waiting for a decision, newest first.`}
          </p>
        </div>
      </header>

      <Notice result={announcement ?? (cardRefusalShown ? undefined : actionData)} />

      {permissions.decide && cards.length > 0 ? (
        <Form method="post" id="bulk" className="bulk-bar" aria-label="Decide on several actions" noValidate>
          <CsrfField />
          <label className="checkbox-label js-only">
            <input
              type="checkbox"
              checked={selectedIds.length === cards.length}
              onChange={(event) => setSelected(event.currentTarget.checked ? new Set(visibleIds) : new Set())}
            />
            Select all
          </label>
          <span className="muted small" aria-live="polite">
            {selectedIds.length > 0 ? `${selectedIds.length} selected` : <span className="bulk-hint">Select cards to decide on several at once</span>}
          </span>
          <div className="bulk-controls">
            <button type="submit" name="intent" value="approve-selected" className="button button-primary button-small" disabled={bulkBusy}>
              <CheckIcon />
              Approve selected
            </button>
            <div className="field field-inline">
              <label htmlFor="bulk-reason" className="visually-hidden">
                Reason for rejecting the selected actions
              </label>
              <input
                id="bulk-reason"
                name="reason"
                placeholder="Reason for rejecting"
                aria-invalid={bulkReasonError ? true : undefined}
                aria-describedby={bulkReasonError ? "bulk-reason-error" : undefined}
              />
            </div>
            <button type="submit" name="intent" value="reject-selected" className="button button-danger-outline button-small" disabled={bulkBusy}>
              <CrossIcon />
              Reject selected
            </button>
          </div>
          {bulkReasonError ? (
            <p className="field-error bulk-error" id="bulk-reason-error">
              {bulkReasonError}
            </p>
          ) : null}
        </Form>
      ) : null}

      {cards.length === 0 ? (
        <section className="empty-state">
          <div className="empty-illustration" aria-hidden="true">
            <CheckIcon />
          </div>
          <h2>Nothing waiting for you</h2>
          <p className="muted">New proposals from agents appear here as they arrive. Everything already decided is in the history.</p>
          <Link className="button button-ghost" to="/history">
            Open the history
          </Link>
        </section>
      ) : (
        <div className="card-list">
          {groupBatches(cards).map((group) => {
            const rendered = group.cards.map((card) => (
              <ActionCard
                key={card.action.id}
                card={card}
                now={now}
                canDecide={permissions.decide}
                isNew={!initialIds.current?.has(card.action.id)}
                selected={selected.has(card.action.id)}
                onSelect={onSelect}
                posted={resultFor(actionData, `decide-${card.action.id}`)}
                onDecided={onDecided}
              />
            ));
            if (group.batchId === null) return rendered;
            const batchBusy = navigation.state === "submitting" && navigation.formData?.get("batchId") === group.batchId;
            return (
              <BatchGroup
                key={group.batchId}
                batchId={group.batchId}
                cards={group.cards}
                canDecide={permissions.decide}
                busy={batchBusy}
                posted={resultFor(actionData, `batch-${group.batchId}`)}
              >
                {rendered}
              </BatchGroup>
            );
          })}
          {more ? (
            <p className="muted">
              More are waiting: see them all in the <Link to="/history?status=pending">history</Link>.
            </p>
          ) : null}
        </div>
      )}
    </div>
  );
}
