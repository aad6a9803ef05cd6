import { describe, expect, it } from "vitest";

import { GENESIS_HASH, hashAuditEvent, type AuditEventContent } from "../src/audit/event-hash.ts";

const event: AuditEventContent = {
  id: 812n,
  tenantId: "8d0c4a52-1f0e-4a7e-9d55-0c8f3f1e2a10",
  actionId: 203,
  type: "approved",
  actorKind: "user",
  actorId: "5b1f0b7e-2c1d-4a0a-8f4e-7a9b3c2d1e0f",
  actorLabel: "Dana",
  details: '{"reason": null}',
  createdAt: new Date("2026-11-25T10:42:00.123Z"),
};

describe("an audit event's hash", () => {
  it("is a stable hex SHA-256", () => {
    const hash = hashAuditEvent(GENESIS_HASH, 1n, event);
    expect(hash).toMatch(/^[0-9a-f]{64}$/);
    expect(hashAuditEvent(GENESIS_HASH, 1n, { ...event })).toBe(hash);
  });

  it("changes with the previous hash, the place in the chain and every covered field", () => {
    const hash = hashAuditEvent(GENESIS_HASH, 1n, event);
    const variants: AuditEventContent[] = [
      { ...event, id: 813n },
      { ...event, tenantId: "8d0c4a52-1f0e-4a7e-9d55-0c8f3f1e2a11" },
      { ...event, actionId: 204 },
      { ...event, type: "rejected" },
      { ...event, actorKind: "api_key" },
      { ...event, actorId: null },
      { ...event, actorLabel: "Dan" },
      { ...event, details: '{"reason": "edited"}' },
      { ...event, createdAt: new Date("2026-11-25T10:42:00.124Z") },
    ];
    for (const variant of variants) expect(hashAuditEvent(GENESIS_HASH, 1n, variant)).not.toBe(hash);
    expect(hashAuditEvent(GENESIS_HASH, 2n, event)).not.toBe(hash);
    expect(hashAuditEvent("f".repeat(64), 1n, event)).not.toBe(hash);
  });

  it("cannot be matched by moving text between fields", () => {
    const split = hashAuditEvent(GENESIS_HASH, 1n, { ...event, actorLabel: "Da", details: 'na{"reason": null}' });
    expect(split).not.toBe(hashAuditEvent(GENESIS_HASH, 1n, event));
  });
});
