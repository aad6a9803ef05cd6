import { Queue } from "bullmq";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import {
  approveAction,
  cancelAction,
  findSlackWorkspace,
  linkSlackUser,
  linkSlackWorkspace,
  proposeAction,
  queueNames,
  rejectAction,
  resolveSlackActor,
  setPreference,
  unlinkSlackWorkspace,
} from "../src/index.ts";
import { createTestEnvironment, createTestTenant, type TestEnvironment, type TestTenant } from "../src/testing/index.ts";

let environment: TestEnvironment;
let acme: TestTenant;
let globex: TestTenant;
let events: Queue;

beforeAll(async () => {
  environment = await createTestEnvironment();
  acme = await createTestTenant(environment.db, "acme");
  globex = await createTestTenant(environment.db, "globex");
  events = new Queue(queueNames.actionEvents, { connection: environment.redis, prefix: environment.queuePrefix });
});

afterAll(async () => {
  await events.close();
  await environment.close();
});

const noEmail = () => Promise.resolve(null);
/** A request from a user of the TACME workspace itself. */
const ofAcme = (userId: string) => ({ userId, teamId: "TACME", from: { teamId: "TACME", enterpriseId: null } });

describe("Slack workspace and user mappings", () => {
  it("links a workspace to a tenant, changes its channel on a second run, and refuses a second tenant or team", async () => {
    const linked = await linkSlackWorkspace(environment.db, { tenantSlug: "acme", teamId: "TACME", channelId: "CAPPROVALS" });
    expect(linked).toMatchObject({ teamId: "TACME", approvalChannelId: "CAPPROVALS", matchEmails: false, tenant: { id: acme.id, slug: "acme" } });
    await linkSlackWorkspace(environment.db, { tenantSlug: "acme", teamId: "TACME", channelId: "CDECISIONS" });
    expect(await findSlackWorkspace(environment.db, "TACME")).toMatchObject({ approvalChannelId: "CDECISIONS" });

    await expect(linkSlackWorkspace(environment.db, { tenantSlug: "globex", teamId: "TACME", channelId: "CONE" })).rejects.toMatchObject({
      code: "CONFLICT",
      message: "Slack workspace TACME is already linked to acme",
    });
    await expect(linkSlackWorkspace(environment.db, { tenantSlug: "acme", teamId: "TOTHER", channelId: "CONE" })).rejects.toMatchObject({
      code: "CONFLICT",
      message: "acme is already linked to Slack workspace TACME; unlink it first",
    });
    await expect(linkSlackWorkspace(environment.db, { tenantSlug: "acme", teamId: "TACME", channelId: "#approvals" })).rejects.toMatchObject({
      code: "INVALID",
    });
    expect(await findSlackWorkspace(environment.db, "TNOBODY")).toBeNull();
  });

  it("links Slack users to users of the workspace's tenant only, and resolves them to actors", async () => {
    const workspace = await linkSlackWorkspace(environment.db, { tenantSlug: "acme", teamId: "TACME", channelId: "CAPPROVALS" });
    await linkSlackUser(environment.db, { tenantSlug: "acme", teamId: "TACME", slackUserId: "UDANA", email: "APPROVER@acme.test" });
    await expect(resolveSlackActor(environment.db, { workspace, requester: ofAcme("UDANA"), lookupEmail: noEmail })).resolves.toEqual(acme.approver);

    await expect(linkSlackUser(environment.db, { tenantSlug: "acme", teamId: "TACME", slackUserId: "UXYZ", email: "approver@globex.test" })).rejects.toMatchObject({
      code: "NOT_FOUND",
      message: "No user approver@globex.test in acme",
    });
    await expect(linkSlackUser(environment.db, { tenantSlug: "globex", teamId: "TACME", slackUserId: "UXYZ", email: "approver@globex.test" })).rejects.toMatchObject({
      code: "NOT_FOUND",
    });
    await expect(resolveSlackActor(environment.db, { workspace, requester: ofAcme("UNOBODY"), lookupEmail: noEmail })).rejects.toMatchObject({
      code: "FORBIDDEN",
      message: `Your Slack account is not linked to a user of ${workspace.tenant.name}`,
    });
  });

  it("matches by the Slack email only when the workspace allows it, and asks Slack only then", async () => {
    let lookups = 0;
    const lookupEmail = () => {
      lookups += 1;
      return Promise.resolve("Viewer@Acme.test");
    };
    const strict = await linkSlackWorkspace(environment.db, { tenantSlug: "acme", teamId: "TACME", channelId: "CAPPROVALS" });
    await expect(resolveSlackActor(environment.db, { workspace: strict, requester: ofAcme("UVICTOR"), lookupEmail })).rejects.toMatchObject({ code: "FORBIDDEN" });
    expect(lookups).toBe(0);
    const matching = await linkSlackWorkspace(environment.db, { tenantSlug: "acme", teamId: "TACME", channelId: "CAPPROVALS", matchEmails: true });
    await expect(resolveSlackActor(environment.db, { workspace: matching, requester: ofAcme("UVICTOR"), lookupEmail })).resolves.toEqual(acme.viewer);
    expect(lookups).toBe(1);
  });

  it("unlinking a workspace removes its user links", async () => {
    await linkSlackWorkspace(environment.db, { tenantSlug: "globex", teamId: "TGLOBEX", channelId: "CGLOBEX" });
    await linkSlackUser(environment.db, { tenantSlug: "globex", teamId: "TGLOBEX", slackUserId: "UGLO", email: "admin@globex.test" });
    await expect(unlinkSlackWorkspace(environment.db, { tenantSlug: "globex" })).resolves.toEqual({ teamId: "TGLOBEX" });
    expect(await environment.db.slackUserLink.count({ where: { teamId: "TGLOBEX" } })).toBe(0);
    await expect(unlinkSlackWorkspace(environment.db, { tenantSlug: "globex" })).rejects.toMatchObject({ code: "NOT_FOUND" });
  });
});

