import { describe, expect, it } from "vitest";

import { findPlaceholders, parsePlaceholder, substitute, valueAt } from "../src/templates/placeholders.ts";
import { createTemplateInputSchema } from "../src/templates/template-schema.ts";

describe("placeholders", () => {
  it("reads parameter and step references, and nothing else", () => {
    expect(parsePlaceholder("params.projectName")).toEqual({ kind: "param", name: "projectName" });
    expect(parsePlaceholder(" steps.0.result.itemId ")).toEqual({ kind: "step", step: 0, path: ["itemId"] });
    expect(parsePlaceholder("steps.12.result.after.title")).toEqual({ kind: "step", step: 12, path: ["after", "title"] });
    for (const wrong of ["params", "params.1x", "steps.0.itemId", "steps.x.result.id", "env.HOME", ""]) expect(parsePlaceholder(wrong)).toBeNull();
  });

  it("finds every placeholder with the path of the string holding it", () => {
    expect(findPlaceholders({ title: "{{params.a}} and {{params.b}}", data: { list: ["x", "{{steps.0.result.id}}"] } }).map((found) => [found.path, found.expression])).toEqual([
      [["title"], "{{params.a}}"],
      [["title"], "{{params.b}}"],
      [["data", "list", 1], "{{steps.0.result.id}}"],
    ]);
  });

  it("keeps the type of a whole placeholder, writes values into text, drops an omitted optional field, leaves unknown ones", () => {
    const values: Record<string, number | string | undefined> = { id: 42, name: "Acme", missing: undefined };
    const resolve = (ref: { kind: string; name?: string }) => (ref.kind === "param" && ref.name !== undefined && ref.name in values ? { value: values[ref.name] } : null);
    expect(
      substitute({ toId: "{{params.id}}", title: "Project {{params.name}} #{{params.id}}", subject: "{{params.missing}}", note: "hi {{params.missing}}!", later: "{{steps.0.result.itemId}}" }, resolve),
    ).toEqual({ toId: 42, title: "Project Acme #42", note: "hi !", later: "{{steps.0.result.itemId}}" });
    expect(valueAt({ after: { title: "T" } }, ["after", "title"])).toBe("T");
    expect(valueAt({ after: { title: "T" } }, ["after", "missing"])).toBeUndefined();
  });
});

describe("template checks", () => {
  const base = {
    name: "Onboard",
    parameters: [{ name: "projectName", type: "string" as const }],
    steps: [
      { actionType: "create" as const, targetType: "project" as const, parameters: { title: "{{params.projectName}}" } },
      { actionType: "link" as const, targetType: "person" as const, targetId: 7, parameters: { toType: "project", toId: "{{steps.0.result.itemId}}", relation: "works_on" } },
    ],
  };

  it("accepts placeholders for declared parameters and earlier steps", () => {
    const parsed = createTemplateInputSchema.parse(base);
    expect(parsed.parameters).toEqual([{ name: "projectName", type: "string", required: true }]);
    expect(parsed.description).toBeNull();
  });

  it("refuses braces in a string default, so a value is never read as a placeholder", () => {
    const result = createTemplateInputSchema.safeParse({ ...base, parameters: [{ name: "projectName", type: "string", default: "{{steps.0.result.itemId}}" }] });
    expect(result.error?.issues.map((issue) => [issue.path.join("."), issue.message])).toEqual([["parameters.0.default", "the default is not a valid string: may not contain {{ or }}"]]);
  });

  it("names every problem at its place", () => {
    const result = createTemplateInputSchema.safeParse({
      ...base,
      parameters: [...base.parameters, { name: "projectName", type: "integer", default: "seven" }],
      steps: [
        { actionType: "create", targetType: "project", parameters: { title: "{{params.projectNam}}", data: { status: "unknown" } } },
        { actionType: "update", targetType: "project", targetId: "{{steps.1.result.itemId}}", parameters: {} },
      ],
    });
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((issue) => [issue.path.join("."), issue.message])).toEqual(
      expect.arrayContaining([
        ["parameters.1.name", '"projectName" is declared twice'],
        ["parameters.1.default", expect.stringMatching(/^the default is not a valid integer: /)],
        ["steps.0.parameters.title", "{{params.projectNam}} names no parameter of this template"],
        ["steps.0.parameters.data.status", expect.stringMatching(/planned/)],
        ["steps.1.targetId", "{{steps.1.result.itemId}} must refer to an earlier step (steps 0 to 0 come before it)"],
        ["steps.1.parameters", "update needs a title or at least one data field"],
      ]),
    );
  });
});
