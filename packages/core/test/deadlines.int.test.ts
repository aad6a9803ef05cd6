import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { approveAction, getAction, proposeAction, sweepPendingDeadlines, type Clock } from "../src/index.ts";
import {
  createTestEnvironment,
  createTestTenant,
  type TestEnvironment,
  type TestTenant,
} from "../src/testing/index.ts";

let environment: TestEnvironment;
let tenant: TestTenant;
const proposedAt = new Date("2026-11-25T10:00:00.000Z");
let now = proposedAt;
const clock: Clock = { now: () => now };

beforeAll(async () => {
  environment = await createTestEnvironment();
  tenant = await createTestTenant(environment.db);
  await environment.db.approvalPolicy.create({
    data: {
      tenantId: tenant.id,
      actionType: "notify",
      remindAfterSeconds: 3600,
      escalateAfterSeconds: 5400,
      escalateToUserId: tenant.admin.userId,
      expiresAfterSeconds: 7200,
    },
  });
});

afterAll(async () => {
  await environment.close();
});

const deps = () => ({ ...environment.deps, clock });

async function propose() {
  now = proposedAt;
  const { action } = await proposeAction(deps(), {
    actor: tenant.agent,
    input: {
      actionType: "notify",
      parameters: { channel: "email", recipient: "dana@example.com", message: "Deploy done" },
    },
  });
  return action;
}

const stepsOf = async (actionId: number) => {
  const action = await getAction(environment.deps, { actor: tenant.viewer, input: { actionId } });
  return action.timeline.map((event) => event.type).filter((type) => type !== "proposed");
};

describe("sweepPendingDeadlines", () => {
  it("snapshots the policy's deadlines at propose time", async () => {
    const action = await propose();
    const row = await environment.db.agentAction.findUniqueOrThrow({ where: { id: action.id } });
    expect(row.remindAt?.toISOString()).toBe("2026-11-25T11:00:00.000Z");
    expect(row.escalateAt?.toISOString()).toBe("2026-11-25T11:30:00.000Z");
    expect(action.expiresAt).toBe("2026-11-25T12:00:00.000Z");
  });

  it("does each step once when several workers sweep at the same moment", async () => {
    const action = await propose();
    now = new Date("2026-11-25T12:00:00.000Z");
    const sweeps = await Promise.all([1, 2, 3, 4].map(() => sweepPendingDeadlines(deps())));
    expect(sweeps.flatMap((sweep) => sweep.reminded).filter((id) => id === action.id)).toHaveLength(1);
    expect(sweeps.flatMap((sweep) => sweep.escalated).filter((id) => id === action.id)).toHaveLength(1);
    expect(
      sweeps.flatMap((sweep) => sweep.expired).filter((expired) => expired.actionId === action.id),
    ).toEqual([{ actionId: action.id, outcome: "rejected" }]);
    expect(await stepsOf(action.id)).toEqual(["reminder_sent", "escalated", "expired", "rejected"]);
  });

  it("does nothing before its time, and nothing to an action a person already decided", async () => {
    const action = await propose();
    now = new Date("2026-11-25T10:59:59.000Z");
    expect((await sweepPendingDeadlines(deps())).reminded).not.toContain(action.id);
    await approveAction(deps(), { actor: tenant.approver, input: { actionId: action.id } });
    now = new Date("2026-11-25T13:00:00.000Z");
    const sweep = await sweepPendingDeadlines(deps());
    expect([
      ...sweep.reminded,
      ...sweep.escalated,
      ...sweep.expired.map((expired) => expired.actionId),
    ]).not.toContain(action.id);
    expect(await stepsOf(action.id)).not.toContain("reminder_sent");
  });
});
