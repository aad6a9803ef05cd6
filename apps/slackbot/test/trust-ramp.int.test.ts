import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { proposeAction } from "@leash/core";
import { waitFor } from "@leash/core/testing";

import { ids } from "../src/ids.ts";
import { buttonClick, buttonClickPayload, sendToBot, signed, slashCommand } from "./slack-requests.ts";
import { SLACK_USERS, startSlackHarness, waitForCard, type SlackHarness } from "./support.ts";

let harness: SlackHarness;

beforeAll(async () => {
  harness = await startSlackHarness();
});

afterAll(async () => {
  await harness.close();
});

/** The card's trust menu, with one of its options chosen, as Slack sends it. */
function chooseTrust(card: { channel: string; ts: string }, slackUserId: string, value: string) {
  const payload = buttonClickPayload({
    slackUserId,
    actionId: ids.actions.approveAndTrust,
    channelId: card.channel,
    messageTs: card.ts,
    responseUrl: harness.slack.responseUrl(`trust-${card.ts}`),
  });
  const [button] = payload.actions as Record<string, unknown>[];
  payload.actions = [
    {
      ...button,
      type: "overflow",
      text: undefined,
      selected_option: { text: { type: "plain_text", text: "trust" }, value },
    },
  ];
  return sendToBot(harness.bot.baseUrl, signed(`payload=${encodeURIComponent(JSON.stringify(payload))}`));
}

describe("the trust ramp in Slack", () => {
  it("the card's menu approves and trusts the agent for 7 days; its next idea runs without a card; rolling that back with /rollback says the grant is suspended", async () => {
    const { environment, tenant, slack } = harness;
    const propose = (title: string) =>
      proposeAction(environment.deps, {
        actor: tenant.agent,
        input: { actionType: "create", targetType: "idea", parameters: { title } },
      });
    const { action } = await propose("Trusted idea");
    const card = await waitForCard(harness, action.id);
    const menu = (
      card.post.args.blocks as {
        type: string;
        elements?: { type: string; action_id?: string; options?: { value: string }[] }[];
      }[]
    )
      .flatMap((block) => block.elements ?? [])
      .find((element) => element.action_id === ids.actions.approveAndTrust);
    expect(menu?.type).toBe("overflow");
    const sevenDays =
      menu?.options?.find((option) => (JSON.parse(option.value) as { days: number }).days === 7)?.value ?? "";

    expect((await chooseTrust(card, SLACK_USERS.approver, sevenDays)).status).toBe(200);
    const grant = await waitFor(
      () =>
        environment.db.autoApprovalGrant
          .findFirst({ where: { tenantId: tenant.id, sourceActionId: action.id } })
          .then((row) => row ?? undefined),
      {
        what: "the grant",
      },
    );
    expect(grant).toMatchObject({
      apiKeyId: tenant.agent.apiKeyId,
      actionType: "create",
      targetType: "idea",
    });

    const { action: next } = await propose("Next idea");
    expect(next.status).toBe("approved");
    await waitFor(
      async () =>
        (await environment.db.agentAction.findUniqueOrThrow({ where: { id: next.id } })).status ===
        "executed",
      { what: "the trusted action to run" },
    );

    // /rollback, then Confirm: the answer names the suspended auto-approval.
    const responseUrl = slack.responseUrl("trust-rollback");
    await sendToBot(
      harness.bot.baseUrl,
      signed(
        slashCommand({
          slackUserId: SLACK_USERS.approver,
          text: String(next.id),
          channelId: "CGENERAL",
          responseUrl,
        }),
      ),
    );
    const [preview] = await slack.waitForCalls("response_url:trust-rollback", 1);
    const confirm = (
      preview?.args.blocks as { type: string; elements?: { action_id: string; value: string }[] }[]
    )
      .flatMap((block) => (block.type === "actions" ? (block.elements ?? []) : []))
      .find((button) => button.action_id === ids.actions.confirmRollback);
    const click = buttonClick({
      slackUserId: SLACK_USERS.approver,
      actionId: ids.actions.confirmRollback,
      value: confirm?.value ?? "",
      channelId: "CGENERAL",
      messageTs: "1700000000.000001",
      ephemeral: true,
      responseUrl,
    });
    await sendToBot(harness.bot.baseUrl, signed(click));
    const answers = await slack.waitForCalls("response_url:trust-rollback", 3);
    expect(String(answers.at(-1)?.args.text)).toContain(
      `The auto-approval of create on idea granted by ${tenant.approver.label} is suspended`,
    );
    const suspended = await waitFor(
      async () =>
        (await environment.db.autoApprovalGrant.findUniqueOrThrow({ where: { id: grant.id } }))
          .suspendedReason ?? undefined,
    );
    expect(suspended).toContain(`#${next.id}, which it auto-approved, was rolled back`);
    expect(
      slack
        .callsTo("chat.postMessage")
        .filter((call) => JSON.stringify(call.args).includes(`Action #${next.id} ·`)),
    ).toHaveLength(0);
  });

  it("a viewer choosing the menu is refused and nothing is granted", async () => {
    const { environment, tenant, slack } = harness;
    const { action } = await proposeAction(environment.deps, {
      actor: tenant.agent,
      input: { actionType: "create", targetType: "project", parameters: { title: "Not trusted" } },
    });
    const card = await waitForCard(harness, action.id);
    await chooseTrust(card, SLACK_USERS.viewer, JSON.stringify({ actionId: action.id, days: 1 }));
    await waitFor(
      () =>
        Promise.resolve(
          slack.calls.some((call) =>
            JSON.stringify(call.args).includes("Only approvers of Tenant acme can decide"),
          ),
        ),
      { what: "the refusal" },
    );
    expect(await environment.db.autoApprovalGrant.count({ where: { sourceActionId: action.id } })).toBe(0);
  });
});
