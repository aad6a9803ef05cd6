import { Writable } from "node:stream";

import { Queue } from "bullmq";

import { createLogger, executeActionJob, linkSlackUser, linkSlackWorkspace, queueNames } from "@leash/core";
import { createTestEnvironment, createTestTenant, testRedisUrl, waitFor, type TestEnvironment, type TestTenant } from "@leash/core/testing";
import { startTestWorker } from "@leash/worker/test-support";

import { startSlackBot, type SlackBot } from "../src/slack-bot.ts";
import { BOT, startFakeSlack, type FakeSlack, type SlackCall } from "./fake-slack.ts";
import { buttonClick, sendToBot, signed, SIGNING_SECRET } from "./slack-requests.ts";

export const APPROVAL_CHANNEL = "CAPPROVALS";
export const WEB_BASE_URL = "http://console.leash.test";

/** Slack users of the test workspace, linked to the tenant's users of each role (UNKNOWN is linked to nobody). */
export const SLACK_USERS = { approver: "UDANA", admin: "UADA", viewer: "UVICTOR", unknown: "UNOBODY" } as const;

export interface SlackHarness {
  environment: TestEnvironment;
  tenant: TestTenant;
  slack: FakeSlack;
  bot: SlackBot;
  /** The message of each line the bot logged, in order. */
  logs: string[];
  close(): Promise<void>;
}

/** A logger that keeps each line's message, so a test can wait for the bot to say what it did. */
function collectingLogger(logs: string[]) {
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      const { msg } = JSON.parse(chunk.toString("utf8")) as { msg?: string };
      logs.push(msg ?? "");
      done();
    },
  });
  return createLogger({ name: "slackbot", destination });
}

/**
 * Everything an end-to-end test of the bot needs, for real: its own database and queue prefix, a
 * tenant linked to the Slack workspace with one linked Slack user per role, the worker, a fake
 * Slack Web API, and the bot itself listening on a free port.
 */
export async function startSlackHarness(options: { worker?: boolean; socketMode?: boolean } = {}): Promise<SlackHarness> {
  const environment = await createTestEnvironment();
  const tenant = await createTestTenant(environment.db, "acme");
  await linkSlackWorkspace(environment.db, { tenantSlug: tenant.slug, teamId: BOT.teamId, channelId: APPROVAL_CHANNEL });
  for (const role of ["approver", "admin", "viewer"] as const) {
    await linkSlackUser(environment.db, { tenantSlug: tenant.slug, teamId: BOT.teamId, slackUserId: SLACK_USERS[role], email: `${role}@${tenant.slug}.test` });
  }
  const slack = await startFakeSlack();
  const worker = options.worker === false ? null : await startTestWorker(environment);
  const logs: string[] = [];
  const bot = await startSlackBot({
    core: environment.deps,
    redisUrl: testRedisUrl,
    queuePrefix: environment.queuePrefix,
    botToken: BOT.token,
    ...(options.socketMode ? { appToken: "xapp-test-token" } : { signingSecret: SIGNING_SECRET }),
    apiUrl: slack.apiUrl,
    webBaseUrl: WEB_BASE_URL,
    host: "127.0.0.1",
    port: 0,
    logger: collectingLogger(logs),
  });
  return {
    environment,
    tenant,
    slack,
    bot,
    logs,
    async close() {
      await bot.close();
      await worker?.close();
      await slack.close();
      await environment.close();
    },
  };
}

/** How many lines the bot logged so far whose message contains `message`. */
export function logCount(harness: SlackHarness, message: string): number {
  return harness.logs.filter((line) => line.includes(message)).length;
}

/** Waits until the bot has logged `message` `count` times in all. */
export async function waitForLog(harness: SlackHarness, message: string, count: number): Promise<void> {
  await waitFor(() => Promise.resolve(logCount(harness, message) >= count), { what: `${count} log line(s) "${message}"` });
}

