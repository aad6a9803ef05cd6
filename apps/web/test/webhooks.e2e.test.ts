import { createHmac, timingSafeEqual } from "node:crypto";
import { createServer, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Page } from "playwright-core";

import { createWebhookEndpoint } from "@leash/core";
import { createTestItem, createTestTenant, type TestEnvironment, type TestTenant } from "@leash/core/testing";
import { startTestWorker } from "@leash/worker/test-support";

import { hydrated, startConsoleStack, type RunningConsole, type TenantConsoleStack } from "./support.ts";

interface Received {
  headers: IncomingHttpHeaders;
  body: string;
}

/** A real receiver on 127.0.0.1 that records every delivery and answers what `answer` holds at the time. */
async function startReceiver() {
  const received: Received[] = [];
  const state = { answer: { status: 200, body: "thanks" } };
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      received.push({ headers: request.headers, body: Buffer.concat(chunks).toString("utf8") });
      response.writeHead(state.answer.status, { "content-type": "text/plain" });
      response.end(state.answer.body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hooks/leash`,
    received,
    state,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** The README's algorithm by hand: HMAC-SHA256 of `id.timestamp.body` keyed with the secret's base64 part, against each `v1,` entry. */
function signatureVerifies(secret: string, { headers, body }: Received): boolean {
  const key = Buffer.from(secret.slice("whsec_".length), "base64");
  const expected = createHmac("sha256", key)
    .update(`${String(headers["webhook-id"])}.${String(headers["webhook-timestamp"])}.${body}`)
    .digest();
  return String(headers["webhook-signature"])
    .split(" ")
    .some((entry) => {
      const [version, signature] = entry.split(",");
      const given = Buffer.from(signature ?? "", "base64");
      return version === "v1" && given.length === expected.length && timingSafeEqual(given, expected);
    });
}

let stack: TenantConsoleStack;
let environment: TestEnvironment;
let tenant: TestTenant;
let web: RunningConsole;
let worker: Awaited<ReturnType<typeof startTestWorker>>;
let receiver: Awaited<ReturnType<typeof startReceiver>>;

beforeAll(async () => {
  stack = await startConsoleStack();
  ({ environment, tenant, web } = stack);
  // The stack's worker retries a failed delivery after 10 s; this one gives up at once, so that the
  // failed delivery is settled and "Send again" is offered without waiting.
  await stack.worker.close();
  worker = await startTestWorker(environment, { webhookPolicy: { retryScheduleMs: [], timeoutMs: 5_000 } });
  receiver = await startReceiver();
});

afterAll(async () => {
  await receiver.close();
  await worker.close();
  await stack.close();
});

const SECRET = /whsec_[A-Za-z0-9+/=]{32,}/;
const ISO_TIME = /\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/;
/** Round trips on a busy machine, and what the worker did, which shows at the page's next live refresh (every 2.5 s). */
const SOON = { timeout: 15_000 };
const endpointRow = (page: Page, url: string) => page.locator(`tr[data-endpoint="${url}"]`);
const delivery = (page: Page, id: number) => page.locator(`li[data-delivery="${id}"]`);

async function openWebhooks(page: Page) {
  await page.getByRole("link", { name: "Webhooks" }).click();
  await page.waitForURL(`${web.url}/webhooks`);
  await hydrated(page);
}

/** The newest delivery of the endpoint, once there are `count`. */
async function newestDelivery(endpointId: string, count: number) {
  await expect.poll(() => environment.db.webhookDelivery.count({ where: { endpointId } }), SOON).toBe(count);
  const row = await environment.db.webhookDelivery.findFirstOrThrow({
    where: { endpointId },
    orderBy: { id: "desc" },
  });
  return Number(row.id);
}

describe("the Webhooks pages", () => {
  let endpointId: string;
  let secret: string;

  it("subscribes an endpoint, shows its secret once, and logs a test event, a failure and a redelivery the receiver can verify", async () => {
    const page = await stack.pageFor("admin");
    await openWebhooks(page);
    expect(await page.getByText("No endpoints yet").isVisible()).toBe(true);

    await page.getByLabel("URL").fill(receiver.url);
    await page.getByLabel("Description").fill("Ops dashboard");
    await page.getByLabel("Proposed", { exact: true }).check();
    await page.getByLabel("Executed", { exact: true }).check();
    await page.getByLabel("Approval added", { exact: true }).check();
    await page.getByLabel("May reach private and loopback addresses").check();
    await page.getByRole("button", { name: "Add endpoint" }).click();

    await expect.poll(() => page.getByTestId("signing-secret").textContent(), SOON).toMatch(SECRET);
    secret = SECRET.exec((await page.getByTestId("signing-secret").textContent()) ?? "")?.[0] ?? "";
    const row = endpointRow(page, receiver.url);
    expect(await row.textContent()).toContain("Proposed, Executed, Approval added");
    expect(await row.textContent()).toContain("All");
    expect(await row.locator("[data-state]").textContent()).toContain("Enabled");
    await expect.poll(() => page.getByLabel("URL").inputValue(), SOON).toBe("");

    // Shown once: after a reload the secret is nowhere in the page.
    await page.reload();
    await hydrated(page);
    expect(await page.getByTestId("signing-secret").count()).toBe(0);
    expect(await page.content()).not.toContain(secret);

    await endpointRow(page, receiver.url).getByRole("link", { name: receiver.url }).click();
    await page.waitForURL(/\/webhooks\/[0-9a-f-]{36}$/);
    await hydrated(page);
    endpointId = page.url().split("/").at(-1) ?? "";
    expect(await page.getByText("Nothing sent yet").isVisible()).toBe(true);

    await page.getByRole("button", { name: "Send a test event" }).click();
    const testId = await newestDelivery(endpointId, 1);
    await expect
      .poll(() => delivery(page, testId).locator("[data-status]").textContent(), SOON)
      .toBe("Delivered");
    const delivered = delivery(page, testId);
    expect(await delivered.textContent()).toContain("Test event");
    expect(await delivered.locator("tr[data-attempt-status]").count()).toBe(1);
    const attempt = delivered.locator('tr[data-attempt-status="200"]');
    expect(await attempt.textContent()).toContain("HTTP 200");
    expect(await attempt.textContent()).toMatch(/\d+ ms/);
    expect(await attempt.locator("pre").textContent()).toBe("thanks");
    expect(await attempt.locator("time").textContent()).not.toMatch(ISO_TIME);
    const [first] = receiver.received;
    expect(first && JSON.parse(first.body)).toMatchObject({ type: "webhook.test" });
    expect(first && signatureVerifies(secret, first)).toBe(true);

    // A receiver answering 500: the failed attempt shows with the start of its answer.
    receiver.state.answer = { status: 500, body: "receiver broke: database down" };
    await page.getByRole("button", { name: "Send a test event" }).click();
    const failedId = await newestDelivery(endpointId, 2);
    await expect
      .poll(() => delivery(page, failedId).locator("[data-status]").textContent(), SOON)
      .toBe("Failed");
    const failed = delivery(page, failedId);
    expect(await failed.locator('tr[data-attempt-status="500"]').textContent()).toContain("HTTP 500");
    expect(await failed.locator("pre").textContent()).toBe("receiver broke: database down");
    // Newest first.
    expect(await page.locator("li[data-delivery]").first().getAttribute("data-delivery")).toBe(
      String(failedId),
    );

    // Fixed, and sent again: a delivered attempt above the failed one, with the same webhook-id.
    receiver.state.answer = { status: 200, body: "back up" };
    await failed.getByRole("button", { name: "Send again" }).click();
    await expect
      .poll(() => delivery(page, failedId).locator("[data-status]").textContent(), SOON)
      .toBe("Delivered");
    const attempts = delivery(page, failedId).locator("tr[data-attempt-status]");
    expect(await attempts.count()).toBe(2);
    expect(await attempts.first().getAttribute("data-attempt-status")).toBe("200");
    expect(await attempts.first().locator("pre").textContent()).toBe("back up");
    expect(receiver.received).toHaveLength(3);
    const [, broken, again] = receiver.received;
    expect(again?.headers["webhook-id"]).toBe(broken?.headers["webhook-id"]);
    for (const request of receiver.received) expect(signatureVerifies(secret, request)).toBe(true);
  });

  it("logs the events of an action with a link to it", async () => {
    const project = await createTestItem(environment.db, tenant.id, {
      kind: "project",
      title: "Website relaunch",
      data: { status: "active" },
    });
    const { action } = await stack.api.client(tenant.keys.agent).action.propose.mutate({
      actionType: "update",
      targetType: "project",
      targetId: project.id,
      parameters: { data: { status: "at_risk" } },
    });
    const page = await stack.pageFor("admin");
    await page.goto(`${web.url}/webhooks/${endpointId}`);
    await hydrated(page);
    const proposed = page.locator('li[data-event-type="action.proposed"]');
    await expect.poll(() => proposed.locator("[data-status]").textContent(), SOON).toBe("Delivered");
    expect(await proposed.getByRole("link", { name: `action #${action.id}` }).getAttribute("href")).toBe(
      `/actions/${action.id}`,
    );
    const sent = receiver.received.find((request) => request.body.includes('"action.proposed"'));
    expect(sent && JSON.parse(sent.body)).toMatchObject({
      type: "action.proposed",
      data: { actionId: action.id },
    });
  });

  it("changes the settings, shows why Leash disabled an endpoint, enables it again, rotates its secret and deletes it once confirmed", async () => {
    const page = await stack.pageFor("admin");
    await page.goto(`${web.url}/webhooks/${endpointId}`);
    await hydrated(page);
    await page.getByLabel("Description").fill("Ops dashboard (prod)");
    await page.getByLabel("Approval added", { exact: true }).uncheck();
    await page.getByLabel("update", { exact: true }).check();
    await page.getByRole("button", { name: "Save changes" }).click();
    await expect.poll(() => page.getByRole("status").textContent(), SOON).toContain("Saved.");
    const saved = await environment.db.webhookEndpoint.findUniqueOrThrow({ where: { id: endpointId } });
    expect(saved).toMatchObject({
      description: "Ops dashboard (prod)",
      eventTypes: ["action.proposed", "action.executed"],
      actionTypes: ["update"],
    });

    // As the worker leaves it after a day of failures: disabled, with a delivery paused.
    const reason = "disabled on 2026-12-04 10:00 UTC after failing for 24 hours: last error HTTP 500";
    await environment.db.webhookEndpoint.update({
      where: { id: endpointId },
      data: { enabled: false, disabledReason: reason, disabledAt: new Date("2026-12-04T10:00:00Z") },
    });
    const paused = await environment.db.webhookDelivery.create({
      data: {
        tenantId: tenant.id,
        endpointId,
        eventType: "webhook.test",
        messageId: "test_paused",
        payload: { type: "webhook.test", timestamp: new Date().toISOString(), data: { paused: true } },
        nextAttemptAt: new Date(),
      },
    });
    await page.goto(`${web.url}/webhooks`);
    await hydrated(page);
    const state = endpointRow(page, receiver.url).locator("[data-state]");
    expect(await state.textContent()).toContain("Disabled");
    // The browser's zone here is UTC and its locale en-US: both dates read in them, neither as core wrote it.
    expect(await state.locator("time").evaluateAll((times) => times.map((time) => time.getAttribute("datetime")))).toEqual([
      "2026-12-04T10:00:00.000Z",
      "2026-12-04T10:00:00Z",
    ]);
    expect(await state.textContent()).toContain("since Dec 4, 2026, 10:00 AM");
    expect(await state.textContent()).toContain("Disabled on Dec 4, 2026, 10:00 AM after failing for 24 hours: last error HTTP 500");
    expect(await endpointRow(page, receiver.url).textContent()).toContain("1 delivery");

    await page.goto(`${web.url}/webhooks/${endpointId}`);
    await hydrated(page);
    expect(await page.getByTestId("disabled-reason").textContent()).toContain(
      "disabled on Dec 4, 2026, 10:00 AM after failing for 24 hours: last error HTTP 500. 1 delivery waits to be sent. Enable it to send it, and new events.",
    );
    expect(await page.getByRole("button", { name: "Send a test event" }).count()).toBe(0);
    expect(await page.getByRole("button", { name: "Send again" }).count()).toBe(0);
    await page.getByRole("button", { name: "Enable" }).click();
    await expect.poll(() => page.getByRole("status").textContent(), SOON).toContain("Enabled");
    expect(
      await environment.db.webhookEndpoint.findUniqueOrThrow({ where: { id: endpointId } }),
    ).toMatchObject({ enabled: true, disabledReason: null });
    // What waited is sent once it is enabled again.
    await expect
      .poll(() => delivery(page, Number(paused.id)).locator("[data-status]").textContent(), SOON)
      .toBe("Delivered");
    expect(receiver.received.at(-1)?.headers["webhook-id"]).toBe("test_paused");
    await expect
      .poll(() => page.getByRole("button", { name: "Send a test event" }).isVisible(), SOON)
      .toBe(true);

    // A rotation keeps the old secret signing for a while: the receiver verifies with either.
    const sendTestEvent = async () => {
      const before = receiver.received.length;
      await page.getByRole("button", { name: "Send a test event" }).click();
      await expect.poll(() => receiver.received.length, SOON).toBeGreaterThan(before);
      const request = receiver.received.at(-1);
      if (!request) throw new Error("no request");
      return request;
    };
    const shownSecret = async () => SECRET.exec((await page.getByTestId("signing-secret").textContent({ timeout: 1_000 }).catch(() => "")) ?? "")?.[0] ?? "";
    const rotate = async (revokePrevious: boolean) => {
      const before = await shownSecret();
      // The disclosure stays open after a rotation: open it only when it is closed.
      if (!(await page.getByRole("button", { name: "Yes, replace the secret" }).isVisible())) await page.getByText("New signing secret…").click();
      if (revokePrevious) await page.getByLabel("Stop signing with the old secret at once (it leaked)").check();
      await page.getByRole("button", { name: "Yes, replace the secret" }).click();
      // The page answers with the new secret: one that differs from any shown before.
      await expect.poll(async () => { const shown = await shownSecret(); return shown !== "" && shown !== before; }, SOON).toBe(true);
      return shownSecret();
    };
    const rotated = await rotate(false);
    expect(rotated).not.toBe(secret);
    expect(await page.getByTestId("previous-secret").textContent()).toMatch(/also signed with the secret the last rotation replaced, until .+\./);
    expect(await page.getByTestId("previous-secret").textContent()).not.toMatch(ISO_TIME);
    const duringGrace = await sendTestEvent();
    expect(String(duringGrace.headers["webhook-signature"]).split(" ")).toHaveLength(2);
    expect(signatureVerifies(rotated, duringGrace)).toBe(true);
    expect(signatureVerifies(secret, duringGrace)).toBe(true);

    // Revoked at once (it leaked): only the newest secret signs.
    const newest = await rotate(true);
    await expect
      .poll(async () => (await environment.db.webhookEndpoint.findUniqueOrThrow({ where: { id: endpointId } })).previousSigningSecret, SOON)
      .toBeNull();
    await expect.poll(() => page.getByTestId("previous-secret").count(), SOON).toBe(0);
    const afterRevoke = await sendTestEvent();
    expect(signatureVerifies(newest, afterRevoke)).toBe(true);
    expect(signatureVerifies(rotated, afterRevoke)).toBe(false);
    expect(signatureVerifies(secret, afterRevoke)).toBe(false);

    await page.getByText("Delete…").click();
    await page.getByRole("button", { name: "Yes, delete this endpoint" }).click();
    await page.waitForURL(`${web.url}/webhooks`);
    await expect.poll(() => page.getByRole("status").textContent(), SOON).toContain("Deleted the endpoint");
    expect(await page.getByText("No endpoints yet").isVisible()).toBe(true);
    expect(await environment.db.webhookEndpoint.count({ where: { tenantId: tenant.id } })).toBe(0);
  });

  it("keeps what was typed and names each wrong field; nothing is created", async () => {
    const page = await stack.pageFor("admin");
    await openWebhooks(page);
    await page.getByLabel("URL").fill("ftp://hooks.example.com/leash");
    await page.getByLabel("Description").fill("bad\u0000text");
    await page.getByRole("button", { name: "Add endpoint" }).click();
    await expect
      .poll(() => page.locator("#url-error").textContent(), SOON)
      .toBe("URL must start with http:// or https://");
    expect(await page.locator("#eventTypes-error").textContent()).toBe(
      "Subscribe to at least one event type",
    );
    expect(await page.locator("#description-error").textContent()).toBe(
      "Description must not contain NUL characters or lone UTF-16 surrogates",
    );
    expect(await page.getByLabel("URL").getAttribute("aria-invalid")).toBe("true");
    expect(await page.getByLabel("URL").inputValue()).toBe("ftp://hooks.example.com/leash");

    // A loopback address needs the private network allowed; the checked events stay checked.
    await page.getByLabel("URL").fill(receiver.url);
    await page.getByLabel("Description").fill("");
    await page.getByLabel("Failed", { exact: true }).check();
    await page.getByRole("button", { name: "Add endpoint" }).click();
    await expect
      .poll(() => page.locator("#url-error").textContent(), SOON)
      .toContain("127.0.0.1 is a private or loopback address");
    expect(await page.getByLabel("Failed", { exact: true }).isChecked()).toBe(true);
    expect(await environment.db.webhookEndpoint.count()).toBe(0);
  });

  it("is not offered to approvers, refuses them with a 403 page, and shows another workspace's endpoint as not found", async () => {
    const approver = await stack.pageFor("approver");
    expect(await approver.getByRole("link", { name: "Webhooks" }).count()).toBe(0);
    const refused = await approver.goto(`${web.url}/webhooks`);
    expect(refused?.status()).toBe(403);
    expect(await approver.getByRole("heading", { name: "Not allowed" }).isVisible()).toBe(true);
    expect(await approver.getByRole("alert").textContent()).toContain(
      "may not see or manage webhook endpoints",
    );

    const other = await createTestTenant(environment.db, "globex");
    const { endpoint } = await createWebhookEndpoint(environment.deps, {
      actor: other.admin,
      input: { url: "https://hooks.globex.example/leash", eventTypes: ["action.executed"] },
    });
    const admin = await stack.pageFor("admin");
    for (const path of [`/webhooks/${endpoint.id}`, "/webhooks/not-an-endpoint"]) {
      const missing = await admin.goto(`${web.url}${path}`);
      expect(missing?.status()).toBe(404);
      expect(await admin.getByRole("heading", { name: "Not found" }).isVisible()).toBe(true);
    }
    // A crafted post at it is refused the same way and sends nothing.
    await admin.goto(`${web.url}/webhooks`);
    const csrf = await admin.locator('input[name="csrf"]').first().inputValue();
    const posted = await admin.request.post(`${web.url}/webhooks/${endpoint.id}`, {
      form: { csrf, intent: "test" },
    });
    expect(posted.status()).toBe(404);
    expect(await environment.db.webhookDelivery.count({ where: { endpointId: endpoint.id } })).toBe(0);
  });
});
