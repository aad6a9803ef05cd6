import type { AddressInfo } from "node:net";
import { Writable } from "node:stream";

import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { createApiServer } from "@leash/api/server";
import { createLogger, linkSlackUser, linkSlackWorkspace, type Logger } from "@leash/core";
import { createTestEnvironment, createTestItem, createTestTenant, testRedisUrl, waitFor, type TestEnvironment, type TestTenant } from "@leash/core/testing";
import { startWorkerRuntime, type WorkerRuntime } from "@leash/worker";

import { ids } from "../src/ids.ts";
import { startSlackBot, type SlackBot } from "../src/slack-bot.ts";
import { BOT, startFakeSlack, type FakeSlack, type SlackCall } from "./fake-slack.ts";
import { buttonClick, sendToBot, signed, SIGNING_SECRET, slashCommand } from "./slack-requests.ts";
import { APPROVAL_CHANNEL, SLACK_USERS, waitForCard } from "./support.ts";

/**
 * A full run through the API, the worker and the Slack bot (propose, a Slack approval, execution, a
 * Slack rollback, and refused requests with wrong credentials), with every process logging at trace
 * level into memory and Redis's MONITOR recording every command (so every BullMQ job payload):
 * none of the keys, tokens or secrets used may appear in either.
 */

let environment: TestEnvironment;
let tenant: TestTenant;
let slack: FakeSlack;
let bot: SlackBot;
let worker: WorkerRuntime;
let apiUrl: string;
let closeApi: () => Promise<void>;
let redis: Redis;
let monitor: Redis;
const logLines: string[] = [];
const redisCommands: string[] = [];

function capturingLogger(name: string): Logger {
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      logLines.push(chunk.toString("utf8"));
      done();
    },
  });
  return createLogger({ name, level: "trace", destination });
}

