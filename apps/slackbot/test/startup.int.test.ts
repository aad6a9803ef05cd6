import { spawn, type ChildProcess } from "node:child_process";
import { createServer } from "node:net";
import { fileURLToPath } from "node:url";

import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";

import { createTestEnvironment, testRedisUrl, waitFor, type TestEnvironment } from "@leash/core/testing";

import { BOT, startFakeSlack, type FakeSlack } from "./fake-slack.ts";

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
  return { health, logs: () => output.join("") };
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
});
