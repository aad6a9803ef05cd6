import { randomBytes } from "node:crypto";
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";

import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { createTemplate, DEMO_CONNECTOR_NAME, DEMO_TEMPLATE, ensureDemoConnector, ensureDemoWebhook, setApprovalMailSetting, setPreference } from "@leash/core";
import { createTestEnvironment, createTestTenant, waitFor, type TestEnvironment, type TestTenant } from "@leash/core/testing";
import { startTestWorker } from "@leash/worker/test-support";

import { runDemo } from "../scripts/demo/run-demo.ts";
import { startTestApi } from "./support.ts";

interface Arrival {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/** The demo receivers' invoicing service in small: `POST /api/invoices` answers 201 with an id. */
async function startInvoiceReceiver() {
  const arrivals: Arrival[] = [];
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      arrivals.push({ method: request.method ?? "", url: request.url ?? "", headers: request.headers, body: Buffer.concat(chunks).toString("utf8") });
      response.writeHead(201, { "content-type": "application/json" }).end(JSON.stringify({ id: `inv_${arrivals.length}` }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, arrivals, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

const RUN_ID = "2026-11-25T12:00:00.000Z";
const RECEIVERS_PAGE = "http://receivers.test/";

let environment: TestEnvironment;
let api: Awaited<ReturnType<typeof startTestApi>>;
let worker: Awaited<ReturnType<typeof startTestWorker>>;
let receiver: Awaited<ReturnType<typeof startInvoiceReceiver>>;

/**
 * A tenant set up as the seed sets up the demo tenant: notify auto-approved, the template, the
 * approver's approval mail on, and (when asked) the connector and the webhook endpoint.
 */
async function demoTenant(slug: string, withConnector: boolean): Promise<TestTenant> {
  const tenant = await createTestTenant(environment.db, slug);
  await setPreference(environment.deps, { actor: tenant.admin, input: { actionType: "notify", autoApprove: true } });
  await createTemplate(environment.deps, { actor: tenant.admin, input: DEMO_TEMPLATE });
  await setApprovalMailSetting(environment.deps, { actor: tenant.approver, input: { mode: "each" } });
  if (withConnector) {
    const outcome = await ensureDemoConnector(environment.deps, { tenantId: tenant.id, baseUrl: `${receiver.url}/api` });
    expect(outcome).toMatchObject({ created: true, signingSecret: expect.stringMatching(/^whsec_/) });
    const webhook = await ensureDemoWebhook(environment.deps, { tenantId: tenant.id, url: `${receiver.url}/webhooks` });
    expect(webhook).toMatchObject({ created: true, signingSecret: expect.stringMatching(/^whsec_/) });
  }
  return tenant;
}

beforeAll(async () => {
  environment = await createTestEnvironment({ connectorKey: randomBytes(32) });
  api = await startTestApi(environment);
  worker = await startTestWorker(environment);
  receiver = await startInvoiceReceiver();
});

afterAll(async () => {
  await api.close();
  await worker.close();
  await receiver.close();
  await environment.close();
});

describe("the demo agent", () => {
  it("sends an email at once, proposes an http request that waits for a person, some other waiting actions, a batch and a template run, and says what happened", async () => {
    const tenant = await demoTenant("demo-agent", true);
    const lines: string[] = [];
    const report = await runDemo(api.client(tenant.keys.agent), (line) => lines.push(line), { runId: RUN_ID, receiversUrl: RECEIVERS_PAGE });

    expect(report.autoApproved).toMatchObject({ actionType: "notify", status: "executed", requiresApproval: false });
    const mail = environment.smtp.mails.find((caught) => caught.envelope.to.includes("team@demo.test"));
    expect(mail?.parsed.subject).toBe("Nightly sync finished");
    expect(mail?.parsed.text).toContain(`Nightly sync finished (${RUN_ID})`);

    expect(report.waiting.map((action) => action.status)).toEqual(["pending", "pending"]);
    expect(report.httpRequest).toMatchObject({ actionType: "http", status: "pending", requiresApproval: true, parameters: { connector: DEMO_CONNECTOR_NAME, method: "POST", path: "/invoices", url: `${receiver.url}/api/invoices` } });
    expect(receiver.arrivals.filter((arrival) => arrival.url.startsWith("/api/"))).toEqual([]);
    expect(report.batch.map((action) => action.actionType)).toEqual(["create", "create", "notify"]);
    expect(new Set(report.batch.map((action) => action.batchId)).size).toBe(1);
    expect(report.templateRun?.map((action) => [action.templateStep, action.status])).toEqual([[0, "pending"], [1, "pending"], [2, "pending"]]);

    const output = lines.join("\n");
    expect(output).toContain("notify on any target runs without a person");
    expect(output).toContain("(duplicate: true)");
    expect(output).toContain(`sent to team@demo.test, see it on ${RECEIVERS_PAGE}`);
    expect(output).toContain(`can it be rolled back? no: #${report.autoApproved.id} sent a notification; a sent message cannot be recalled`);
    expect(output).toContain(`#${report.httpRequest?.id ?? 0} http: pending: POST ${receiver.url}/api/invoices`);
    expect(output).toContain(`Approve #${report.httpRequest?.id ?? 0} (the invoice request) as Dana in the console`);
    expect(output).toContain(`once approved it lands on ${RECEIVERS_PAGE}`);
    expect(output).toContain('"Onboard a client" proposed 3 steps');
    expect(output).toContain(`signed webhooks) and turned on Dana's approval mail: ${RECEIVERS_PAGE} lists both`);
    expect(await environment.db.agentAction.count({ where: { tenantId: tenant.id } })).toBe(1 + 2 + 1 + 3 + 3);

    // What the demo tells people to do: approve it, and the request reaches the service.
    const actionId = report.httpRequest?.id ?? 0;
    await api.client(tenant.keys.approver).action.approve.mutate({ actionId });
    const executed = await waitFor(
      async () => {
        const action = await api.client(tenant.keys.agent).action.get.query({ actionId });
        return action.status === "executed" ? action : undefined;
      },
      { what: "the demo's http request to execute" },
    );
    expect(executed.result).toMatchObject({ status: 201, body: { id: expect.stringMatching(/^inv_\d+$/) } });
    const invoices = receiver.arrivals.filter((arrival) => arrival.url.startsWith("/api/"));
    expect(invoices).toHaveLength(1);
    const [arrival] = invoices;
    expect(arrival).toMatchObject({ method: "POST", url: "/api/invoices", headers: { "idempotency-key": `leash-action-${actionId}`, "webhook-signature": expect.stringMatching(/^v1,/) } });
    expect(JSON.parse(arrival?.body ?? "null")).toMatchObject({ customer: "Acme Corp", reference: `demo-${RUN_ID}` });

    // The rest the seed sets up: the approver is mailed about what still waits, and the request's events arrived as webhooks.
    const idea = report.waiting[0]?.id ?? 0;
    const approvalMail = await waitFor(
      () => Promise.resolve(environment.smtp.mails.find((caught) => caught.envelope.to.includes(`approver@${tenant.slug}.test`) && caught.parsed.text?.includes(`/actions/${idea}`))),
      { what: "the approver's mail about the waiting idea" },
    );
    expect(approvalMail.parsed.subject).toMatch(/^Approval needed/);
    const events = await waitFor(
      () => {
        const types = receiver.arrivals
          .filter((hook) => hook.url === "/webhooks")
          .map((hook) => JSON.parse(hook.body) as { type: string; data: { actionId: number } })
          .filter((hook) => hook.data.actionId === actionId)
          .map((hook) => hook.type);
        return Promise.resolve(types.includes("action.executed") ? types : undefined);
      },
      { what: "the webhooks of the http request" },
    );
    expect(events).toEqual(["action.proposed", "action.approved", "action.executed"]);
  });

  it("says how to get the connector when the tenant has none, and goes on", async () => {
    const tenant = await demoTenant("demo-no-connector", false);
    const lines: string[] = [];
    const report = await runDemo(api.client(tenant.keys.agent), (line) => lines.push(line), { runId: RUN_ID });
    expect(report.httpRequest).toBeNull();
    expect(report.templateRun).toHaveLength(3);
    const output = lines.join("\n");
    expect(output).toContain(`refused: No connector "${DEMO_CONNECTOR_NAME}" in this tenant`);
    expect(output).toContain("when CONNECTOR_SECRET_KEY is set, as ./leash up does");
    expect(output).toContain("Approve or reject the waiting ones as Dana in the console");
  });
});
