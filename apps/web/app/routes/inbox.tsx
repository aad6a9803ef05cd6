import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import { Link, useFetcher, useNavigate, useRouteLoaderData, useSearchParams } from "react-router";

import { describeApprovals, describeExpiry, listInbox } from "@leash/core";

import { CheckIcon } from "../components/icons.tsx";
import { KeyboardHelp } from "../components/keyboard-help.tsx";
import { Toasts, type Toast } from "../components/toasts.tsx";
import { BulkResults, TriageBulkBar } from "../components/triage-bulk-bar.tsx";
import { TriageDetail } from "../components/triage-detail.tsx";
import { TriageList, TriageMoreRows } from "../components/triage-list.tsx";
import { plural } from "../lib/format.ts";
import { CSRF_FIELD, resultFor, type FormResult } from "../lib/form-result.ts";
import {
  aroundSelection,
  arrange,
  awaitingAnswer,
  irreversible,
  nextAfter,
  selectionIn,
  toDetailPresentation,
  toRowPresentation,
  toTriageAction,
  windowEnd,
  windowOf,
  WINDOW_ROWS,
  type DetailPresentation,
  type TriageEntry,
} from "../lib/triage.ts";
import { consoleTitle } from "../lib/console-title.ts";
import { useConsole } from "../lib/use-console.ts";
import { useEachAnswer } from "../lib/use-each-answer.ts";
import { useTriageDetails } from "../lib/use-triage-details.ts";
import { useTriageKeys } from "../lib/use-triage-keys.ts";
import type { loader as rootLoader } from "../root.tsx";
import { requireMutation, requireUser } from "../server/auth.server.ts";
import { loadOrFail } from "../server/core-errors.server.ts";
import { getDeps } from "../server/deps.server.ts";
import { decideFromInbox } from "../server/inbox-decisions.server.ts";
import type { Route } from "./+types/inbox";

export function meta({ matches }: Route.MetaArgs) {
  return [{ title: consoleTitle("Inbox", matches) }];
}

export async function loader({ request }: Route.LoaderArgs) {
  const { actor } = await requireUser(request);
  const deps = getDeps();
  const inbox = await loadOrFail(() => listInbox(deps, { actor }));
  const now = deps.clock.now();
  const entries: TriageEntry[] = inbox.entries.map((entry) => ({
    ...entry,
    action: toTriageAction(entry.action),
    presentation: toRowPresentation(entry.presentation),
    expiry: entry.action.expiresAt ? describeExpiry(entry.action.expiresAt, now) : null,
    approvals: entry.action.approvals.required > 1 || entry.action.approvals.count > 0 ? describeApprovals(entry.action.approvals) : null,
  }));
  // The detail of what the page opens on and of its neighbours; the others' is fetched as the selection moves.
  const { order } = arrange(entries);
  const opened = selectionIn(order, Number(new URL(request.url).searchParams.get("selected") ?? Number.NaN));
  const near = new Set(opened ? aroundSelection(order, opened.action.id) : []);
  const details: Record<number, DetailPresentation> = {};
  for (const entry of inbox.entries) if (near.has(entry.action.id)) details[entry.action.id] = toDetailPresentation(entry.presentation);
  return { entries, more: inbox.more, details };
}

export async function action({ request }: Route.ActionArgs) {
  const { user, form } = await requireMutation(request);
  return decideFromInbox(getDeps(), user.actor, form);
}

