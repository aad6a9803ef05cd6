import type { ActionView } from "@leash/core";

import { TRPCClientError, type LeashClient } from "../../src/client.ts";

export interface DemoReport {
  autoApproved: ActionView;
  waiting: ActionView[];
  batch: ActionView[];
  templateRun: ActionView[] | null;
}

const describe = (action: ActionView) =>
  `#${action.id} ${action.actionType}${action.targetType ? ` ${action.targetType}` : ""}${action.targetId !== null ? ` #${action.targetId}` : ""}: ${action.status}`;

async function settle(client: LeashClient, actionId: number, timeoutMs = 15_000): Promise<ActionView> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const action = await client.action.get.query({ actionId });
    if (!["approved", "executing"].includes(action.status) || Date.now() > deadline) return action;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/**
 * What an agent does in a day, through the typed client: a notification an approval preference
 * lets through, proposals that wait for a person, a batch, and a template run; then it reads back
 * what happened. `print` gets one line at a time.
 */
export async function runDemo(client: LeashClient, print: (line: string) => void, runId = new Date().toISOString()): Promise<DemoReport> {
  print("Approval preferences of this tenant:");
  for (const preference of await client.preference.get.query()) print(`  - ${preference.description}`);

  print("\n1. A notification (auto-approved when a preference covers notify):");
  const { action: notify } = await client.action.propose.mutate({
    actionType: "notify",
    parameters: { channel: "email", recipient: "team@example.com", message: `Nightly sync finished (${runId})` },
    reason: "Keep the team posted",
    idempotencyKey: `demo-notify-${runId}`,
  });
  const retried = await client.action.propose.mutate({
    actionType: "notify",
    parameters: { channel: "email", recipient: "team@example.com", message: `Nightly sync finished (${runId})` },
    reason: "Keep the team posted",
    idempotencyKey: `demo-notify-${runId}`,
  });
  print(`   proposed ${describe(notify)}; the same request retried returned #${retried.action.id} again (duplicate: ${String(retried.duplicate)})`);
  const autoApproved = await settle(client, notify.id);
  print(`   now ${describe(autoApproved)}`);
  const preview = await client.action.rollbackPreview.query({ actionId: notify.id });
  print(`   can it be rolled back? ${preview.canRollBack ? "yes" : `no: ${preview.refusal?.message ?? ""}`}`);

  print("\n2. Proposals that wait for a person:");
  const waiting: ActionView[] = [];
  for (const input of [
    { actionType: "create" as const, targetType: "idea" as const, parameters: { title: "Weekly customer digest", data: { status: "new" as const, score: 6 } }, reason: "Three customers asked for it" },
    { actionType: "schedule" as const, parameters: { dueAt: new Date(Date.now() + 86_400_000).toISOString(), message: "Follow up on the digest idea" } },
  ]) {
    const { action } = await client.action.propose.mutate(input);
    waiting.push(action);
    print(`   ${describe(action)}${action.reason ? ` (why: ${action.reason})` : ""}`);
  }

  print("\n3. A batch (validated first, then all created or none):");
  const { batchId, actions: batch } = await client.action.proposeBatch.mutate({
    reason: "Conference leads",
    actions: [
      { actionType: "create", targetType: "person", parameters: { title: "Katherine Johnson", data: { email: "katherine@example.com", role: "Mathematician" } } },
      { actionType: "create", targetType: "person", parameters: { title: "Dorothy Vaughan", data: { company: "NACA" } } },
      { actionType: "notify", parameters: { channel: "email", recipient: "sales@example.com", message: "Two new leads from the conference" } },
    ],
  });
  print(`   batch ${batchId}:`);
  for (const action of batch) print(`   ${describe(action)}`);

  print("\n4. A template run:");
  const template = (await client.template.list.query()).find((candidate) => candidate.name === "Onboard a client");
  let templateRun: ActionView[] | null = null;
  if (template) {
    try {
      const run = await client.template.run.mutate({
        templateId: template.id,
        parameters: { projectName: `Acme rollout ${runId.slice(0, 10)}`, contactName: "Wile E. Coyote", contactEmail: "wile@acme.example" },
        reason: "Contract signed",
      });
      templateRun = run.actions;
      print(`   "${template.name}" proposed ${run.actions.length} steps in batch ${run.batchId}; each runs after the one before it:`);
      for (const action of run.actions) print(`   step ${action.templateStep ?? "?"}: ${describe(action)}`);
    } catch (error) {
      if (!(error instanceof TRPCClientError)) throw error;
      print(`   refused: ${error.message}`);
    }
  } else {
    print('   no template "Onboard a client" here (an admin or approver creates templates); skipped');
  }

  const stats = await client.queue.stats.query();
  print(`\nThe tenant now has ${Object.entries(stats.actions).filter(([, count]) => count > 0).map(([status, count]) => `${count} ${status}`).join(", ")}.`);
  print("Approve or reject the waiting ones in the web console (or with an approver key: action.approve); action.get shows each timeline.");
  return { autoApproved, waiting, batch, templateRun };
}
