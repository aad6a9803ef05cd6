import { describe, expect, it } from "vitest";

import { ActionStatus } from "@leash/db";

import { actionTransitions, canTransition, isTerminal, terminalStatuses } from "../src/actions/state-machine.ts";

describe("the action state machine", () => {
  it("allows exactly the transitions of the design", () => {
    const allowed = Object.values(ActionStatus).flatMap((from) =>
      Object.values(ActionStatus).filter((to) => canTransition(from, to)).map((to) => `${from}->${to}`),
    );
    expect(allowed.sort()).toEqual(
      [
        "pending->approved",
        "pending->rejected",
        "pending->cancelled",
        "pending->failed",
        "approved->executing",
        "approved->cancelled",
        "approved->failed",
        "approved->executed",
        "executing->executed",
        "executing->approved",
        "executing->failed",
        "executing->executing",
        "executing->pending",
      ].sort(),
    );
  });

  it("has no way out of a terminal status", () => {
    expect([...terminalStatuses].sort()).toEqual(["cancelled", "executed", "failed", "rejected"]);
    for (const status of terminalStatuses) {
      expect(actionTransitions[status]).toEqual([]);
      expect(isTerminal(status)).toBe(true);
    }
    expect(isTerminal("pending")).toBe(false);
  });

  it("never lets a decision be taken twice or an executing action be cancelled", () => {
    expect(canTransition("approved", "approved")).toBe(false);
    expect(canTransition("rejected", "approved")).toBe(false);
    expect(canTransition("executing", "cancelled")).toBe(false);
    expect(canTransition("executed", "executing")).toBe(false);
  });
});
