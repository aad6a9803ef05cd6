import { describe, expect, it } from "vitest";

import { MAX_JSON_DEPTH, MAX_PARAMETERS_BYTES, nestsTooDeep } from "../src/actions/json.ts";
import { proposeActionInputSchema, proposeBatchInputSchema } from "../src/proposals/proposal-schema.ts";
import { createTemplateInputSchema, runTemplateInputSchema } from "../src/templates/template-schema.ts";
import { nestedValue } from "../src/testing/junk-input.ts";

const parse = (input: unknown) => proposeActionInputSchema.safeParse(input);
const paths = (input: unknown) => parse(input).error?.issues.map((issue) => issue.path.join(".")) ?? [];

describe("nesting depth", () => {
  it("counts objects and arrays as levels, and stops at the bound without recursion", () => {
    expect(nestsTooDeep({ data: { field: "x" } })).toBe(false);
    expect(nestsTooDeep(nestedValue(MAX_JSON_DEPTH, "object"))).toBe(false);
    expect(nestsTooDeep(nestedValue(MAX_JSON_DEPTH + 1, "array"))).toBe(true);
    expect(nestsTooDeep(nestedValue(1_000_000, "object"))).toBe(true);
  });

  it("refuses deep parameters, template steps and run values by name", () => {
    const deep = nestedValue(50_000, "object");
    expect(parse({ actionType: "create", targetType: "idea", parameters: { title: "t", data: { description: deep } } }).error?.issues).toEqual([
      expect.objectContaining({ path: ["parameters"], message: `parameters must not nest more than ${MAX_JSON_DEPTH} levels deep` }),
    ]);
    const template = createTemplateInputSchema.safeParse({ name: "Deep", steps: [{ actionType: "notify", parameters: { message: deep } }] });
    expect(template.error?.issues).toEqual([expect.objectContaining({ path: ["steps", 0, "parameters"], message: `must not nest more than ${MAX_JSON_DEPTH} levels deep` })]);
    expect(runTemplateInputSchema.safeParse({ templateId: 1, parameters: { title: deep } }).success).toBe(false);
  });
});

describe("proposal schema", () => {
  it("accepts one valid proposal of every type, filling defaults", () => {
    const valid = [
      { actionType: "create", targetType: "person", parameters: { title: "Ada", data: { email: "ada@example.com" } } },
      { actionType: "update", targetType: "project", targetId: 1, parameters: { data: { status: "at_risk", owner: null } } },
      { actionType: "delete", targetType: "idea", targetId: 2, parameters: {} },
      { actionType: "link", targetType: "person", targetId: 1, parameters: { toType: "project", toId: 2, relation: "works on" } },
      { actionType: "notify", parameters: { channel: "email", recipient: "a@b.c", message: "hi" } },
      { actionType: "schedule", targetType: "project", targetId: 3, parameters: { dueAt: "2030-01-01T09:00:00+01:00", message: "check" } },
    ];
    for (const proposal of valid) expect(parse(proposal).success, JSON.stringify(proposal)).toBe(true);
    expect(parse(valid[2]).data?.parameters).toEqual({ permanent: false });
    expect(parse(valid[0]).data).toMatchObject({ parameters: { data: { email: "ada@example.com" } } });
  });

  it("names the field that is wrong", () => {
    expect(paths({ actionType: "launch", parameters: {} })).toEqual(["actionType"]);
    expect(paths({ actionType: "update", targetType: "project", parameters: { title: "x" } })).toEqual(["targetId"]);
    expect(paths({ actionType: "update", targetType: "project", targetId: 1, parameters: {} })).toEqual(["parameters"]);
    expect(paths({ actionType: "create", targetType: "planet", parameters: { title: "x" } })).toEqual(["targetType"]);
    expect(paths({ actionType: "create", targetType: "project", parameters: { title: "x", data: { status: "dreaming" } } })).toEqual([
      "parameters.data.status",
    ]);
    expect(paths({ actionType: "create", targetType: "person", parameters: { title: "x", data: { budget: 3 } } })).toEqual(["parameters.data"]);
    expect(paths({ actionType: "notify", targetType: "person", parameters: { channel: "email", recipient: "a", message: "m" } })).toEqual([
      "targetId",
    ]);
    expect(paths({ actionType: "notify", parameters: { channel: "fax", recipient: "a", message: "m" } })).toEqual(["parameters.channel"]);
    expect(paths({ actionType: "delete", targetType: "idea", targetId: -1, parameters: {} })).toEqual(["targetId"]);
    expect(paths({ actionType: "delete", targetType: "idea", targetId: 1.5, parameters: {} })).toEqual(["targetId"]);
  });

  it("refuses parameters over the size limit and unknown fields", () => {
    const big = { actionType: "notify", parameters: { channel: "email", recipient: "a", message: "m".repeat(4000), subject: "s".repeat(300) } };
    expect(parse(big).success).toBe(true);
    expect(JSON.stringify(big.parameters).length).toBeLessThan(MAX_PARAMETERS_BYTES);
    expect(paths({ actionType: "notify", parameters: { channel: "email", recipient: "a", message: "m", extra: 1 } })).toEqual(["parameters"]);
    expect(paths({ actionType: "notify", parameters: { channel: "email", recipient: "a", message: "m" }, extra: 1 })).toEqual([""]);
  });

  it("a batch reports the index of each invalid action", () => {
    const result = proposeBatchInputSchema.safeParse({
      actions: [
        { actionType: "notify", parameters: { channel: "email", recipient: "a", message: "m" } },
        { actionType: "notify", parameters: { channel: "email", recipient: "a" } },
      ],
    });
    expect(result.error?.issues.map((issue) => issue.path.join("."))).toEqual(["actions.1.parameters.message"]);
    expect(proposeBatchInputSchema.safeParse({ actions: [] }).success).toBe(false);
  });
});
