import { webApi } from "@slack/bolt";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { createMetricsRegistry, createSlackbotMetrics, linkSlackUser, linkSlackWorkspace, metricsHandler, silentLogger } from "@leash/core";
import { createTestEnvironment, createTestTenant, testRedisUrl, waitFor, type TestEnvironment, type TestTenant } from "@leash/core/testing";

import { startSlackBot, type SlackBot } from "../src/slack-bot.ts";
import { countingFetch } from "../src/slack-metrics.ts";
import { BOT, startFakeSlack, type FakeSlack } from "./fake-slack.ts";
import { sendToBot, signed, slashCommand, SIGNING_SECRET } from "./slack-requests.ts";

const METRICS_TOKEN = "slackbot-scrape-token-0123456789";

let environment: TestEnvironment;
let tenant: TestTenant;
let slack: FakeSlack;
let bot: SlackBot;
const registry = createMetricsRegistry("slackbot");
const metrics = createSlackbotMetrics(registry);

beforeAll(async () => {
  environment = await createTestEnvironment();
  tenant = await createTestTenant(environment.db, "metrics-slack");
  await linkSlackWorkspace(environment.db, { tenantSlug: tenant.slug, teamId: BOT.teamId, channelId: "CAPPROVALS" });
  await linkSlackUser(environment.db, { tenantSlug: tenant.slug, teamId: BOT.teamId, slackUserId: "UDANA", email: `approver@${tenant.slug}.test` });
  slack = await startFakeSlack();
  // As main.ts starts it with METRICS_TOKEN set.
  bot = await startSlackBot({
    core: environment.deps,
    redisUrl: testRedisUrl,
    queuePrefix: environment.queuePrefix,
    botToken: BOT.token,
    signingSecret: SIGNING_SECRET,
    apiUrl: slack.apiUrl,
    webBaseUrl: "http://console.leash.test",
    host: "127.0.0.1",
    port: 0,
    logger: silentLogger(),
    metrics: { registry, slack: metrics, serveMetrics: metricsHandler({ registry, token: METRICS_TOKEN }) },
  });
});

afterAll(async () => {
  await bot.close();
  await slack.close();
  await environment.close();
});

const scrape = (token?: string) => fetch(`${bot.baseUrl}/metrics`, token ? { headers: { authorization: `Bearer ${token}` } } : {});

describe("the Slack bot's /metrics", () => {
  it("refuses a scrape without the token", async () => {
    expect((await scrape()).status).toBe(401);
    expect((await scrape("some-other-token-0123")).status).toBe(401);
  });

  it("counts acks by kind and Web API errors by method, and serves them with the token", async () => {
    const command = await sendToBot(bot.baseUrl, signed(slashCommand({ slackUserId: "UDANA", text: "99999", channelId: "CAPPROVALS", responseUrl: slack.responseUrl("metrics") })));
    expect(command.status).toBe(200);
    await slack.waitForCalls("response_url:metrics", 1);
    // Any client built with the bot's options counts what fails: the fake answers unknown_method.
    const client = new webApi.WebClient(BOT.token, { slackApiUrl: slack.apiUrl, fetch: countingFetch(metrics), retryConfig: { retries: 0 } });
    await expect(client.apiCall("pins.list")).rejects.toThrow(/unknown_method/);

    const text = await waitFor(async () => {
      const body = await (await scrape(METRICS_TOKEN)).text();
      return /^leash_slack_acks_total\{[^}]*kind="slash_command"[^}]*\} 1$/m.test(body) ? body : undefined;
    }, { what: "the command's ack counted" });
    const names = new Set([...text.matchAll(/^# TYPE (\S+) /gm)].map((match) => match[1]));
    for (const name of ["leash_slack_acks_total", "leash_slack_ack_seconds", "leash_slack_web_api_errors_total", "leash_process_cpu_seconds_total"]) expect(names, name).toContain(name);
    expect(text).toMatch(/^leash_slack_web_api_errors_total\{[^}]*method="pins.list"[^}]*error="unknown_method"[^}]*\} 1$/m);
  });
});
