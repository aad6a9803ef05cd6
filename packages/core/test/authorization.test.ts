import { describe, expect, it } from "vitest";

import type { Actor } from "../src/actor.ts";
import { assertCan, can, type Permission } from "../src/authorization.ts";
import { CoreError } from "../src/errors.ts";

const user = (role: "admin" | "approver" | "viewer"): Actor => ({ kind: "user", tenantId: "t", userId: "u", role, label: role });
const key = (role: "admin" | "approver" | "viewer" | "agent"): Actor => ({ kind: "api_key", tenantId: "t", apiKeyId: "k", role, label: role, ownerId: null });

describe("authorisation by role", () => {
  it("grants each role exactly its permissions", () => {
    const permissions: Permission[] = [
      "action.read",
      "action.propose",
      "action.decide",
      "action.cancel_any",
      "action.roll_back",
      "preference.read",
      "preference.write",
      "policy.read",
      "policy.write",
      "queue.read",
      "template.write",
    ];
    const table = Object.fromEntries(
      [user("admin"), user("approver"), user("viewer"), key("agent")].map((actor) => [actor.label, permissions.filter((permission) => can(actor, permission))]),
    );
    expect(table).toEqual({
      admin: permissions,
      approver: ["action.read", "action.propose", "action.decide", "action.cancel_any", "action.roll_back", "preference.read", "policy.read", "queue.read", "template.write"],
      viewer: ["action.read", "preference.read", "policy.read", "queue.read"],
      agent: ["action.read", "action.propose", "preference.read", "policy.read", "queue.read"],
    });
    expect(can(key("approver"), "action.decide")).toBe(true);
  });

  it("refuses with FORBIDDEN and says who and what", () => {
    expect(() => {
      assertCan(key("agent"), "action.decide");
    }).toThrow(new CoreError("FORBIDDEN", "agent (agent) may not approve or reject actions"));
  });
});
