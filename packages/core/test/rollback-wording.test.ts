import { describe, expect, it } from "vitest";

import { diffItemStates } from "../src/rollback/item-state.ts";
import { allOf, listIds } from "../src/rollback/wording.ts";

describe("rollback wording", () => {
  it("names later actions and counts the undos as a person would", () => {
    expect(listIds([15])).toBe("#15");
    expect(listIds([15, 16])).toBe("#15 and #16");
    expect(listIds([15, 16, 17])).toBe("#15, #16 and #17");
    expect([2, 3, 10, 12].map(allOf)).toEqual(["both", "all three", "all ten", "all 12"]);
  });
});

describe("diffItemStates", () => {
  const item = { title: "Website", data: { status: "active", owner: "Ann" }, deleted: false };

  it("lists the fields that change, from now to restored", () => {
    expect(diffItemStates({ ...item, title: "Site", data: { status: "at_risk" } }, item)).toEqual([
      { field: "title", current: "Site", restored: "Website" },
      { field: "data.status", current: "at_risk", restored: "active" },
      { field: "data.owner", current: null, restored: "Ann" },
    ]);
  });

  it("shows a removed item losing every field and a restored one getting them back", () => {
    const gone = { ...item, deleted: true };
    expect(diffItemStates(item, gone).map((change) => [change.field, change.restored])).toEqual([["title", null], ["data.status", null], ["data.owner", null]]);
    expect(diffItemStates(gone, item).map((change) => [change.field, change.current, change.restored])).toEqual([
      ["title", null, "Website"],
      ["data.status", null, "active"],
      ["data.owner", null, "Ann"],
    ]);
    expect(diffItemStates(item, item)).toEqual([]);
  });
});
