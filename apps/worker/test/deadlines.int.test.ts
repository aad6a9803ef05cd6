import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { getAction, proposeAction, type ProposeActionInput } from "@leash/core";
import { createTestItem, waitFor, type TestEnvironment, type TestTenant } from "@leash/core/testing";
import type { ExpiryFallback } from "@leash/db";

import { startWorkerStack, type WorkerStack } from "./support.ts";

let stack: WorkerStack;
let environment: TestEnvironment;
let tenant: TestTenant;

beforeAll(async () => {
  stack = await startWorkerStack({ deadlineSweepIntervalMs: 100 });
  ({ environment, tenant } = stack);
});

afterAll(() => stack.close());

/** A policy with limits of seconds: reminded after 1 s, escalated to the admin after 2 s, expired after 3 s. */
async function shortPolicy(actionType: string, expiryFallback: ExpiryFallback) {
  await environment.db.approvalPolicy.create({
    data: {
      tenantId: tenant.id,
      actionType,
      remindAfterSeconds: 1,
      escalateAfterSeconds: 2,
      escalateToUserId: tenant.admin.userId,
      expiresAfterSeconds: 3,
      expiryFallback,
    },
  });
}

async function proposeAndWaitFor(input: ProposeActionInput, statuses: string[]) {
  const { action } = await proposeAction(environment.deps, { actor: tenant.agent, input });
  expect(action.status).toBe("pending");
  expect(action.expiresAt).not.toBeNull();
  return waitFor(
    async () => {
      const current = await getAction(environment.deps, {
        actor: tenant.viewer,
        input: { actionId: action.id },
      });
      return statuses.includes(current.status) ? current : undefined;
    },
    { what: `action #${action.id} to reach ${statuses.join("/")}` },
  );
}

const deadlineSteps = (timeline: { type: string }[]) =>
  timeline
    .map((event) => event.type)
    .filter((type) =>
      ["reminder_sent", "escalated", "expired", "rejected", "auto_approved", "executed"].includes(type),
    );

describe("a pending action under a policy with a time limit, swept by the real worker", () => {
  it("is reminded about, escalated to the backup approver, then rejected at expiry, in that order", async () => {
    await shortPolicy("update", "reject");
    const item = await createTestItem(environment.db, tenant.id, {
      kind: "idea",
      title: "Faster onboarding",
    });
    const action = await proposeAndWaitFor(
      {
        actionType: "update",
        targetType: "idea",
        targetId: item.id,
        parameters: { title: "Fast onboarding" },
      },
      ["rejected"],
    );

    expect(deadlineSteps(action.timeline)).toEqual(["reminder_sent", "escalated", "expired", "rejected"]);
    expect(action.rejectionReason).toBe("expired after 3 s");
    expect(action.decidedBy).toBe("Leash (expiry)");
    expect(action.escalatedTo).toBe(tenant.admin.label);
    const escalated = action.timeline.find((event) => event.type === "escalated");
    expect(escalated?.details).toEqual({ userId: tenant.admin.userId, to: tenant.admin.label });
    const row = await environment.db.agentAction.findUniqueOrThrow({ where: { id: action.id } });
    expect({ remindAt: row.remindAt, escalateAt: row.escalateAt, expiresAt: row.expiresAt }).toEqual({
      remindAt: null,
      escalateAt: null,
      expiresAt: null,
    });
    const unchanged = await environment.db.item.findUniqueOrThrow({ where: { id: item.id } });
    expect(unchanged.title).toBe("Faster onboarding");
  });

  it("is auto-approved at expiry and executed when the policy says so and the action can be undone", async () => {
    await shortPolicy("create", "auto_approve");
    const action = await proposeAndWaitFor(
      { actionType: "create", targetType: "idea", parameters: { title: "Weekly digest" } },
      ["executed"],
    );

    expect(deadlineSteps(action.timeline)).toEqual([
      "reminder_sent",
      "escalated",
      "expired",
      "auto_approved",
      "executed",
    ]);
    expect(action.decidedBy).toBe("Leash (expiry)");
    const auto = action.timeline.find((event) => event.type === "auto_approved");
    expect(auto?.details).toEqual({ expiryFallback: "expired after 3 s" });
  });

  it("is rejected instead of auto-approved when this action cannot be undone (a permanent delete)", async () => {
    await shortPolicy("delete", "auto_approve");
    const item = await createTestItem(environment.db, tenant.id, { kind: "idea", title: "Old idea" });
    const action = await proposeAndWaitFor(
      { actionType: "delete", targetType: "idea", targetId: item.id, parameters: { permanent: true } },
      ["rejected", "executed"],
    );

    expect(action.status).toBe("rejected");
    expect(action.rejectionReason).toBe(
      "expired after 3 s; not auto-approved because a permanent delete cannot be undone",
    );
    expect(await environment.db.item.findUnique({ where: { id: item.id } })).not.toBeNull();
  });

  it("emails the escalation to the backup approver once, from the outbox the sweep filled", async () => {
    await environment.db.approvalPolicy.create({
      data: { tenantId: tenant.id, actionType: "link", escalateAfterSeconds: 1, escalateToUserId: tenant.admin.userId, expiresAfterSeconds: 3600 },
    });
    const [person, project] = await Promise.all([
      createTestItem(environment.db, tenant.id, { kind: "person", title: "Ada Lovelace" }),
      createTestItem(environment.db, tenant.id, { kind: "project", title: "Analytical engine" }),
    ]);
    const { action } = await proposeAction(environment.deps, {
      actor: tenant.agent,
      input: { actionType: "link", targetType: "person", targetId: person.id, parameters: { toType: "project", toId: project.id, relation: "works_on" } },
    });
    const toAdmin = () =>
      environment.smtp.mails.filter((mail) => mail.envelope.to.includes(`admin@${tenant.slug}.test`) && mail.parsed.subject?.includes("Ada Lovelace"));
    const [mail] = await waitFor(() => Promise.resolve(toAdmin().length > 0 ? toAdmin() : undefined), { what: "the escalation mail" });
    expect(mail?.parsed.subject).toBe('Escalated to you: link person "Ada Lovelace" to project "Analytical engine"');
    expect(mail?.parsed.text).toContain(`/actions/${action.id}`);
    await waitFor(async () => ((await environment.db.deadlineNotice.count()) === 0 ? true : undefined), { what: "the outbox emptied" });
    // Later sweeps find nothing more to send.
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(toAdmin()).toHaveLength(1);
  });
});
