import { z } from "zod";
import { describe, expect, it } from "vitest";

import { builtInActionTypes } from "../src/action-types/action-type-registry.ts";
import { checkStep } from "../src/templates/check-step.ts";
import { fieldForIssue, parameterFormFields, parameterFormValues, parametersFromForm, type ParameterField } from "../src/action-types/parameter-form.ts";
import type { JsonObject } from "../src/actions/json.ts";

const definition = (type: string) => {
  const found = builtInActionTypes.find((candidate) => candidate.type === type);
  if (!found) throw new Error(`no type ${type}`);
  return found;
};
const fieldsOf = (type: string) => parameterFormFields(definition(type));
/** What a form post of these values looks like to the reader. */
const posted = (values: Record<string, string>) => ({ get: (name: string) => values[name], names: Object.keys(values) });
const summary = (fields: ParameterField[]) => fields.map((field) => `${field.path.join(".")}:${field.kind}${field.required ? "!" : ""}`);

describe("parameterFormFields", () => {
  it("describes every built-in type's parameters as form fields", () => {
    expect(Object.fromEntries(builtInActionTypes.map((type) => [type.type, summary(parameterFormFields(type))]))).toEqual({
      create: ["title:text!", "data:map"],
      update: ["title:text", "data:map"],
      delete: ["permanent:boolean"],
      link: ["toType:choice!", "toId:integer!", "relation:text!"],
      notify: ["channel:choice!", "recipient:text!", "subject:text", "message:long_text!"],
      schedule: ["dueAt:text!", "message:long_text!", "recipient:text"],
      // What Leash fills in at proposal (url, undoable) is not asked.
      http: ["connector:text!", "method:choice!", "path:text!", "body:json"],
      external: ["tool:text!", "arguments:map", "summary:text!"],
    });
  });

  it("gives labels for people, bounds, options and descriptions", () => {
    const link = fieldsOf("link");
    expect(link[1]).toEqual({ path: ["toId"], label: "To id", required: true, kind: "integer", min: 1, max: 2_147_483_647 });
    expect(link[0]).toMatchObject({ kind: "choice", options: [{ value: "person", label: "person" }, { value: "project", label: "project" }, { value: "idea", label: "idea" }, { value: "admin", label: "admin" }] });
    expect(fieldsOf("notify")[0]).toMatchObject({ options: expect.arrayContaining([{ value: "in_app", label: "in app" }]) });
    expect(fieldsOf("schedule")[0]).toMatchObject({ label: "Due at", format: "date-time" });
    expect(fieldsOf("http")[0]?.description).toBe("the name of one of the tenant's connectors");
  });

  it("reads nested objects, lists, nullable fields and what JSON Schema cannot describe", () => {
    const fields = parameterFormFields({
      parametersSchema: z.strictObject({
        address: z.strictObject({ city: z.string(), zip: z.string().optional() }),
        tags: z.array(z.string()),
        count: z.number().min(0).max(5).nullable(),
        when: z.date().optional(),
      }),
    });
    expect(summary(fields)).toEqual(["address:object!", "tags:list!", "count:number!", "when:json"]);
    expect(fields[0]).toMatchObject({ fields: [{ path: ["address", "city"], kind: "text", required: true }, { path: ["address", "zip"], required: false }] });
    expect(fields[2]).toMatchObject({ min: 0, max: 5 });
    expect(parameterFormFields({ parametersSchema: z.string() })).toEqual([]);
  });
});

