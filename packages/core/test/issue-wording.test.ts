import { describe, expect, it } from "vitest";
import { z } from "zod";

import { fieldLabel, issueSentence, issuesSummary, issueWording } from "../src/issue-wording.ts";
import { inputIssues } from "../src/validation.ts";

/** The sentence a person reads for the first issue of parsing `input` with `schema`. */
function sentenceFor(schema: z.ZodType, input: unknown): string {
  const [issue] = inputIssues(schema.safeParse(input).error?.issues ?? []);
  if (!issue) throw new Error("the input was valid");
  return issueSentence(issue);
}

describe("issue wording: zod's issues in plain words, naming the field", () => {
  it.each([
    ["invalid_type, missing", z.object({ title: z.string() }), {}, "Title is required"],
    ["invalid_type, NaN", z.object({ priority: z.number() }), { priority: Number.NaN }, "Priority must be a number"],
    ["invalid_type, text for a number", z.object({ priority: z.number() }), { priority: "high" }, "Priority must be a number"],
    ["invalid_type, not a whole number", z.object({ count: z.int() }), { count: 1.5 }, "Count must be a whole number"],
    ["invalid_type, a list", z.object({ tags: z.array(z.string()) }), { tags: "a" }, "Tags must be a list"],
    ["invalid_type, a boolean", z.object({ enabled: z.boolean() }), { enabled: "yes" }, "Enabled must be true or false"],
    ["too_small, string", z.object({ title: z.string().min(1) }), { title: "" }, "Title must have at least 1 character"],
    ["too_small, string, plural", z.object({ name: z.string().min(3) }), { name: "ab" }, "Name must have at least 3 characters"],
    ["too_big, string", z.object({ name: z.string().max(80) }), { name: "x".repeat(81) }, "Name must have at most 80 characters"],
    ["too_small, number", z.object({ threshold: z.number().min(0) }), { threshold: -1 }, "Threshold must be at least 0"],
    ["too_small, positive number", z.object({ maxPerHour: z.int().positive() }), { maxPerHour: 0 }, "Max per hour must be greater than 0"],
    ["too_big, number", z.object({ expiresAfter: z.int().max(2_147_483_647) }), { expiresAfter: 2_147_483_648 }, "Expires after must be at most 2,147,483,647"],
    ["too_small, array", z.object({ steps: z.array(z.string()).min(1) }), { steps: [] }, "Steps must have at least 1 item"],
    ["too_big, array", z.object({ actions: z.array(z.string()).max(2) }), { actions: ["a", "b", "c"] }, "Actions must have at most 2 items"],
    ["exact length", z.object({ code: z.string().length(4) }), { code: "abc" }, "Code must have exactly 4 characters"],
    ["invalid_format, date", z.object({ dueDate: z.iso.date() }), { dueDate: "next week" }, "Due date must be a date like 2026-12-31"],
    ["invalid_format, date and time", z.object({ dueAt: z.iso.datetime({ offset: true }) }), { dueAt: "soon" }, "Due at must be a date and time like 2026-12-31T09:30:00Z"],
    ["invalid_format, email", z.object({ recipient: z.email() }), { recipient: "ada" }, "Recipient must be an email address like ada@example.com"],
    ["invalid_format, url", z.object({ callbackUrl: z.url() }), { callbackUrl: "nowhere" }, "Callback URL must be a web address like https://example.com"],
    ["invalid_format, regex", z.object({ code: z.string().regex(/^[a-z]+$/) }), { code: "A1" }, "Code is not in an accepted form"],
    ["invalid_format, starts with", z.object({ path: z.string().startsWith("/") }), { path: "a" }, 'Path must start with "/"'],
    ["invalid_value, enum", z.object({ role: z.enum(["viewer", "approver", "admin"]) }), { role: "owner" }, "Role must be one of: viewer, approver, admin"],
    ["invalid_value, literal", z.object({ confirm: z.literal(true) }), { confirm: false }, "Confirm must be true"],
    ["unrecognized_keys", z.strictObject({ name: z.string() }), { name: "a", cc: "boss" }, "The input does not take the field cc"],
    ["unrecognized_keys, nested", z.object({ parameters: z.strictObject({}) }), { parameters: { a: 1, b: 2 } }, "Parameters does not take the fields a, b"],
    ["not_multiple_of", z.object({ step: z.number().multipleOf(5) }), { step: 7 }, "Step must be a multiple of 5"],
    ["invalid_union", z.object({ value: z.union([z.string(), z.number()]) }), { value: true }, "Value does not match any of the accepted forms"],
    ["invalid_union of a discriminator", z.discriminatedUnion("kind", [z.object({ kind: z.literal("create") }), z.object({ kind: z.literal("delete") })]), { kind: "rename" }, "Kind must be one of: create, delete"],
    ["custom without a message", z.object({ slug: z.string().refine(() => false) }), { slug: "a" }, "Slug is not valid"],
    ["custom message said of the field", z.object({ dueAt: z.string().refine(() => false, "must be in the future") }), { dueAt: "a" }, "Due at must be in the future"],
    ["custom message that is a sentence", z.object({ name: z.string().refine(() => false, "Pick another name.") }), { name: "a" }, "Pick another name."],
    ["custom message on a size check", z.object({ reason: z.string().min(1, "a reason is required") }), { reason: "" }, "A reason is required"],
    ["custom message said of the field, on a format check", z.object({ slug: z.string().regex(/^[a-z]+$/, "must use only lowercase letters") }), { slug: "A" }, "Slug must use only lowercase letters"],
    ["custom message that asks for something", z.object({ escalateToUserId: z.string().refine(() => false, "name the backup approver to escalate to") }), { escalateToUserId: "" }, "Name the backup approver to escalate to"],
    ["custom message starting with not", z.object({ approver: z.string().refine(() => false, "not a user of this tenant") }), { approver: "x" }, "Approver is not a user of this tenant"],
  ])("%s", (_case, schema, input, expected) => {
    const sentence = sentenceFor(schema, input);
    expect(sentence).toBe(expected);
    expect(sentence).not.toMatch(/expected|received|NaN|Invalid input/);
  });

  it("keeps the words said of the field for the API, which puts the path in front", () => {
    const issues = inputIssues(z.object({ title: z.string().min(1) }).safeParse({ title: "" }).error?.issues ?? []);
    expect(issues).toEqual([{ path: ["title"], message: "must have at least 1 character" }]);
  });

  it("words a raw zod issue the same way", () => {
    const [issue] = z.number().safeParse(undefined).error?.issues ?? [];
    if (!issue) throw new Error("expected an issue");
    expect(issueWording(issue)).toBe("is required");
  });

  it.each([
    [["dueAt"], "Due at"],
    [["parameters", "target_id"], "Target ID"],
    [["steps", 0], "Steps (item 1)"],
    [["api-key-name"], "API key name"],
    [[], "The input"],
  ] as const)("labels %j as %s", (path, label) => {
    expect(fieldLabel(path)).toBe(label);
  });

  it("summarises a refusal by its first issue and counts the rest", () => {
    expect(issuesSummary([])).toBeUndefined();
    expect(issuesSummary([{ path: ["title"], message: "is required" }])).toBe("Title is required.");
    expect(
      issuesSummary([
        { path: ["title"], message: "is required" },
        { path: ["priority"], message: "must be a number" },
        { path: ["owner"], message: "is required" },
      ]),
    ).toBe("Title is required. 2 more fields need a look.");
  });
});
