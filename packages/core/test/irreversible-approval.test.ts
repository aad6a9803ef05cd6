import { describe, expect, it } from "vitest";

import { irreversibleApprovalRefusal } from "../src/decisions/irreversible-approval.ts";

const cannotUndo = { reversible: false, until: null, explanation: "a sent message cannot be recalled" };
const canUndo = { reversible: true, until: null, explanation: "rollback restores the item" };

describe("irreversibleApprovalRefusal", () => {
  it("lets a reversible action be approved without a confirmation", () => {
    expect(irreversibleApprovalRefusal(canUndo, 42, undefined)).toBeNull();
  });

  it.each([[undefined], [""], ["43"], ["#42"], ["yes"]])("refuses an irreversible approval confirmed with %j, saying what to type", (confirm) => {
    expect(irreversibleApprovalRefusal(cannotUndo, 42, confirm)).toBe("#42 cannot be undone (a sent message cannot be recalled): type 42 to confirm");
  });

  it("lets it through once the id is typed, spaces aside", () => {
    expect(irreversibleApprovalRefusal(cannotUndo, 42, " 42 ")).toBeNull();
  });
});