describe("parametersFromForm", () => {
  it("rebuilds an update's parameters from its fields and key-value rows, with typed values", () => {
    const { parameters, issues } = parametersFromForm(
      fieldsOf("update"),
      posted({ "p.title": "", "p.data.0.key": "status", "p.data.0.value": "done", "p.data.1.key": "score", "p.data.1.value": "7", "p.data.2.key": "owner", "p.data.2.value": "null", "p.data.3.key": "", "p.data.3.value": "" }),
      "p.",
    );
    expect(issues).toEqual([]);
    expect(parameters).toEqual({ data: { status: "done", score: 7, owner: null } });
  });

  it("converts numbers and booleans, leaves out empty optional fields, and keeps required ones for the schema to name", () => {
    expect(parametersFromForm(fieldsOf("link"), posted({ "p.toType": "project", "p.toId": " 12 ", "p.relation": "works_on" }), "p.").parameters).toEqual({ toType: "project", toId: 12, relation: "works_on" });
    expect(parametersFromForm(fieldsOf("delete"), posted({ "p.permanent": "on" }), "p.").parameters).toEqual({ permanent: true });
    expect(parametersFromForm(fieldsOf("delete"), posted({}), "p.").parameters).toEqual({ permanent: false });
    const notify = parametersFromForm(fieldsOf("notify"), posted({ "p.channel": "email", "p.recipient": "", "p.subject": "", "p.message": "Hi" }), "p.");
    expect(notify.parameters).toEqual({ channel: "email", recipient: "", message: "Hi" });
    const checked = definition("notify").parametersSchema.safeParse(notify.parameters);
    expect(checked.error?.issues.map((issue) => issue.path)).toEqual([["recipient"]]);
  });

  it("says plainly when a number field holds text or a JSON field is not JSON, under that field", () => {
    const link = parametersFromForm(fieldsOf("link"), posted({ "p.toType": "project", "p.toId": "twelve", "p.relation": "works_on" }), "p.");
    expect(link.issues).toEqual([{ path: ["toId"], message: "enter a whole number" }]);
    const http = parametersFromForm(fieldsOf("http"), posted({ "p.connector": "crm", "p.method": "POST", "p.path": "/x", "p.body": "{nope" }), "p.");
    expect(http.issues).toEqual([{ path: ["body"], message: "this is not valid JSON" }]);
    const unnamed = parametersFromForm(fieldsOf("update"), posted({ "p.data.0.key": "", "p.data.0.value": "done" }), "p.");
    expect(unnamed.issues).toEqual([{ path: ["data"], message: "give the value in row 1 a name" }]);
  });

  it("keeps placeholders where a number is wanted, so a template step with them passes core's check", () => {
    const { parameters, issues } = parametersFromForm(fieldsOf("link"), posted({ "steps.1.p.toType": "project", "steps.1.p.toId": "{{params.projectId}}", "steps.1.p.relation": "works_on" }), "steps.1.p.");
    expect(issues).toEqual([]);
    expect(parameters.toId).toBe("{{params.projectId}}");
    const step = checkStep({ actionType: "link", targetType: "person", targetId: "{{steps.0.result.itemId}}", parameters }, () => 1);
    expect(step.issues).toEqual([]);
  });

  it("round-trips every built-in type's parameters through the form's values", () => {
    const samples: Record<string, JsonObject> = {
      create: { title: "Ada", data: { email: "ada@example.com", score: 3 } },
      update: { title: "Renamed", data: { status: "at_risk" } },
      delete: { permanent: true },
      link: { toType: "project", toId: 4, relation: "works_on" },
      notify: { channel: "in_app", recipient: "dana@example.com", subject: "Hi", message: "Deploy done" },
      schedule: { dueAt: "2027-01-01T10:00:00Z", message: "Call back", recipient: "dana@example.com" },
      http: { connector: "crm", method: "POST", path: "/invoices", body: { amount: 12, lines: ["a"] } },
      external: { tool: "shell", arguments: { command: "ls", dry: true }, summary: "List files" },
    };
    for (const type of builtInActionTypes) {
      const fields = parameterFormFields(type);
      const sample = samples[type.type] ?? {};
      const values = parameterFormValues(fields, sample, "p.");
      expect(parametersFromForm(fields, posted(values), "p.").parameters, type.type).toEqual(sample);
      expect(type.parametersSchema.safeParse(sample).success, type.type).toBe(true);
    }
  });
});

describe("fieldForIssue", () => {
  it("finds the field an issue is about, with the rest of its path inside a map", () => {
    const fields = fieldsOf("update");
    expect(fieldForIssue(fields, ["data", "status"])).toMatchObject({ field: { path: ["data"] }, rest: ["status"] });
    expect(fieldForIssue(fields, ["title"])).toMatchObject({ field: { path: ["title"] }, rest: [] });
    expect(fieldForIssue(fields, [])).toBeNull();
    expect(fieldForIssue(fields, ["unknown"])).toBeNull();
  });
});
