import { describe, expect, it } from "vitest";

import { describeDuration, describeExpiry, policyDeadlines } from "../src/index.ts";

const proposedAt = new Date("2026-11-25T10:00:00.000Z");
const at = (seconds: number) => new Date(proposedAt.getTime() + seconds * 1000);
const policy = {
  expiresAfterSeconds: 7200,
  remindAfterSeconds: 3600,
  escalateAfterSeconds: 5400,
  escalateToUserId: "b1",
};

describe("describeDuration", () => {
  it("reads as its two largest units, rounded down", () => {
    expect(describeDuration(2 * 3600_000)).toBe("2 h");
    expect(describeDuration(80 * 60_000 + 59_000)).toBe("1 h 20 min");
    expect(describeDuration(3600_000 + 5_000)).toBe("1 h");
    expect(describeDuration(45_500)).toBe("45 s");
    expect(describeDuration(3 * 86_400_000 + 4 * 3600_000)).toBe("3 d 4 h");
    expect(describeDuration(400)).toBe("0 s");
  });

  it("says how long is left before expiry, and when it is due", () => {
    expect(describeExpiry(at(7200), at(2400))).toBe("expires in 1 h 20 min");
    expect(describeExpiry(at(7200).toISOString(), at(7200))).toBe("expires any moment now");
  });
});

describe("policyDeadlines", () => {
  it("counts every deadline from the proposal", () => {
    expect(policyDeadlines(policy, proposedAt)).toEqual({
      expiresAt: at(7200),
      remindAt: at(3600),
      escalateAt: at(5400),
    });
  });

  it("sets nothing without a policy, and nothing the policy leaves out", () => {
    expect(policyDeadlines(null, proposedAt)).toEqual({ expiresAt: null, remindAt: null, escalateAt: null });
    expect(
      policyDeadlines({ ...policy, expiresAfterSeconds: null, remindAfterSeconds: null }, proposedAt),
    ).toEqual({
      expiresAt: null,
      remindAt: null,
      escalateAt: at(5400),
    });
  });

  it("drops a reminder or escalation due at or after the expiry, and an escalation with nobody to escalate to", () => {
    expect(
      policyDeadlines({ ...policy, remindAfterSeconds: 7200, escalateAfterSeconds: 9000 }, proposedAt),
    ).toEqual({
      expiresAt: at(7200),
      remindAt: null,
      escalateAt: null,
    });
    expect(policyDeadlines({ ...policy, escalateToUserId: null }, proposedAt).escalateAt).toBeNull();
  });
});
