import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { linkSlackWorkspace, proposeAction } from "@leash/core";
import { createTestItem, waitFor } from "@leash/core/testing";
import { startTestApi } from "@leash/api/test-support";

import { ids } from "../src/ids.ts";
import { BOT } from "./fake-slack.ts";
import { sendToBot, signed, rejectSubmission } from "./slack-requests.ts";
import {
  APPROVAL_CHANNEL,
  buttonsOf,
  cardText,
  cardUpdates,
  clickOnCard,
  SLACK_USERS,
  startSlackHarness,
  waitForCard,
  waitForLatestCard,
  waitUntilSettled,
  type SlackHarness,
} from "./support.ts";

let harness: SlackHarness;
let api: Awaited<ReturnType<typeof startTestApi>>;

beforeAll(async () => {
  harness = await startSlackHarness();
  api = await startTestApi(harness.environment);
});

afterAll(async () => {
  await api.close();
  await harness.close();
});

const rowOf = (actionId: number) => harness.environment.db.agentAction.findUniqueOrThrow({ where: { id: actionId } });
const eventsOf = async (actionId: number) => (await harness.environment.db.actionEvent.findMany({ where: { actionId }, orderBy: { id: "asc" } })).map((event) => event.type);

async function proposeProjectUpdate(title: string) {
  const project = await createTestItem(harness.environment.db, harness.tenant.id, { kind: "project", title, data: { status: "active" } });
  const { action } = await proposeAction(harness.environment.deps, {
    actor: harness.tenant.agent,
    input: { actionType: "update", targetType: "project", targetId: project.id, parameters: { data: { status: "at_risk" } }, reason: "Client call" },
  });
  return { project, action, card: await waitForCard(harness, action.id) };
}

describe("Reject", () => {
  it("opens a modal asking for the reason; the submission records the rejection with that reason and updates the card", async () => {
    const { action, card } = await proposeProjectUpdate("Customer portal");
    const click = await clickOnCard(harness, card, { slackUserId: SLACK_USERS.approver, actionId: ids.actions.reject, value: String(action.id) });
    expect(click.status).toBe(200);

    const [open] = await harness.slack.waitForCalls("views.open", 1, (call) => JSON.stringify(call.args.view).includes(`Reject #${action.id}`));
    const view = open!.args.view as { callback_id: string; private_metadata: string; blocks: { type: string; block_id?: string; element?: { action_id: string } }[] };
    expect(typeof open!.args.trigger_id).toBe("string");
    expect(view.callback_id).toBe(ids.views.rejectReason);
    expect(view.blocks.find((block) => block.type === "input")).toMatchObject({ block_id: ids.blocks.rejectReason, element: { action_id: ids.inputs.rejectReason } });
    expect(JSON.stringify(view.blocks)).toContain("Customer portal");
    expect((await rowOf(action.id)).status).toBe("pending");

    const blank = await sendToBot(harness.bot.baseUrl, signed(rejectSubmission({ slackUserId: SLACK_USERS.approver, reason: "   ", privateMetadata: view.private_metadata })));
    expect(blank.status).toBe(200);
    expect(JSON.parse(blank.text)).toEqual({ response_action: "errors", errors: { [ids.blocks.rejectReason]: "A reason is required" } });
    expect((await rowOf(action.id)).status).toBe("pending");

    const submit = await sendToBot(
      harness.bot.baseUrl,
      signed(rejectSubmission({ slackUserId: SLACK_USERS.approver, reason: "Not before the client confirms", privateMetadata: view.private_metadata })),
    );
    expect(submit.status).toBe(200);
    expect(submit.text).toBe("");

    const rejected = await waitFor(async () => {
      const row = await rowOf(action.id);
      return row.status === "rejected" ? row : undefined;
    });
    expect(rejected).toMatchObject({ rejectionReason: "Not before the client confirms", decidedByLabel: harness.tenant.approver.label });
    const [update] = await harness.slack.waitForCalls("chat.update", 1, (call) => call.args.ts === card.ts);
    expect(update!.args.channel).toBe(APPROVAL_CHANNEL);
    expect(cardText(update!)).toContain(`Rejected by ${harness.tenant.approver.label}`);
    expect(cardText(update!)).toContain("Not before the client confirms");
    expect(buttonsOf(update!)).toEqual([]);
  });
});

