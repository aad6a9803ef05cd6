import { DEMO_CONNECTOR_NAME, type ActionView } from "@leash/core";

import { TRPCClientError, type LeashClient } from "../../src/client.ts";

export interface DemoReport {
  /** The email the approval preference lets through: it lands in the demo mail catcher. */
  autoApproved: ActionView;
  waiting: ActionView[];
  /** The `http` request to the demo connector, waiting for a person; null when the tenant has no such connector. */
  httpRequest: ActionView | null;
  batch: ActionView[];
  templateRun: ActionView[] | null;
}

export interface DemoOptions {
  /** Makes this run's messages and idempotency keys its own. */
  runId?: string;
  /** Where people see what reached the demo receivers (apps/demo-receivers). */
  receiversUrl?: string;
  consoleUrl?: string;
}

export const DEMO_EMAIL_RECIPIENT = "team@demo.test";

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

/** The full URL Leash filled in at proposal: what people approve. */
function requestUrl(action: ActionView): string {
  const parameters = action.parameters;
  const url = typeof parameters === "object" && parameters !== null && !Array.isArray(parameters) ? parameters.url : undefined;
  return typeof url === "string" ? url : "/invoices";
}

/** An http request to the demo connector, or null (and why, printed) when the tenant has no such connector. */
async function proposeInvoice(client: LeashClient, print: (line: string) => void, runId: string): Promise<ActionView | null> {
  try {
    const { action } = await client.action.propose.mutate({
      actionType: "http",
      parameters: {
        connector: DEMO_CONNECTOR_NAME,
        method: "POST",
        path: "/invoices",
        body: { customer: "Acme Corp", amount: 1200, currency: "EUR", description: "Rollout, first milestone", reference: `demo-${runId}` },
      },
      reason: "The first milestone of the Acme rollout is done",
      idempotencyKey: `demo-invoice-${runId}`,
    });
    return action;
  } catch (error) {
    if (!(error instanceof TRPCClientError)) throw error;
    print(`   refused: ${error.message}`);
    print(`   (the seed creates the connector ${DEMO_CONNECTOR_NAME} when CONNECTOR_SECRET_KEY is set, as ./leash up does)`);
    return null;
  }
}

/**
 * What an agent does in a day, through the typed client: an email an approval preference lets
 * through, proposals that wait for a person (an HTTP request to the team's invoicing service among
 * them), a batch, and a template run; then it reads back what happened. `print` gets one line at a time.
 */
export async function runDemo(client: LeashClient, print: (line: string) => void, options: DemoOptions = {}): Promise<DemoReport> {
  const runId = options.runId ?? new Date().toISOString();
  const receiversUrl = options.receiversUrl ?? "http://127.0.0.1:3004/";
  const consoleUrl = options.consoleUrl ?? "http://127.0.0.1:3000";
  print("Approval preferences of this tenant:");
  for (const preference of await client.preference.get.query()) print(`  - ${preference.description}`);

  print("\n1. An email (auto-approved when a preference covers notify):");
  const email = {
    actionType: "notify" as const,
    parameters: { channel: "email" as const, recipient: DEMO_EMAIL_RECIPIENT, subject: "Nightly sync finished", message: `Nightly sync finished (${runId}): 42 records updated, nothing failed.` },
    reason: "Keep the team posted",
    idempotencyKey: `demo-notify-${runId}`,
  };
  const { action: notify } = await client.action.propose.mutate(email);
  const retried = await client.action.propose.mutate(email);
  print(`   proposed ${describe(notify)}; the same request retried returned #${retried.action.id} again (duplicate: ${String(retried.duplicate)})`);
  const autoApproved = await settle(client, notify.id);
  print(`   now ${describe(autoApproved)}${autoApproved.status === "executed" ? `: sent to ${DEMO_EMAIL_RECIPIENT}, see it on ${receiversUrl}` : ""}`);
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

  print(`\n3. A request to the team's invoicing service, through the connector ${DEMO_CONNECTOR_NAME} (waits for a person):`);
  const httpRequest = await proposeInvoice(client, print, runId);
  if (httpRequest) print(`   ${describe(httpRequest)}: POST ${requestUrl(httpRequest)}`);

  print("\n4. A batch (validated first, then all created or none):");
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

  print("\n5. A template run:");
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
  print(`\nThe tenant now has ${Object.entries(stats.actions).filter(([, counted]) => counted.count > 0).map(([status, counted]) => `${counted.count}${counted.capped ? "+" : ""} ${status}`).join(", ")}.`);
  print(`\nThe demo tenant's seed also subscribed the demo receivers to every event of its actions (signed webhooks) and turned on Dana's approval mail: ${receiversUrl} lists both as they arrive.`);
  if (httpRequest) {
    print(`\nApprove #${httpRequest.id} (the invoice request) as Dana in the console (${consoleUrl}, dana@demo.test); once approved it lands on ${receiversUrl}.`);
    print("Approve or reject the other waiting ones there too (or with an approver key: action.approve); action.get shows each timeline.");
  } else {
    print(`\nApprove or reject the waiting ones as Dana in the console (${consoleUrl}, or with an approver key: action.approve); action.get shows each timeline.`);
  }
  return { autoApproved, waiting, httpRequest, batch, templateRun };
}
