import type { ActionView, InboxEntry, InboxGroup } from "@leash/core";

/** The fields of an action the inbox's list and detail show. */
export type TriageAction = Pick<
  ActionView,
  "id" | "actionType" | "targetType" | "targetId" | "reason" | "status" | "proposedBy" | "approvals" | "createdAt" | "expiresAt" | "escalatedTo" | "templateStep"
>;

/**
 * Only what the inbox shows of an action goes to the page: a full inbox is 500 of them, and every
 * other field (results, rollback data, the fields a pending action has not reached yet) would be
 * serialised into the document and decoded again before the page can hydrate.
 */
export function toTriageAction(action: ActionView): TriageAction {
  const { id, actionType, targetType, targetId, reason, status, proposedBy, approvals, createdAt, expiresAt, escalatedTo, templateStep } = action;
  return { id, actionType, targetType, targetId, reason, status, proposedBy, approvals, createdAt, expiresAt, escalatedTo, templateStep };
}

/** An inbox entry as the page shows it: core's entry, its action cut to what the page shows, with its deadline and quorum in words as of the loader's clock. */
export interface TriageEntry extends Omit<InboxEntry, "action"> {
  action: TriageAction;
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
