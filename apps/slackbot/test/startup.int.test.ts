import { spawn, type ChildProcess } from "node:child_process";
import { createServer } from "node:net";
import { fileURLToPath } from "node:url";

import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";

import { approveAction, linkSlackUser, linkSlackWorkspace, proposeAction } from "@leash/core";
import { createTestEnvironment, createTestTenant, testRedisUrl, waitFor, type TestEnvironment } from "@leash/core/testing";
import { startTestWorker } from "@leash/worker/test-support";

import { ids } from "../src/ids.ts";
import { BOT, startFakeSlack, type FakeSlack } from "./fake-slack.ts";
import { buttonClick, editApproveSubmission, sendToBot, signed, SIGNING_SECRET } from "./slack-requests.ts";

const appDir = fileURLToPath(new URL("..", import.meta.url));
let running: ChildProcess | null = null;
let environment: TestEnvironment;
let slack: FakeSlack;

beforeAll(async () => {
  environment = await createTestEnvironment();
  slack = await startFakeSlack();
});

afterEach(async () => {
  const child = running;
  running = null;
  if (child && child.exitCode === null) {
    const exited = new Promise((resolve) => child.once("exit", resolve));
    child.kill("SIGTERM");
    await exited;
  }
});

afterAll(async () => {
  await slack.close();
  await environment.close();
});

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  if (address === null || typeof address === "string") throw new Error("no port");
  return address.port;
}

/** Runs the bot as `pnpm start` does, with only the given environment, and collects its logs. */
async function startProcess(env: Record<string, string>) {
  const port = await freePort();
  const output: string[] = [];
  const child = spawn(process.execPath, ["--import", "tsx", "src/main.ts"], {
    cwd: appDir,
    env: { PATH: process.env.PATH ?? "", SLACKBOT_HOST: "127.0.0.1", SLACKBOT_PORT: String(port), ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  running = child;
  child.stdout.on("data", (chunk: Buffer) => output.push(chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => output.push(chunk.toString()));
  const health = await waitFor(
    async () => {
      const response = await fetch(`http://127.0.0.1:${port}/healthz`).catch(() => null);
      return response?.ok ? await response.json() : undefined;
    },
    { what: "the bot's /healthz", timeoutMs: 30_000, intervalMs: 100 },
  );
  return { health, baseUrl: `http://127.0.0.1:${port}`, logs: () => output.join("") };
}

describe("the start command", () => {
  it("without Slack credentials still starts, says the bot is disabled and why, and serves /healthz", async () => {
    const { health, logs } = await startProcess({ LOG_LEVEL: "info" });
    const reason = "SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET (or SLACK_APP_TOKEN for Socket Mode) not set";
    expect(health).toEqual({ ok: true, slack: { enabled: false, reason } });
    expect(logs()).toContain("Slack bot disabled");
    expect(logs()).toContain(reason);
  });

  it("with a bot token and a signing secret starts in HTTP mode against the configured Slack API", async () => {
    const { health } = await startProcess({
      LOG_LEVEL: "warn",
      SLACK_BOT_TOKEN: BOT.token,
      SLACK_SIGNING_SECRET: "a-signing-secret",
      SLACK_API_URL: slack.apiUrl,
      DATABASE_URL: environment.database.url,
      REDIS_URL: testRedisUrl,
      QUEUE_PREFIX: environment.queuePrefix,
    });
    expect(health).toEqual({ ok: true, slack: { enabled: true, mode: "http" } });
    expect(slack.callsTo("auth.test").map((call) => call.token)).toEqual([BOT.token]);
  });

  it("gives core the settings every app shares: a rollback's undo gets ACTION_MAX_ATTEMPTS, an edited email is checked against SMTP_URL", async () => {
    const tenant = await createTestTenant(environment.db, "acme");
    await linkSlackWorkspace(environment.db, { tenantSlug: tenant.slug, teamId: BOT.teamId, channelId: "CAPPROVALS" });
    await linkSlackUser(environment.db, { tenantSlug: tenant.slug, teamId: BOT.teamId, slackUserId: "UDANA", email: `approver@${tenant.slug}.test` });
    const worker = await startTestWorker(environment);
    try {
      const { baseUrl } = await startProcess({
        LOG_LEVEL: "warn",
        SLACK_BOT_TOKEN: BOT.token,
        SLACK_SIGNING_SECRET: SIGNING_SECRET,
        SLACK_API_URL: slack.apiUrl,
        DATABASE_URL: environment.database.url,
        REDIS_URL: testRedisUrl,
        QUEUE_PREFIX: environment.queuePrefix,
        SMTP_URL: environment.smtp.url,
        ACTION_MAX_ATTEMPTS: "7",
      });
      const rowOf = (id: number) => environment.db.agentAction.findUniqueOrThrow({ where: { id } });

      const { action } = await proposeAction(environment.deps, { actor: tenant.agent, input: { actionType: "create", targetType: "person", parameters: { title: "Ada Lovelace" } } });
      await approveAction(environment.deps, { actor: tenant.approver, input: { actionId: action.id } });
      await waitFor(async () => (await rowOf(action.id)).status === "executed", { what: `#${action.id} to execute` });
      const confirm = buttonClick({
        slackUserId: "UDANA",
        actionId: ids.actions.confirmRollback,
        value: JSON.stringify({ actionId: action.id, cascade: false }),
        channelId: "CGENERAL",
        messageTs: "1700000000.000001",
        ephemeral: true,
        responseUrl: slack.responseUrl("settings-rollback"),
      });
      expect((await sendToBot(baseUrl, signed(confirm))).status).toBe(200);
      const undo = await waitFor(() => environment.db.agentAction.findFirst({ where: { rollbackOfId: action.id } }).then((row) => row ?? undefined), { what: "the undo action" });
      expect(undo.maxAttempts).toBe(7);

      const email = await proposeAction(environment.deps, {
        actor: tenant.agent,
        input: { actionType: "notify", parameters: { channel: "in_app", recipient: `approver@${tenant.slug}.test`, message: "Deploy done" } },
      });
      const edited = { channel: "email", recipient: "dana@example.com", message: "Deploy done" };
      const submission = editApproveSubmission({ slackUserId: "UDANA", parameters: JSON.stringify(edited), privateMetadata: JSON.stringify({ actionId: email.action.id, channelId: null }) });
      expect(await sendToBot(baseUrl, signed(submission))).toEqual({ status: 200, text: "" });
      const approved = await rowOf(email.action.id);
      expect(approved.status).not.toBe("pending");
      expect(approved.parameters).toMatchObject(edited);
    } finally {
      await worker.close();
    }
  });
});