describe("refusals", () => {
  it.each([
    ["an unmapped Slack user", SLACK_USERS.unknown],
    ["a viewer", SLACK_USERS.viewer],
  ])("%s gets an ephemeral refusal for Approve and for Reject, and nothing changes", async (_who, slackUserId) => {
    const { action, card } = await proposeProjectUpdate(`Refusal for ${slackUserId}`);
    const ephemeralsBefore = harness.slack.callsTo("chat.postEphemeral").length;
    const opensBefore = harness.slack.callsTo("views.open").length;

    for (const button of [ids.actions.approve, ids.actions.reject]) {
      const response = await clickOnCard(harness, card, { slackUserId, actionId: button, value: String(action.id) });
      expect(response.status).toBe(200);
    }
    const refusals = await harness.slack.waitForCalls("chat.postEphemeral", ephemeralsBefore + 2);
    for (const refusal of refusals.slice(ephemeralsBefore)) {
      expect(refusal.args).toMatchObject({
        channel: APPROVAL_CHANNEL,
        user: slackUserId,
        text: "Only approvers of Tenant acme can decide; ask an admin to link your Slack account",
      });
    }
    // Each refusal is the last thing its click does: after both, nothing else can come of them.
    expect(harness.slack.callsTo("views.open")).toHaveLength(opensBefore);
    expect(await rowOf(action.id)).toMatchObject({ status: "pending", approvedBy: null, decidedByLabel: null });
    expect(await eventsOf(action.id)).toEqual(["proposed"]);
    expect(cardUpdates(harness, card.ts)).toHaveLength(0);
  });
});

describe("the card tells the truth about decisions made elsewhere", () => {
  it("a decision made through the API updates the Slack message too", async () => {
    const approved = await proposeProjectUpdate("Approved through the API");
    const rejected = await proposeProjectUpdate("Rejected through the API");
    await api.client(harness.tenant.keys.approver).action.approve.mutate({ actionId: approved.action.id });
    await api.client(harness.tenant.keys.approver).action.reject.mutate({ actionId: rejected.action.id, reason: "Wrong project" });

    const approvedUpdates = await harness.slack.waitForCalls("chat.update", 2, (call) => call.args.ts === approved.card.ts);
    expect(cardText(approvedUpdates.at(-1)!)).toContain(`Approved by approver key \\"approver-${harness.tenant.slug}\\"`);
    const executed = await waitForLatestCard(harness, approved.card.ts, (text) => /Executed <!date/.test(text));
    // Still the change as proposed, not the item as it is now that the change is made.
    expect(cardText(executed)).toContain("status: active  →  at_risk");
    const [rejection] = await harness.slack.waitForCalls("chat.update", 1, (call) => call.args.ts === rejected.card.ts);
    expect(cardText(rejection!)).toContain("Wrong project");
    expect(buttonsOf(rejection!)).toEqual([]);
  });

  it("a failed execution shows the error on the card", async () => {
    const { project, action, card } = await proposeProjectUpdate("Deleted before approval");
    await harness.environment.db.item.update({ where: { id: project.id }, data: { deletedAt: new Date() } });
    await clickOnCard(harness, card, { slackUserId: SLACK_USERS.admin, actionId: ids.actions.approve, value: String(action.id) });
    await waitFor(async () => (await rowOf(action.id)).status === "failed");
    const last = await waitForLatestCard(harness, card.ts, (text) => text.includes("Failed after"));
    expect(cardText(last)).toContain("Failed after 1 attempt: project #");
    expect(cardText(last)).toContain("has been deleted");
    expect(buttonsOf(last)).toEqual([]);
  });
});

describe("two approvers click Approve at the same moment", () => {
  it("one approval, one execution, one refusal saying who approved", async () => {
    const { action, card } = await proposeProjectUpdate("Clicked twice");
    const ephemeralsBefore = harness.slack.callsTo("chat.postEphemeral").length;
    const responses = await Promise.all([
      clickOnCard(harness, card, { slackUserId: SLACK_USERS.approver, actionId: ids.actions.approve, value: String(action.id) }),
      clickOnCard(harness, card, { slackUserId: SLACK_USERS.admin, actionId: ids.actions.approve, value: String(action.id) }),
    ]);
    expect(responses.map((response) => response.status)).toEqual([200, 200]);
    await waitFor(async () => (await rowOf(action.id)).status === "executed");
    const [refusal] = (await harness.slack.waitForCalls("chat.postEphemeral", ephemeralsBefore + 1)).slice(ephemeralsBefore);
    const row = await rowOf(action.id);
    const winner = row.decidedByLabel;
    const loser = winner === harness.tenant.approver.label ? SLACK_USERS.admin : SLACK_USERS.approver;
    expect(refusal!.args).toMatchObject({ channel: APPROVAL_CHANNEL, user: loser });
    expect(refusal!.args.text).toMatch(new RegExp(`^#${action.id} was already approved by ${winner?.replace(/[()]/g, "\\$&") ?? ""} at <!date\\^\\d+\\^`));

    await waitUntilSettled(harness, [action.id]);
    const events = await eventsOf(action.id);
    expect(events.filter((type) => type === "approved")).toHaveLength(1);
    expect(events.filter((type) => type === "executed")).toHaveLength(1);
    expect(harness.slack.callsTo("chat.postEphemeral")).toHaveLength(ephemeralsBefore + 1);
  });
});

