import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { z } from "zod";

import { hasUnsafeText, safeText, toStorableText, unsafeTextPath } from "../src/actions/storable.ts";
import { listActionsInputSchema } from "../src/actions/action-inputs.ts";
import { linkParameters } from "../src/action-types/link-items.ts";
import { proposeActionInputSchema } from "../src/proposals/proposal-schema.ts";
import { pastInt4, unstorableString } from "../src/testing/junk-input.ts";

const paths = (schema: z.ZodType, input: unknown) => schema.safeParse(input).error?.issues.map((issue) => issue.path.join(".")) ?? [];

describe("what Postgres can store", () => {
  it("tells NUL and lone surrogates from ordinary text, surrogate pairs included", () => {
    expect(hasUnsafeText("plain, ß, 🦜, \u202e")).toBe(false);
    for (const text of ["a\u0000b", "\uD800", "x\uDBFFy", "\uDC00", "\uDFFF\uD800"]) expect(hasUnsafeText(text), JSON.stringify(text)).toBe(true);
    fc.assert(fc.property(unstorableString, (text) => hasUnsafeText(text) && !hasUnsafeText(toStorableText(text))));
  });

  it("finds the first unsafe string of a JSON value, key or value, by path", () => {
    expect(unsafeTextPath({ a: [1, "ok", { b: "x\u0000" }] })).toEqual(["a", 2, "b"]);
    expect(unsafeTextPath({ ["k\uD800"]: 1 })).toEqual(["k\uD800"]);
    expect(unsafeTextPath({ a: ["fine"], b: null })).toBeNull();
  });

  it("a safe text schema stays a string schema with its other checks", () => {
    const schema = safeText(z.string().trim().min(1).max(5));
    expect(schema.safeParse(" ab ").data).toBe("ab");
    expect(schema.safeParse("a\u0000").success).toBe(false);
    expect(schema.safeParse("toolong").success).toBe(false);
  });

  it("refuses instants a timestamptz column cannot hold (no year 0), whatever the offset", () => {
    for (const from of ["0000-01-01T00:00:00Z", "0000-12-31T23:59:59.999Z", "0001-01-01T00:30:00+01:00"]) expect(paths(listActionsInputSchema, { from }), from).toEqual(["from"]);
    for (const to of ["0001-01-01T00:00:00Z", "9999-12-31T23:59:59-05:00"]) expect(paths(listActionsInputSchema, { to }), to).toEqual([]);
  });

  it("refuses any string of a proposal's parameters, and ids and cursors past int4, by path", () => {
    fc.assert(
      fc.property(unstorableString, (text) => {
        expect(paths(proposeActionInputSchema, { actionType: "notify", parameters: { channel: "email", recipient: "a@b.c", message: text } })).toContain("parameters.message");
        expect(paths(listActionsInputSchema, { actor: text })).toContain("actor");
      }),
    );
    fc.assert(
      fc.property(pastInt4.filter((value) => value > 2_147_483_647), (value) => {
        expect(paths(linkParameters, { toType: "project", toId: value, relation: "x" })).toContain("toId");
        expect(paths(listActionsInputSchema, { cursor: value })).toContain("cursor");
      }),
    );
  });
});