beforeAll(async () => {
  environment = await createTestEnvironment();
  tenant = await createTestTenant(environment.db, "acme");
  await linkSlackWorkspace(environment.db, { tenantSlug: tenant.slug, teamId: BOT.teamId, channelId: APPROVAL_CHANNEL });
  await linkSlackUser(environment.db, { tenantSlug: tenant.slug, teamId: BOT.teamId, slackUserId: SLACK_USERS.approver, email: `approver@${tenant.slug}.test` });

  redis = new Redis(testRedisUrl);
  monitor = await redis.monitor();
  monitor.on("monitor", (_time: string, args: string[]) => {
    // Other test files share this Redis: keep only this file's commands (its keys carry its prefix).
    const command = args.join(" ");
    if (command.includes(environment.queuePrefix)) redisCommands.push(command);
  });

  slack = await startFakeSlack();
  worker = await startWorkerRuntime({
    db: environment.db,
    redisUrl: testRedisUrl,
    queuePrefix: environment.queuePrefix,
    concurrency: 4,
    lockDurationMs: 5_000,
    retryPolicy: { baseDelayMs: 100, maxDelayMs: 1_000 },
    reconcileIntervalMs: 60_000,
    deadlineSweepIntervalMs: 1_000,
    logger: capturingLogger("worker"),
  });
  bot = await startSlackBot({
    core: { ...environment.deps, logger: capturingLogger("slackbot") },
    redisUrl: testRedisUrl,
    queuePrefix: environment.queuePrefix,
    botToken: BOT.token,
    signingSecret: SIGNING_SECRET,
    apiUrl: slack.apiUrl,
    webBaseUrl: "http://console.leash.test",
    host: "127.0.0.1",
    port: 0,
    logger: capturingLogger("slackbot"),
  });
  const server = createApiServer({
    deps: { ...environment.deps, logger: capturingLogger("api") },
    checkReady: () => Promise.resolve({ ok: true, checks: {} }),
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  apiUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/trpc`;
  closeApi = () => new Promise<void>((resolve) => server.close(() => resolve()));
});

afterAll(async () => {
  monitor.disconnect();
  redis.disconnect();
  await closeApi();
  await bot.close();
  await worker.close();
  await slack.close();
  await environment.close();
});

async function callApi(path: string, apiKey: string, body: unknown) {
  const response = await fetch(`${apiUrl}/${path}`, {
    method: "POST",
    headers: { authorization: `Bearer ${apiKey}`, "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as { result?: { data: { action: { id: number } } } } };
}

const rowOf = (actionId: number) => environment.db.agentAction.findUniqueOrThrow({ where: { id: actionId } });

function buttonsOf(reply: SlackCall): { action_id: string; value: string }[] {
  const blocks = (reply.args.blocks ?? []) as { type: string; elements?: { action_id: string; value: string }[] }[];
  return blocks.flatMap((block) => (block.type === "actions" ? (block.elements ?? []) : []));
}

describe("no secrets in logs or job payloads", () => {
  it("a full run leaves none of the API keys, Slack tokens or signing secret in any log line or Redis command", async () => {
    const project = await createTestItem(environment.db, tenant.id, { kind: "project", title: "Website relaunch", data: { status: "active" } });

    // An agent proposes through the API; the bot posts the approval card.
    const proposed = await callApi("action.propose", tenant.keys.agent, {
      actionType: "update",
      targetType: "project",
      targetId: project.id,
      parameters: { data: { status: "at_risk" } },
      reason: "Deadline moved",
    });
    expect(proposed.status).toBe(200);
    const actionId = proposed.body.result?.data.action.id ?? 0;
    const card = await waitForCard({ environment, tenant, slack, bot, logs: [], close: () => Promise.resolve() }, actionId);

    // Refused attempts with wrong credentials, which are where a careless log would print them.
    expect((await callApi("action.approve", `${tenant.keys.agent}x`, { actionId })).status).toBe(401);
    expect((await callApi("action.approve", tenant.keys.agent, { actionId })).status).toBe(403);
    const click = buttonClick({
      slackUserId: SLACK_USERS.approver,
      actionId: ids.actions.approve,
      value: String(actionId),
      channelId: card.channel,
      messageTs: card.ts,
      responseUrl: slack.responseUrl("approve"),
    });
    expect((await sendToBot(bot.baseUrl, signed(click, { secret: "a-wrong-signing-secret" }))).status).toBe(401);

    // Approved with a Slack click; the worker executes it.
    expect((await sendToBot(bot.baseUrl, signed(click))).status).toBe(200);
    await waitFor(async () => (await rowOf(actionId)).status === "executed", { what: "the action to execute" });

    // Rolled back from Slack: /rollback, then Confirm.
    const command = slashCommand({ slackUserId: SLACK_USERS.approver, text: String(actionId), channelId: "CGENERAL", responseUrl: slack.responseUrl("rollback") });
    expect((await sendToBot(bot.baseUrl, signed(command))).status).toBe(200);
    const [preview] = await slack.waitForCalls("response_url:rollback", 1);
    const confirm = buttonsOf(preview!).find((button) => button.action_id === ids.actions.confirmRollback);
    if (!confirm) throw new Error("no Confirm button on the rollback preview");
    const confirmClick = buttonClick({
      slackUserId: SLACK_USERS.approver,
      actionId: confirm.action_id,
      value: confirm.value,
      channelId: "CGENERAL",
      messageTs: "1700000000.000001",
      ephemeral: true,
      responseUrl: slack.responseUrl("rollback"),
    });
    expect((await sendToBot(bot.baseUrl, signed(confirmClick))).status).toBe(200);
    const undoneBy = await waitFor(async () => (await rowOf(actionId)).rollbackActionId ?? undefined, { what: "the undo action" });
    await waitFor(async () => (await rowOf(undoneBy)).status === "executed", { what: "the undo action to execute" });
    await waitFor(() => Promise.resolve(slack.callsTo("chat.postMessage").some((call) => call.args.thread_ts === card.ts)), { what: "the rollback report" });

    // The capture saw the run: job payloads went through Redis and every process logged.
    expect(redisCommands.some((command) => command.includes(`"actionId":${actionId}`))).toBe(true);
    // (The API writes a line only when a procedure fails with an internal error; none does here.)
    for (const name of ["worker", "slackbot"]) expect(logLines.some((line) => line.includes(`"name":"${name}"`))).toBe(true);

    const secretPart = (key: string) => key.split("_").slice(2).join("_");
    const secrets = {
      ...Object.fromEntries(Object.entries(tenant.keys).flatMap(([role, key]) => [[`${role} API key`, key], [`${role} API key's secret`, secretPart(key)]])),
      "Slack bot token": BOT.token,
      "Slack signing secret": SIGNING_SECRET,
    };
    const leaks = Object.entries(secrets).flatMap(([what, secret]) => [
      ...logLines.filter((line) => line.includes(secret)).map((line) => `${what} in a log line: ${line}`),
      ...redisCommands.filter((command) => command.includes(secret)).map((command) => `${what} in Redis: ${command.slice(0, 300)}`),
    ]);
    expect(leaks).toEqual([]);
  });
});