export default function Inbox({ loaderData, actionData }: Route.ComponentProps) {
  const { entries, more, details } = loaderData;
  const csrf = useRouteLoaderData<typeof rootLoader>("root")?.csrf ?? "";
  const { permissions } = useConsole();
  const navigate = useNavigate();
  const [searchParams] = useSearchParams();
  const decider = useFetcher<FormResult>({ key: "triage-decide" });
  const bulk = useFetcher<FormResult>({ key: "triage-bulk" });
  const batcher = useFetcher<FormResult>({ key: "triage-batch" });
  const [checked, setChecked] = useState<ReadonlySet<number>>(new Set());
  const [toasts, setToasts] = useState<Toast[]>([]);
  const [helpOpen, setHelpOpen] = useState(false);
  const toastCount = useRef(0);

  const { groups, order } = useMemo(() => arrange(entries), [entries]);
  const byId = useMemo(() => new Map(order.map((entry) => [entry.action.id, entry])), [order]);
  // The selection is in the address (a link or a reload opens it), kept by the page between navigations.
  const inAddress = Number(searchParams.get("selected") ?? Number.NaN);
  const [asked, setAsked] = useState(inAddress);
  useEffect(() => setAsked(inAddress), [inAddress]);
  const open = byId.has(asked);
  const selected = selectionIn(order, asked);
  const selectedId = selected?.action.id ?? null;
  const known = useTriageDetails(details, selectedId === null ? [] : aroundSelection(order, selectedId));

  // The rows rendered: a window from the top that grows as the reader scrolls or moves down (`?rows=` without scripts).
  const [shownRows, setShownRows] = useState(() => Math.max(WINDOW_ROWS, Number(searchParams.get("rows")) || 0));
  const rows = windowEnd(order, selectedId, shownRows);
  useEffect(() => {
    if (rows > shownRows) setShownRows(rows);
  }, [rows, shownRows]);
  const windowed = useMemo(() => windowOf(groups, rows), [groups, rows]);
  const shownIds = useMemo(() => new Set(order.slice(0, rows).map((entry) => entry.action.id)), [order, rows]);

  // Moving the selection only changes what the page shows: the address is rewritten in place rather
  // navigated to, so no loader runs again for a keystroke (the router's own state is kept as it is).
  const select = useCallback((id: number | null) => {
    setAsked(id ?? Number.NaN);
    window.history.replaceState(window.history.state, "", id === null ? "/" : `/?selected=${id}`);
  }, []);
  const toast = useCallback((result: FormResult) => {
    toastCount.current += 1;
    const id = toastCount.current;
    setToasts((current) => [{ id, result }, ...current].slice(0, 3));
  }, []);

  // The list as it was when a decision was posted: once it is answered, the list no longer holds the decided action.
  const orderWhenPosted = useRef(order);
  // Only a new answer moves on: later renders of the same one (a new selection, a revalidation) must not.
  useEachAnswer(decider.data, (result) => {
    toast(result);
    const decidedId = result.ok && result.form?.startsWith("decide-") ? Number(result.form.slice("decide-".length)) : null;
    if (decidedId !== null && decidedId === selectedId) {
      const next = nextAfter(orderWhenPosted.current, decidedId, (id) => byId.has(id));
      if (next !== null) select(next);
    }
  });
  useEffect(() => {
    if (decider.state === "idle") orderWhenPosted.current = order;
  }, [decider.state, order]);
  // A bulk answer is settled once the list it changed has loaded again (the fetcher is idle).
  useEachAnswer(bulk.state === "idle" ? bulk.data : undefined, (result) => {
    toast(result);
    // Decided ones leave the selection, and so do refused ones no longer listed; the rest stay selected.
    const settled = new Set(result.ok ? (result.outcomes ?? []).filter((outcome) => outcome.ok || !byId.has(outcome.actionId)).map((outcome) => outcome.actionId) : []);
    setChecked((current) => new Set([...current].filter((id) => !settled.has(id))));
  });
  useEachAnswer(batcher.data, toast);
  useEffect(() => {
    if (selectedId !== null) document.querySelector(`[data-row-id="${selectedId}"]`)?.scrollIntoView({ block: "nearest" });
  }, [selectedId]);

  const canDecide = permissions.decide;
  const decidable = (entry: TriageEntry) => canDecide && entry.refusal === null;
  const onCheck = useCallback((id: number, on: boolean) => {
    setChecked((current) => {
      const next = new Set(current);
      if (on) next.add(id);
      else next.delete(id);
      return next;
    });
  }, []);
  const selectable = order.filter((entry) => decidable(entry) && !irreversible(entry)).map((entry) => entry.action.id);
  const checkedIds = [...checked];

  useTriageKeys({
    move: (by) => {
      const index = order.findIndex((entry) => entry.action.id === selectedId);
      select(order[index + by]?.action.id ?? selectedId);
    },
    approve: () => {
      if (!selected) return;
      if (!decidable(selected)) {
        if (selected.refusal) toast({ ok: false, status: 403, error: `${selected.refusal}.`, fieldErrors: {} });
        return;
      }
      // What cannot be undone is never approved by one key: the key opens its confirmation.
      if (irreversible(selected)) document.getElementById("triage-confirm")?.focus();
      // While the last answer's list is still loading, a new decision may go ahead; not while one waits for
      // its answer (posting again would drop it). Posted from the row's facts, so it does not wait for the detail.
      else if (!awaitingAnswer(decider)) void decider.submit({ [CSRF_FIELD]: csrf, intent: "approve", actionId: String(selected.action.id) }, { method: "post" });
    },
    reject: () => {
      if (selected && decidable(selected)) document.getElementById("triage-reason")?.focus();
    },
    edit: () => {
      if (selected && decidable(selected)) void navigate(`/actions/${selected.action.id}?edit`);
    },
    toggle: () => {
      if (selected && selectable.includes(selected.action.id)) onCheck(selected.action.id, !checked.has(selected.action.id));
    },
    open: () => {
      if (selected) void navigate(`/actions/${selected.action.id}`);
    },
    help: () => setHelpOpen(true),
  });

  const needsYou = order.filter((entry) => entry.group === "needs_you").length;
  const shownToasts = toasts.length > 0 ? toasts : actionData ? [{ id: 0, result: actionData }] : [];
  const posted = resultFor(actionData, `decide-${selectedId ?? ""}`);
  const answer = decider.data?.form === `decide-${selectedId ?? ""}` ? decider.data : posted;

  return (
    <div className="page page-triage">
      <header className="page-header">
        <div>
          <h1>Inbox</h1>
          <p className="muted" role="status" aria-live="polite" data-testid="inbox-summary">
            {entries.length === 0
              ? "Nothing waiting for you."
              : `${plural(needsYou, "action")} waiting for you, ${entries.length}${more ? "+" : ""} pending in all.`}
          </p>
        </div>
        <button type="button" className="button button-ghost button-small js-only" onClick={() => setHelpOpen(true)} aria-keyshortcuts="?">
          Keyboard shortcuts <kbd>?</kbd>
        </button>
      </header>

      <Toasts toasts={shownToasts} onDismiss={(id) => setToasts((current) => current.filter((entry) => entry.id !== id))} />

      {canDecide && entries.length > 0 ? (
        <TriageBulkBar
          fetcher={bulk}
          selectable={selectable}
          checked={checkedIds}
          onSelectAll={(on) => setChecked(on ? new Set(selectable) : new Set())}
          unshown={checkedIds.filter((id) => !shownIds.has(id))}
        />
      ) : null}
      <BulkResults result={bulk.data ?? resultFor(actionData, "bulk")} />

      {entries.length === 0 ? (
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
        <div className="triage" data-open={open ? "" : undefined}>
          <nav className="triage-list" aria-label="Waiting actions" data-listed={order.length}>
            <TriageList groups={windowed} selectedId={selectedId} checked={checked} canDecide={canDecide} onCheck={onCheck} onSelect={select} />
            {rows < order.length ? (
              <TriageMoreRows
                href={`/?rows=${rows + WINDOW_ROWS}${selectedId !== null ? `&selected=${selectedId}` : ""}`}
                hidden={order.length - rows}
                onMore={() => setShownRows((current) => Math.max(current, rows) + WINDOW_ROWS)}
              />
            ) : null}
            {more ? (
              <p className="muted small">
                More are waiting: see them all in the <Link to="/history?status=pending">history</Link>.
              </p>
            ) : null}
          </nav>
          <div className="triage-pane">
            {selected ? (
              <TriageDetail
                key={selected.action.id}
                entry={selected}
                detail={known.get(selected.action.id)}
                runMembers={selected.run ? order.filter((entry) => entry.run?.batchId === selected.run?.batchId) : []}
                canDecide={canDecide}
                decider={decider}
                onBack={() => select(null)}
                result={answer}
                batcher={batcher}
              />
            ) : null}
          </div>
        </div>
      )}
      <KeyboardHelp open={helpOpen} onClose={() => setHelpOpen(false)} />
    </div>
  );
}
