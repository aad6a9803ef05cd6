import type { FetcherWithComponents } from "react-router";

import type { ActionPresentation, ActionView, InboxEntry, InboxGroup } from "@leash/core";

import type { FormResult } from "./form-result.ts";

/** The fields of an action the inbox's list and detail show: of its proposer the name, of its approvals who gave them. */
export interface TriageAction
  extends Pick<ActionView, "id" | "actionType" | "targetType" | "targetId" | "reason" | "createdAt" | "expiresAt" | "escalatedTo" | "templateStep"> {
  proposedBy: { label: string };
  approvers: string[];
}

/**
 * Only what the inbox shows of an action goes to the page: a full inbox is 500 of them, and every
 * other field (results, rollback data, the fields a pending action has not reached yet) would be
 * serialised into the document and decoded again before the page can hydrate.
 */
export function toTriageAction(action: ActionView): TriageAction {
  const { id, actionType, targetType, targetId, reason, proposedBy, approvals, createdAt, expiresAt, escalatedTo, templateStep } = action;
  return {
    id,
    actionType,
    targetType,
    targetId,
    reason,
    proposedBy: { label: proposedBy.label },
    approvers: approvals.approvers.map((approver) => approver.label),
    createdAt,
    expiresAt,
    escalatedTo,
    templateStep,
  };
}

/** What the list and the head of the detail show of an action's presentation, for every listed action. */
export type RowPresentation = Pick<ActionPresentation, "headline" | "reversible">;

/** What only the detail of a selected action shows: loaded for the selection and its neighbours, not for the whole list. */
export type DetailPresentation = Pick<ActionPresentation, "target" | "changes" | "details" | "code">;

export const toRowPresentation = ({ headline, reversible }: ActionPresentation): RowPresentation => ({ headline, reversible });

export const toDetailPresentation = ({ target, changes, details, code }: ActionPresentation): DetailPresentation => ({ target, changes, details, code });

/**
 * An inbox entry as the page shows it: core's entry, its action and presentation cut to what the
 * list shows, with its deadline and quorum in words as of the loader's clock.
 */
export interface TriageEntry extends Omit<InboxEntry, "action" | "presentation"> {
  action: TriageAction;
  presentation: RowPresentation;
  /** "expires in 1 h 20 min"; null without a time limit. */
  expiry: string | null;
  /** A quorum's progress, "1 of 2 approvals"; null for a single approver not yet given. */
  approvals: string | null;
}

/** The groups in the order the page lists them: what waits for the reader first. */
export const GROUPS: readonly { group: InboxGroup; title: string; empty: string }[] = [
  { group: "needs_you", title: "Needs you", empty: "Nothing waiting for you" },
  { group: "you_approved", title: "You already approved", empty: "" },
  { group: "you_proposed", title: "You proposed", empty: "" },
  { group: "waiting_on_others", title: "Waiting on others", empty: "" },
];

/** Consecutive rows of one group: a lone action, or the waiting steps of one batch or template run, in step order. */
export interface RowBlock {
  run: { batchId: string; templateName: string | null } | null;
  entries: TriageEntry[];
}

/**
 * One group's entries as blocks in inbox order (newest first), the waiting members of one batch
 * or template run (two or more) kept together where the newest of them stands, in step order.
 */
export function blocksOf(entries: readonly TriageEntry[]): RowBlock[] {
  const sizes = new Map<string, number>();
  for (const entry of entries) if (entry.run) sizes.set(entry.run.batchId, (sizes.get(entry.run.batchId) ?? 0) + 1);
  const blocks: RowBlock[] = [];
  const byRun = new Map<string, RowBlock>();
  for (const entry of entries) {
    const run = entry.run;
    if (run === null || (sizes.get(run.batchId) ?? 0) < 2) {
      blocks.push({ run: null, entries: [entry] });
      continue;
    }
    const block = byRun.get(run.batchId);
    if (block) block.entries.push(entry);
    else {
      const created: RowBlock = { run, entries: [entry] };
      byRun.set(run.batchId, created);
      blocks.push(created);
    }
  }
  const stepOf = (entry: TriageEntry) => entry.action.templateStep ?? entry.action.id;
  for (const block of byRun.values()) block.entries.sort((one, other) => stepOf(one) - stepOf(other));
  return blocks;
}

/** Every group with its blocks, and the entries in the order j/k walk them. */
export function arrange(entries: readonly TriageEntry[]) {
  const groups = GROUPS.map((group) => ({ ...group, blocks: blocksOf(entries.filter((entry) => entry.group === group.group)) }));
  const order = groups.flatMap((group) => group.blocks.flatMap((block) => block.entries));
  return { groups, order };
}

/** The selection: the asked one while it is listed, else the first that needs the reader, else the first. */
export function selectionIn(order: readonly TriageEntry[], asked: number): TriageEntry | undefined {
  return order.find((entry) => entry.action.id === asked) ?? order.find((entry) => entry.group === "needs_you") ?? order[0];
}

/** The selection and the ones j, k or a decision reach next, whose detail is loaded ahead of time. */
export function aroundSelection(order: readonly TriageEntry[], id: number): number[] {
  const index = order.findIndex((entry) => entry.action.id === id);
  if (index < 0) return [];
  return [order[index], order[index + 1], order[index + 2], order[index - 1]].flatMap((entry) => (entry ? [entry.action.id] : []));
}

/** Rows the list renders at first, and adds each time the reader reaches its end: hydrating 500 rows would take longer than reading the first ones. */
export const WINDOW_ROWS = 50;

/** How many rows of `order` the list renders: at least `shown`, and always a few past the selection. */
export function windowEnd(order: readonly TriageEntry[], selectedId: number | null, shown: number): number {
  const index = order.findIndex((entry) => entry.action.id === selectedId);
  return Math.min(order.length, Math.max(shown, index + 1 + WINDOW_ROWS / 5));
}

/** A group as the list renders it: its blocks cut to the window, with each group's and block's full size. */
export function windowOf(groups: ReturnType<typeof arrange>["groups"], rows: number) {
  let left = rows;
  return groups.map((group) => {
    const blocks: (RowBlock & { size: number })[] = [];
    for (const block of group.blocks) {
      if (left <= 0) break;
      blocks.push({ ...block, entries: block.entries.slice(0, left), size: block.entries.length });
      left -= block.entries.length;
    }
    return { ...group, blocks, size: group.blocks.reduce((sum, block) => sum + block.entries.length, 0) };
  });
}

/**
 * The entry to select once `id` is decided: in the list as it was when the decision was posted, the
 * first one after it that is still listed, else the nearest before it.
 */
export function nextAfter(order: readonly TriageEntry[], id: number, listed: (id: number) => boolean): number | null {
  const index = order.findIndex((entry) => entry.action.id === id);
  const candidates = [...order.slice(index + 1), ...order.slice(0, Math.max(index, 0)).reverse()];
  return candidates.find((entry) => entry.action.id !== id && listed(entry.action.id))?.action.id ?? null;
}

/** Whether approving it takes a deliberate confirmation (and keeps it out of Select all and Approve and trust). */
export const irreversible = (entry: TriageEntry) => !entry.presentation.reversible.reversible;

/**
 * Whether the decision `decider` posted still waits for its answer (posting another would drop it).
 * The fetcher's data can hold the answer before its state leaves "submitting": the answer is what counts.
 */
export function awaitingAnswer(decider: Pick<FetcherWithComponents<FormResult>, "state" | "data" | "formData">): boolean {
  const postedId = decider.formData?.get("actionId");
  return decider.state === "submitting" && decider.data?.form !== `decide-${typeof postedId === "string" ? postedId : ""}`;
}