describe("email matching", () => {
  it("when the workspace allows it, a Slack user without a link acts as the user with their Slack email", async () => {
    await linkSlackWorkspace(harness.environment.db, { tenantSlug: harness.tenant.slug, teamId: BOT.teamId, channelId: APPROVAL_CHANNEL, matchEmails: true });
    harness.slack.emails.set("UMATCHED", `ADMIN@${harness.tenant.slug}.test`);
    try {
      const { action, card } = await proposeProjectUpdate("Matched by email");
      await clickOnCard(harness, card, { slackUserId: "UMATCHED", actionId: ids.actions.approve, value: String(action.id) });
      const approved = await waitFor(async () => {
        const row = await rowOf(action.id);
        return row.approvedBy !== null ? row : undefined;
      });
      expect(approved.approvedBy).toBe(harness.tenant.admin.userId);
      expect(harness.slack.callsTo("users.info").map((call) => call.args.user)).toContain("UMATCHED");
    } finally {
      await linkSlackWorkspace(harness.environment.db, { tenantSlug: harness.tenant.slug, teamId: BOT.teamId, channelId: APPROVAL_CHANNEL });
    }
  });

  // The workspace is the tenant's: a Slack Connect channel brings in people of other teams, whose
  // email or even an explicit link says nothing about who they are in the tenant.
  it.each([
    ["a user of another workspace with an admin's email", { slackUserId: "UFOREIGN", userTeamId: "TOTHER" }],
    ["a linked approver clicking as a member of another workspace", { slackUserId: SLACK_USERS.approver, userTeamId: "TOTHER" }],
    ["on Enterprise Grid, a user of another org with an admin's email", { slackUserId: "UFOREIGN", userTeamId: "EOTHER", enterpriseId: "EACME" }],
  ])("%s gets an ephemeral refusal, and nothing changes", async (_who, clicker) => {
    await linkSlackWorkspace(harness.environment.db, { tenantSlug: harness.tenant.slug, teamId: BOT.teamId, channelId: APPROVAL_CHANNEL, matchEmails: true });
    harness.slack.emails.set("UFOREIGN", `admin@${harness.tenant.slug}.test`);
    try {
      const { action, card } = await proposeProjectUpdate(`Clicked from outside by ${clicker.slackUserId} of ${clicker.userTeamId}`);
      const refusalsBefore = harness.slack.callsTo("chat.postEphemeral").length;
      const response = await clickOnCard(harness, card, { ...clicker, actionId: ids.actions.approve, value: String(action.id) });
      expect(response.status).toBe(200);
      const [refusal] = (await harness.slack.waitForCalls("chat.postEphemeral", refusalsBefore + 1)).slice(refusalsBefore);
      expect(refusal!.args).toMatchObject({
        channel: APPROVAL_CHANNEL,
        user: clicker.slackUserId,
        text: "Only approvers of Tenant acme can decide; ask an admin to link your Slack account",
      });
      // The refusal ends the click: nothing was decided, and Slack was not even asked for the email.
      expect(await rowOf(action.id)).toMatchObject({ status: "pending", approvedBy: null, decidedByLabel: null });
      expect(await eventsOf(action.id)).toEqual(["proposed"]);
      expect(harness.slack.callsTo("users.info").filter((call) => call.args.user === clicker.slackUserId)).toHaveLength(0);
    } finally {
      await linkSlackWorkspace(harness.environment.db, { tenantSlug: harness.tenant.slug, teamId: BOT.teamId, channelId: APPROVAL_CHANNEL });
    }
  });

  it("on Enterprise Grid, where Slack names the user's org instead of their team, a user of the linked workspace's org decides", async () => {
    const { action, card } = await proposeProjectUpdate("Approved on Enterprise Grid");
    await clickOnCard(harness, card, { slackUserId: SLACK_USERS.approver, userTeamId: "EACME", enterpriseId: "EACME", actionId: ids.actions.approve, value: String(action.id) });
    const approved = await waitFor(async () => {
      const row = await rowOf(action.id);
      return row.approvedBy !== null ? row : undefined;
    });
    expect(approved.approvedBy).toBe(harness.tenant.approver.userId);
  });
});