describe("action events for the Slack bot", () => {
  const published = async () => (await events.getJobs(["waiting", "delayed", "active", "completed", "failed"])).map((job) => job.data as { actionId: number; type: string; tenantId: string });

  it("are published after each change of an action that waits for a person, in a tenant with Slack only", async () => {
    await linkSlackWorkspace(environment.db, { tenantSlug: "acme", teamId: "TACME", channelId: "CAPPROVALS" });
    const notify = { actionType: "notify" as const, parameters: { channel: "email" as const, recipient: "a@b.test", message: "hi" } };
    const first = await proposeAction(environment.deps, { actor: acme.agent, input: notify });
    await approveAction(environment.deps, { actor: acme.approver, input: { actionId: first.action.id } });
    const second = await proposeAction(environment.deps, { actor: acme.agent, input: notify });
    await rejectAction(environment.deps, { actor: acme.approver, input: { actionId: second.action.id, reason: "no" } });
    const third = await proposeAction(environment.deps, { actor: acme.agent, input: notify });
    await cancelAction(environment.deps, { actor: acme.agent, input: { actionId: third.action.id } });

    await setPreference(environment.deps, { actor: acme.admin, input: { actionType: "notify", autoApprove: true } });
    const automatic = await proposeAction(environment.deps, { actor: acme.agent, input: notify });
    const elsewhere = await proposeAction(environment.deps, { actor: globex.agent, input: notify });
    await approveAction(environment.deps, { actor: globex.approver, input: { actionId: elsewhere.action.id } });

    const jobs = await published();
    const ids = new Set(jobs.map((job) => job.actionId));
    expect(ids.has(automatic.action.id)).toBe(false);
    expect(ids.has(elsewhere.action.id)).toBe(false);
    const of = (actionId: number) => jobs.filter((job) => job.actionId === actionId).map((job) => job.type).sort();
    expect(of(first.action.id)).toEqual(["approved", "proposed"]);
    expect(of(second.action.id)).toEqual(["proposed", "rejected"]);
    expect(of(third.action.id)).toEqual(["cancelled", "proposed"]);
    expect(jobs.every((job) => job.tenantId === acme.id)).toBe(true);
  });
});
