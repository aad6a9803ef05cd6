import { afterAll, beforeAll, describe, expect, it } from "vitest";

import type { CreateTemplateInput } from "@leash/core";
import { createTestItem, createTestTenant, waitFor, type TestEnvironment, type TestTenant } from "@leash/core/testing";

import type { AppRouter, TRPCClientError } from "../src/client.ts";
import { startApiStack } from "./support.ts";

let stack: Awaited<ReturnType<typeof startApiStack>>;
let environment: TestEnvironment;
let api: typeof stack.api;
let tenant: TestTenant;

beforeAll(async () => {
  stack = await startApiStack();
  ({ environment, api } = stack);
  tenant = await createTestTenant(environment.db, "templates");
});

afterAll(() => stack.close());

const agent = () => api.client(tenant.keys.agent);
const approver = () => api.client(tenant.keys.approver);
const errorOf = (promise: Promise<unknown>) => promise.then(() => null, (error: unknown) => error as TRPCClientError<AppRouter>);

const onboarding: CreateTemplateInput = {
  name: "Onboard a client",
  description: "A project for the client, its contact person, and the link between them",
  parameters: [
    { name: "projectName", type: "string", description: "Title of the new project" },
    { name: "contactName", type: "string" },
    { name: "contactEmail", type: "string", required: false },
    { name: "dueDate", type: "date", default: "2027-03-31" },
  ],
  steps: [
    { actionType: "create", targetType: "project", parameters: { title: "{{params.projectName}}", data: { status: "planned", dueDate: "{{params.dueDate}}" } } },
    { actionType: "create", targetType: "person", parameters: { title: "{{params.contactName}}", data: { email: "{{params.contactEmail}}", company: "Client of {{params.projectName}}" } } },
    {
      actionType: "link",
      targetType: "person",
      targetId: "{{steps.1.result.itemId}}",
      parameters: { toType: "project", toId: "{{steps.0.result.itemId}}", relation: "contact_for" },
    },
  ],
};

async function finished(actionId: number, apiKey = tenant.keys.viewer) {
  return waitFor(
    async () => {
      const action = await api.client(apiKey).action.get.query({ actionId });
      return ["executed", "failed", "rejected", "cancelled"].includes(action.status) ? action : undefined;
    },
    { what: `#${actionId} to finish` },
  );
}

describe("the template library", () => {
  it("approvers create, update and delete templates; agents read them and may not write", async () => {
    const created = await approver().template.create.mutate({ ...onboarding, name: "Scratch" });
    expect(created).toMatchObject({ name: "Scratch", description: onboarding.description, steps: onboarding.steps });
    expect(created.parameters[0]).toEqual({ name: "projectName", type: "string", required: true, description: "Title of the new project" });
    expect((await agent().template.list.query()).map((template) => template.name)).toContain("Scratch");
    expect(await agent().template.get.query({ templateId: created.id })).toEqual(created);

    const forbidden = await errorOf(agent().template.create.mutate({ ...onboarding, name: "By an agent" }));
    expect(forbidden?.data).toMatchObject({ code: "FORBIDDEN" });
    const duplicate = await errorOf(approver().template.create.mutate({ ...onboarding, name: "Scratch" }));
    expect(duplicate?.data).toMatchObject({ code: "CONFLICT" });

    const updated = await approver().template.update.mutate({ templateId: created.id, name: "Scratch 2", description: null });
    expect(updated).toMatchObject({ name: "Scratch 2", description: null, steps: onboarding.steps });
    const deleted = await approver().template.delete.mutate({ templateId: created.id });
    expect(deleted.id).toBe(created.id);
    expect((await errorOf(agent().template.get.query({ templateId: created.id })))?.data).toMatchObject({ code: "NOT_FOUND" });
  });

  it("refuses a template whose placeholders name unknown parameters or later steps, or whose steps are invalid", async () => {
    const response = await api.call("POST", "template.create", {
      apiKey: tenant.keys.approver,
      body: {
        name: "Broken",
        parameters: [{ name: "title", type: "string" }],
        steps: [
          { actionType: "create", targetType: "idea", parameters: { title: "{{params.titel}}" } },
          { actionType: "update", targetType: "idea", targetId: "{{steps.2.result.itemId}}", parameters: { data: { score: 11 } } },
          { actionType: "notify", parameters: { channel: "pigeon", recipient: "x", message: "{{steps.0.result.title}} {{oops}}" } },
        ],
      },
    });
    expect(response.status).toBe(400);
    expect(response.body.error?.data.issues).toEqual(
      expect.arrayContaining([
        { path: ["steps", "0", "parameters", "title"], message: "{{params.titel}} names no parameter of this template" },
        { path: ["steps", "1", "targetId"], message: "{{steps.2.result.itemId}} must refer to an earlier step (steps 0 to 0 come before it)" },
        expect.objectContaining({ path: ["steps", "1", "parameters", "data", "score"] }),
        expect.objectContaining({ path: ["steps", "2", "parameters", "channel"] }),
        { path: ["steps", "2", "parameters", "message"], message: "{{oops}} is not a placeholder: use {{params.NAME}} or {{steps.N.result.FIELD}}" },
      ]),
    );
    expect(await environment.db.actionTemplate.count({ where: { name: "Broken" } })).toBe(0);
  });
});

