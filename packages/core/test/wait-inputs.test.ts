import { describe, expect, it } from "vitest";

import { actionTypeNames } from "../src/action-types/action-type-registry.ts";
import { decodeWaitCursor, encodeWaitCursor, proposeAndWaitInputSchema, waitForActionInputSchema } from "../src/waiting/wait-inputs.ts";

describe("the inputs of propose-and-wait and wait", () => {
  it("proposeAndWait takes every action type's proposal, plus a bounded wait defaulting to 25 s", () => {
    for (const actionType of actionTypeNames()) {
      const issues = proposeAndWaitInputSchema.safeParse({ actionType, parameters: {} }).error?.issues ?? [];
      expect(issues.map((issue) => issue.path[0])).not.toContain("actionType");
    }
    const proposal = { actionType: "notify", parameters: { channel: "email", recipient: "a@example.com", message: "hi" } };
    expect(proposeAndWaitInputSchema.parse(proposal)).toMatchObject({ waitSeconds: 25 });
    expect(proposeAndWaitInputSchema.safeParse({ ...proposal, waitSeconds: 26 }).success).toBe(false);
    expect(proposeAndWaitInputSchema.safeParse({ ...proposal, waitSeconds: -1 }).success).toBe(false);
    expect(proposeAndWaitInputSchema.safeParse({ ...proposal, unknown: 1 }).success).toBe(false);
  });

  it("wait takes an action id or a cursor, not both and not neither", () => {
    expect(waitForActionInputSchema.safeParse({ actionId: 1 }).success).toBe(true);
    expect(waitForActionInputSchema.safeParse({ cursor: encodeWaitCursor(1), waitSeconds: 0 }).success).toBe(true);
    expect(waitForActionInputSchema.safeParse({ actionId: 1, cursor: encodeWaitCursor(1) }).success).toBe(false);
    expect(waitForActionInputSchema.safeParse({}).success).toBe(false);
  });

  it("a cursor names its action, and anything else is refused as INVALID", () => {
    expect(decodeWaitCursor(encodeWaitCursor(42))).toBe(42);
    for (const foreign of ["", "42", "not a cursor", Buffer.from("{}").toString("base64url"), Buffer.from('{"actionId":-1}').toString("base64url")]) {
      expect(() => decodeWaitCursor(foreign)).toThrow(expect.objectContaining({ code: "INVALID" }));
    }
  });
});
