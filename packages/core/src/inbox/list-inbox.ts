import { z } from "zod";

import type { Actor } from "../actor.ts";
import { assertCan } from "../authorization.ts";
import type { CoreDeps } from "../deps.ts";
import { parseInput } from "../validation.ts";
import { actionIdSchema } from "../actions/action-inputs.ts";
import { toActionView, type ActionView } from "../actions/action-view.ts";
import { readPendingToDecide } from "../decisions/approval-statements.ts";
import { decisionRefusalFor, type DecisionRefusal } from "../decisions/decision-refusal-for.ts";
import { readProposalContext } from "../proposals/proposal-context.ts";
import { loadItemFacts, presentAction, type ActionPresentation } from "../presentation/action-presentation.ts";
import type { RunStep } from "../presentation/step-references.ts";
import { trustRefusal } from "../trust/trust-refusal.ts";

/** Enough for a day of an approver's work on one page; beyond it the history lists the rest. */
export const INBOX_LIMIT = 500;

export const listInboxInputSchema = z.object({
  limit: z.int().min(1).max(INBOX_LIMIT).default(INBOX_LIMIT),
  /** Only these of the pending actions (the console fetches the detail of the ones a reader selects); absent: all. */
  actionIds: z.array(actionIdSchema).min(1).max(INBOX_LIMIT).optional(),
});
export type ListInboxInput = z.input<typeof listInboxInputSchema>;

/**
 * Where an action sits for its reader: `needs_you` (the decision waits for them), `you_approved`
 * (their approval is in, the quorum waits for others), `you_proposed` (separation of duties bars
 * them), `waiting_on_others` (their role does not decide).
 */
export type InboxGroup = "needs_you" | "waiting_on_others" | "you_proposed" | "you_approved";

const groupOf: Record<DecisionRefusal["kind"], InboxGroup> = {
  already_approved: "you_approved",
  proposed_by_you: "you_proposed",
  role: "waiting_on_others",
  not_pending: "waiting_on_others",
};

export interface InboxRun {
  batchId: string;
  /** The template's name for a template run; null for a batch an agent proposed. */
  templateName: string | null;
}

export interface InboxEntry {
  action: ActionView;
  presentation: ActionPresentation;
  group: InboxGroup;
  /** Why the reader may not approve it now, in one sentence; null when it waits for them. */
  refusal: string | null;
  /** Why "approve and trust" is not offered for it; null when it may be. */
  trustRefusal: string | null;
  run: InboxRun | null;
}

export interface Inbox {
  entries: InboxEntry[];
  /** More actions wait than the page holds. */
  more: boolean;
}

/**
 * The pending actions of the reader's tenant, newest first, each with how a person reads it and
 * whether it waits for this reader (and why not), from the rules approveAction enforces. A fixed
 * number of statements whatever the page holds (actions with their approvals and separation-of-duties
 * facts, read as an approval reads them; items; preferences and policies; the runs' steps and
 * templates), so a full inbox costs what an empty one does plus the rows.
 */
export async function listInbox(deps: Pick<CoreDeps, "db">, { actor, input = {} }: { actor: Actor; input?: ListInboxInput }): Promise<Inbox> {
  assertCan(actor, "action.read");
  const { limit, actionIds } = parseInput(listInboxInputSchema, input, "inbox");
  const { db } = deps;
  const rows = await readPendingToDecide(db, actor.tenantId, { limit: limit + 1, actionIds });
  const page = rows.slice(0, limit);
  const views = page.map(toActionView);
  const batchIds = [...new Set(page.flatMap((row) => (row.batchId !== null ? [row.batchId] : [])))];
  const templateIds = [...new Set(page.flatMap((row) => (row.templateId !== null ? [row.templateId] : [])))];
  const [items, context, steps, templates] = await Promise.all([
    loadItemFacts(db, actor.tenantId, views),
    readProposalContext(db, actor.tenantId, []),
    batchIds.length > 0
      ? db.agentAction.findMany({
          where: { tenantId: actor.tenantId, batchId: { in: batchIds }, templateStep: { not: null } },
          select: { batchId: true, templateStep: true, actionType: true, targetType: true },
        })
      : [],
    templateIds.length > 0 ? db.actionTemplate.findMany({ where: { tenantId: actor.tenantId, id: { in: templateIds } }, select: { id: true, name: true } }) : [],
  ]);
  const stepsOf = new Map<string, RunStep[]>();
  for (const step of steps) {
    if (step.batchId === null || step.templateStep === null) continue;
    const run = stepsOf.get(step.batchId) ?? [];
    run.push({ step: step.templateStep, actionType: step.actionType, targetType: step.targetType });
    stepsOf.set(step.batchId, run);
  }
  const templateNames = new Map(templates.map((template) => [template.id, template.name]));
  const entries = page.map((row, index): InboxEntry => {
    const action = views[index] as ActionView;
    const refusal = decisionRefusalFor(actor, {
      action: row,
      approverKeys: row.approvals.map((approval) => approval.approverKey),
      duties: row.duties,
    });
    const runSteps = row.batchId !== null ? stepsOf.get(row.batchId) : undefined;
    return {
      action,
      presentation: presentAction(action, items, runSteps ? { runSteps } : {}),
      group: refusal ? groupOf[refusal.kind] : "needs_you",
      refusal: refusal?.message ?? null,
      trustRefusal:
        row.apiKeyId === null && row.userId === null
          ? "it was proposed by the system; there is no proposer to trust"
          : trustRefusal({ action: row, preferences: context.preferences, policies: context.policies, subject: "it" }),
      run: row.batchId !== null ? { batchId: row.batchId, templateName: row.templateId !== null ? (templateNames.get(row.templateId) ?? null) : null } : null,
    };
  });
  return { entries, more: rows.length > limit };
}