/**
 * Waits until nothing is in flight any more: the worker holds no live job for the given actions and
 * the card worker has handled every action event (none waiting, delayed or running). A change
 * publishes its events before it returns, so after this nothing reaches Slack until something
 * changes again.
 */
export async function waitUntilSettled(harness: SlackHarness, actionIds: readonly number[] = []): Promise<void> {
  const { redis, queuePrefix } = harness.environment;
  const actions = new Queue(queueNames.actions, { connection: redis, prefix: queuePrefix });
  const events = new Queue(queueNames.actionEvents, { connection: redis, prefix: queuePrefix });
  const live = new Set(["waiting", "active", "delayed", "prioritized", "waiting-children"]);
  try {
    await waitFor(
      async () => {
        const states = await Promise.all(actionIds.map((id) => actions.getJobState(executeActionJob.jobId(id))));
        if (states.some((state) => live.has(state))) return false;
        const counts = await events.getJobCounts("waiting", "active", "delayed", "prioritized");
        return Object.values(counts).every((count) => count === 0);
      },
      { what: "the worker and the card worker to finish" },
    );
  } finally {
    await Promise.all([actions.close(), events.close()]);
  }
}

/** The text a person reads on a posted or updated card (all of its blocks). */
export function cardText(call: SlackCall): string {
  return JSON.stringify(call.args.blocks ?? []);
}

/** The action ids of the buttons on a card. */
export function buttonsOf(call: SlackCall): string[] {
  const blocks = (call.args.blocks ?? []) as { type: string; elements?: { type: string; action_id?: string }[] }[];
  return blocks.flatMap((block) => (block.type === "actions" ? (block.elements ?? []).filter((element) => element.type === "button").map((element) => element.action_id ?? "") : []));
}

const isCardOf = (actionId: number) => (call: SlackCall) => cardText(call).includes(`Action #${actionId} ·`);

/** Waits for the action's card to be posted, and returns the post with the channel and ts it got. */
export async function waitForCard(harness: SlackHarness, actionId: number): Promise<{ post: SlackCall; channel: string; ts: string }> {
  const [post] = await harness.slack.waitForCalls("chat.postMessage", 1, isCardOf(actionId));
  const stored = await waitFor(async () => {
    const row = await harness.environment.db.agentAction.findUniqueOrThrow({ where: { id: actionId } });
    return row.slackMessageTs !== null && row.slackChannelId !== null ? { channel: row.slackChannelId, ts: row.slackMessageTs } : undefined;
  });
  if (!post) throw new Error("no card");
  return { post, ...stored };
}

export function cardPosts(harness: SlackHarness, actionId: number): SlackCall[] {
  return harness.slack.callsTo("chat.postMessage").filter(isCardOf(actionId));
}

export function cardUpdates(harness: SlackHarness, ts: string): SlackCall[] {
  return harness.slack.callsTo("chat.update").filter((call) => call.args.ts === ts);
}

/** Clicks a button on the action's card as the given Slack user. */
export function clickOnCard(
  harness: SlackHarness,
  card: { channel: string; ts: string },
  click: { slackUserId: string; actionId: string; value: string; responseUrl?: string; userTeamId?: string; enterpriseId?: string },
) {
  const body = buttonClick({
    slackUserId: click.slackUserId,
    actionId: click.actionId,
    value: click.value,
    channelId: card.channel,
    messageTs: card.ts,
    responseUrl: click.responseUrl ?? harness.slack.responseUrl(`click-${click.slackUserId}-${click.value}`),
    userTeamId: click.userTeamId,
    enterpriseId: click.enterpriseId,
  });
  return sendToBot(harness.bot.baseUrl, signed(body));
}

/** Waits until the card's latest version says what `matches` looks for, and returns that version. */
export function waitForLatestCard(harness: SlackHarness, ts: string, matches: (text: string) => boolean): Promise<SlackCall> {
  return waitFor(
    () => {
      const latest = cardUpdates(harness, ts).at(-1);
      return Promise.resolve(latest && matches(cardText(latest)) ? latest : undefined);
    },
    { what: `the card ${ts} to be updated` },
  );
}