describe("running a template", () => {
  it("a 3-step template (create project, create person, link them) produces one project, one person and the link, in order", async () => {
    const template = await approver().template.create.mutate(onboarding);
    const run = await agent().template.run.mutate({
      templateId: template.id,
      parameters: { projectName: "Acme rollout", contactName: "Wile E. Coyote", contactEmail: "wile@acme.test" },
      reason: "Signed this morning",
    });
    expect(run.actions).toHaveLength(3);
    const [project, person, link] = run.actions;
    expect(run.actions.map((action) => [action.templateId, action.templateStep, action.batchId, action.status])).toEqual([
      [template.id, 0, run.batchId, "pending"],
      [template.id, 1, run.batchId, "pending"],
      [template.id, 2, run.batchId, "pending"],
    ]);
    expect([project?.dependsOnId, person?.dependsOnId, link?.dependsOnId]).toEqual([null, project?.id, person?.id]);
    expect(project?.parameters).toEqual({ title: "Acme rollout", data: { status: "planned", dueDate: "2027-03-31" } });
    expect(link?.parameters).toEqual({ toType: "project", toId: "{{steps.0.result.itemId}}", relation: "contact_for" });
    expect(link?.reason).toBe("Signed this morning");

    // Approved last step first: the worker still runs each step only after the one before it executed.
    for (const action of [link, person, project]) await approver().action.approve.mutate({ actionId: action?.id ?? 0 });
    const done = [];
    for (const action of run.actions) done.push(await finished(action.id));
    expect(done.map((action) => action.status)).toEqual(["executed", "executed", "executed"]);

    const projectId = done[0]?.targetId ?? 0;
    const personId = done[1]?.targetId ?? 0;
    expect(await environment.db.item.findMany({ where: { tenantId: tenant.id, id: { in: [projectId, personId] } }, orderBy: { id: "asc" }, select: { kind: true, title: true, data: true } })).toEqual([
      { kind: "project", title: "Acme rollout", data: { status: "planned", dueDate: "2027-03-31" } },
      { kind: "person", title: "Wile E. Coyote", data: { email: "wile@acme.test", company: "Client of Acme rollout" } },
    ]);
    expect(await environment.db.link.findMany({ where: { tenantId: tenant.id }, select: { fromId: true, toId: true, relation: true } })).toEqual([
      { fromId: personId, toId: projectId, relation: "contact_for" },
    ]);
    expect(done[2]).toMatchObject({ targetId: personId, parameters: { toType: "project", toId: projectId, relation: "contact_for" } });
    const started = await environment.db.actionEvent.findMany({ where: { actionId: { in: run.actions.map((action) => action.id) }, type: "executed" }, orderBy: { id: "asc" } });
    expect(started.map((event) => event.actionId)).toEqual(run.actions.map((action) => action.id));
  });

  it("a run with a missing required parameter creates nothing", async () => {
    const template = await approver().template.create.mutate({ ...onboarding, name: "Onboard (strict)" });
    const before = await environment.db.agentAction.count();
    const response = await api.call("POST", "template.run", { apiKey: tenant.keys.agent, body: { templateId: template.id, parameters: { projectName: "Only a project" } } });
    expect(response.status).toBe(400);
    expect(response.body.error?.data.issues).toEqual([expect.objectContaining({ path: ["parameters", "contactName"] })]);
    const wrongType = await api.call("POST", "template.run", { apiKey: tenant.keys.agent, body: { templateId: template.id, parameters: { projectName: "P", contactName: "C", dueDate: "soon" } } });
    expect(wrongType.status).toBe(400);
    const unknown = await api.call("POST", "template.run", { apiKey: tenant.keys.agent, body: { templateId: template.id, parameters: { projectName: "P", contactName: "C", extra: 1 } } });
    expect(unknown.status).toBe(400);
    const braces = await api.call("POST", "template.run", { apiKey: tenant.keys.agent, body: { templateId: template.id, parameters: { projectName: "{{steps.0.result.itemId}}", contactName: "C" } } });
    expect(braces.body.error?.data.issues).toEqual([{ path: ["parameters", "projectName"], message: "may not contain {{ or }}" }]);
    expect(await environment.db.agentAction.count()).toBe(before);
  });

  it("steps go through the approval preferences like any proposal", async () => {
    const other = await createTestTenant(environment.db, "templates-auto");
    await api.client(other.keys.admin).preference.set.mutate({ actionType: "create", targetType: "project", autoApprove: true });
    const template = await api.client(other.keys.approver).template.create.mutate(onboarding);
    const run = await api.client(other.keys.agent).template.run.mutate({ templateId: template.id, parameters: { projectName: "Auto", contactName: "Manual" } });
    expect(run.actions.map((action) => action.status)).toEqual(["approved", "pending", "pending"]);
    const first = await finished(run.actions[0]?.id ?? 0, other.keys.viewer);
    expect(first.status).toBe("executed");
    const second = await api.client(other.keys.viewer).action.get.query({ actionId: run.actions[1]?.id ?? 0 });
    expect(second.status).toBe("pending");
  });

  it("a failed step stops the rest and says which; a rejected one does too", async () => {
    const person = await createTestItem(environment.db, tenant.id, { kind: "person", title: "Linus" });
    const project = await createTestItem(environment.db, tenant.id, { kind: "project", title: "Kernel" });
    await environment.db.link.create({ data: { tenantId: tenant.id, fromId: person.id, toId: project.id, relation: "maintains" } });
    const template = await approver().template.create.mutate({
      name: "Link then note",
      parameters: [{ name: "personId", type: "integer" }, { name: "projectId", type: "integer" }],
      steps: [
        { actionType: "link", targetType: "person", targetId: "{{params.personId}}", parameters: { toType: "project", toId: "{{params.projectId}}", relation: "maintains" } },
        { actionType: "create", targetType: "idea", parameters: { title: "Follow-up for link #{{steps.0.result.linkId}}" } },
        { actionType: "notify", parameters: { channel: "in_app", recipient: tenant.inbox, message: "Linked" } },
      ],
    });
    const ideas = () => environment.db.item.count({ where: { tenantId: tenant.id, kind: "idea" } });
    const ideasBefore = await ideas();
    const run = await agent().template.run.mutate({ templateId: template.id, parameters: { personId: person.id, projectId: project.id } });
    const [link, idea, notify] = run.actions;
    await approver().action.approve.mutate({ actionId: idea?.id ?? 0 });
    await approver().action.approve.mutate({ actionId: link?.id ?? 0 });
    const failed = await finished(link?.id ?? 0);
    expect(failed).toMatchObject({ status: "failed", errorMessage: "Linus is already linked (maintains) to Kernel" });
    const stopped = [await finished(idea?.id ?? 0), await finished(notify?.id ?? 0)];
    expect(stopped.map((action) => [action.status, action.errorMessage, action.attempts])).toEqual([
      ["failed", `step 0 (#${link?.id ?? 0}) failed; not run`, 0],
      ["failed", `step 0 (#${link?.id ?? 0}) failed; not run`, 0],
    ]);
    expect(stopped[0]?.timeline.at(-1)).toMatchObject({ type: "failed", actor: { kind: "system", label: "dependencies" } });
    expect(await ideas()).toBe(ideasBefore);
    expect(await environment.db.notification.count({ where: { tenantId: tenant.id } })).toBe(0);

    const again = await agent().template.run.mutate({ templateId: template.id, parameters: { personId: person.id, projectId: project.id } });
    await approver().action.reject.mutate({ actionId: again.actions[0]?.id ?? 0, reason: "Already linked" });
    const rejected = await approver().action.get.query({ actionId: again.actions[2]?.id ?? 0 });
    expect(rejected).toMatchObject({ status: "failed", errorMessage: `step 0 (#${again.actions[0]?.id ?? 0}) was rejected; not run` });
  });
});
