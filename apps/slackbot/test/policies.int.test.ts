import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { proposeAction, setPolicy, type Actor } from "@leash/core";
import { createTestItem } from "@leash/core/testing";

import { ids } from "../src/ids.ts";
import { editApproveSubmission, sendToBot, signed } from "./slack-requests.ts";
import { APPROVAL_CHANNEL, buttonsOf, clickOnCard, SLACK_USERS, startSlackHarness, waitForCard, waitForLatestCard, type SlackHarness } from "./support.ts";

let harness: SlackHarness;

beforeAll(async () => {
  harness = await startSlackHarness();
});

afterAll(() => harness.close());

const rowOf = (actionId: number) => harness.environment.db.agentAction.findUniqueOrThrow({ where: { id: actionId } });
const eventsOf = (actionId: number) => harness.environment.db.actionEvent.findMany({ where: { actionId }, orderBy: { id: "asc" } });

async function proposeProjectUpdate(title: string, actor: Actor = harness.tenant.agent, targetType: "project" | "idea" = "project") {
  const item = await createTestItem(harness.environment.db, harness.tenant.id, { kind: targetType, title, data: { status: targetType === "project" ? "active" : "new" } });
  const { action } = await proposeAction(harness.environment.deps, {
    actor,
    input: { actionType: "update", targetType, targetId: item.id, parameters: { data: { status: targetType === "project" ? "at_risk" : "exploring" } } },
  });
  return { item, action, card: await waitForCard(harness, action.id) };
}

/** The next ephemeral answer to this Slack user, after the ones already sent. */
async function nextEphemeral(slackUserId: string, before: number) {
  const calls = await harness.slack.waitForCalls("chat.postEphemeral", before + 1, (call) => call.args.user === slackUserId);
  return calls.slice(before).at(-1);
}
const ephemeralsTo = (slackUserId: string) => harness.slack.callsTo("chat.postEphemeral").filter((call) => call.args.user === slackUserId).length;

describe("quorum on the Slack card", () => {
  it("one approval leaves the card pending with '1 of 2 approvals', the same person twice does not count, a second approver executes it", async () => {
    await setPolicy(harness.environment.deps, { actor: harness.tenant.admin, input: { actionType: "update", targetType: "project", requiredApprovals: 2 } });
    try {
      const { action, card } = await proposeProjectUpdate("Two keys");
      expect(JSON.stringify(card.post.args.blocks)).toContain("0 of 2 approvals");

      await clickOnCard(harness, card, { slackUserId: SLACK_USERS.approver, actionId: ids.actions.approve, value: String(action.id) });
      const partial = await waitForLatestCard(harness, card.ts, (text) => text.includes("1 of 2 approvals"));
      expect(JSON.stringify(partial.args.blocks)).toContain(`approved by ${harness.tenant.approver.label}`);
      expect(buttonsOf(partial)).toContain(ids.actions.approve);
      expect((await rowOf(action.id)).status).toBe("pending");

      const before = ephemeralsTo(SLACK_USERS.approver);
      await clickOnCard(harness, card, { slackUserId: SLACK_USERS.approver, actionId: ids.actions.approve, value: String(action.id) });
      expect((await nextEphemeral(SLACK_USERS.approver, before))?.args.text).toContain(`${harness.tenant.approver.label} already approved #${action.id} (1 of 2 approvals)`);

      await clickOnCard(harness, card, { slackUserId: SLACK_USERS.admin, actionId: ids.actions.approve, value: String(action.id) });
      const done = await waitForLatestCard(harness, card.ts, (text) => text.includes("Executed"));
      expect(buttonsOf(done)).toEqual([]);
      expect((await eventsOf(action.id)).map((event) => event.type)).toEqual(["proposed", "approval_added", "approved", "started", "executed"]);
    } finally {
      await setPolicy(harness.environment.deps, { actor: harness.tenant.admin, input: { actionType: "update", targetType: "project" } });
    }
  });
});

describe("separation of duties in Slack", () => {
  it("the proposer clicking Approve or Edit & approve gets an ephemeral refusal that says why, and nothing changes", async () => {
    const { action, card } = await proposeProjectUpdate("Own proposal", harness.tenant.approver);
    for (const button of [ids.actions.approve, ids.actions.editAndApprove]) {
      const before = ephemeralsTo(SLACK_USERS.approver);
      await clickOnCard(harness, card, { slackUserId: SLACK_USERS.approver, actionId: button, value: String(action.id) });
      const refusal = await nextEphemeral(SLACK_USERS.approver, before);
      expect(refusal?.args).toMatchObject({ channel: APPROVAL_CHANNEL });
      expect(refusal?.args.text).toBe(`${harness.tenant.approver.label} proposed #${action.id}: separation of duties requires another approver for #${action.id}`);
    }
    expect((await rowOf(action.id)).status).toBe("pending");
    expect(harness.slack.callsTo("views.open").filter((call) => JSON.stringify(call.args.view).includes(`#${action.id}`))).toEqual([]);
  });
});

describe("Edit & approve", () => {
  it("opens the parameters in a modal, says in the modal what is wrong, and runs the edited parameters with the edit in the timeline", async () => {
    const { item, action, card } = await proposeProjectUpdate("To be edited");
    await clickOnCard(harness, card, { slackUserId: SLACK_USERS.approver, actionId: ids.actions.editAndApprove, value: String(action.id) });
    const [open] = await harness.slack.waitForCalls("views.open", 1, (call) => JSON.stringify(call.args.view).includes(`Edit & approve #${action.id}`));
    const view = open!.args.view as { callback_id: string; private_metadata: string; blocks: { type: string; element?: { initial_value?: string } }[] };
    expect(view.callback_id).toBe(ids.views.editAndApprove);
    expect(JSON.parse(view.blocks.find((block) => block.type === "input")?.element?.initial_value ?? "")).toEqual({ data: { status: "at_risk" } });

    const submit = (parameters: string) => sendToBot(harness.bot.baseUrl, signed(editApproveSubmission({ slackUserId: SLACK_USERS.approver, parameters, privateMetadata: view.private_metadata })));
    const notJson = await submit("{ data: ");
    expect(JSON.parse(notJson.text)).toEqual({ response_action: "errors", errors: { [ids.blocks.editedParameters]: "this is not valid JSON" } });
    const wrong = await submit(JSON.stringify({ data: { status: "on fire" } }));
    expect(JSON.parse(wrong.text)).toMatchObject({ response_action: "errors", errors: { [ids.blocks.editedParameters]: expect.stringContaining("parameters.data.status") } });
    expect((await rowOf(action.id)).status).toBe("pending");

    const accepted = await submit(JSON.stringify({ data: { status: "done" } }));
    expect(accepted).toEqual({ status: 200, text: "" });
    await waitForLatestCard(harness, card.ts, (text) => text.includes("Executed"));
    expect((await harness.environment.db.item.findUniqueOrThrow({ where: { id: item.id } })).data).toEqual({ status: "done" });
    const edit = (await eventsOf(action.id)).find((event) => event.type === "parameters_edited");
    expect(edit).toMatchObject({ actorLabel: harness.tenant.approver.label, details: { original: { data: { status: "at_risk" } }, edited: { data: { status: "done" } } } });
  });
});
