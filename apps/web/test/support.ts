import { randomBytes } from "node:crypto";
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

import { chromium, type Browser, type BrowserContext, type BrowserContextOptions, type Page } from "playwright-core";

import { createLeashClient } from "@leash/api/client";
import { createApiServer } from "@leash/api/server";
import { hashPassword } from "@leash/core";
import { chromiumLaunchOptions, createTestEnvironment, createTestTenant, TEST_SMTP_FROM, testRedisUrl, type TestEnvironment, type TestTenant } from "@leash/core/testing";
import { startTestWorker } from "@leash/worker/test-support";

const webRoot = join(dirname(fileURLToPath(import.meta.url)), "..");
const serverBuild = join(webRoot, "build/server/index.js");
const serverEntry = join(webRoot, "server/main.ts");

/** What the console processes of the tests sign their session cookies with. */
export const E2E_SESSION_SECRET = "e2e-session-secret-0123456789abcdef0123456789";

export function launchBrowser(): Promise<Browser> {
  return chromium.launch(chromiumLaunchOptions());
}

async function freePort(): Promise<number> {
  const server: Server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

export interface RunningConsole {
  url: string;
  output: () => string;
  close: () => Promise<void>;
}

/**
 * The built console served by its server (server/main.ts) in a child process, exactly as `pnpm start`
 * runs it, against the test file's database and queue prefix.
 */
/** `env`: further settings of the console process (LEASH_ACTION_TYPES, CONNECTOR_SECRET_KEY...). */
export async function startConsole(environment: TestEnvironment, env: Record<string, string> = {}): Promise<RunningConsole> {
  if (!existsSync(serverBuild)) throw new Error(`No server build at ${serverBuild}: run \`pnpm --filter @leash/web build\` first`);
  const port = await freePort();
  let output = "";
  // NODE_ENV unset, as under `pnpm start` (the test runner's own "test" is not passed on).
  const inherited = { ...process.env };
  delete inherited.NODE_ENV;
  const child: ChildProcess = spawn(process.execPath, ["--import", "tsx", serverEntry], {
    cwd: webRoot,
    env: {
      ...inherited,
      HOST: "127.0.0.1",
      SMTP_URL: environment.smtp.url,
      SMTP_FROM: TEST_SMTP_FROM,
      ...(environment.deps.connectorKey ? { CONNECTOR_SECRET_KEY: environment.deps.connectorKey.toString("hex") } : {}),
      PORT: String(port),
      DATABASE_URL: environment.database.url,
      REDIS_URL: testRedisUrl,
      QUEUE_PREFIX: environment.queuePrefix,
      SESSION_SECRET: E2E_SESSION_SECRET,
      LOG_LEVEL: "warn",
      ...env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stdout?.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const url = `http://127.0.0.1:${port}`;
  // A start takes seconds on an idle machine, but near half a minute when the machine is shared and loaded.
  const deadline = Date.now() + 90_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`The console exited with ${child.exitCode}:\n${output}`);
    const ready = await fetch(`${url}/healthz`).then((response) => response.ok, () => false);
    if (ready) break;
    if (Date.now() > deadline) throw new Error(`The console did not start:\n${output}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return {
    url,
    output: () => output,
    close: async () => {
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once("exit", resolve));
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), 5_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** The real agent API on a free port, to propose actions the way agents do. */
export async function startApi(environment: TestEnvironment) {
  const server = createApiServer({
    deps: environment.deps,
    checkReady: () => Promise.resolve({ ok: true, checks: {} }),
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  const trpcUrl = `http://127.0.0.1:${port}/trpc`;
  return {
    client: (apiKey: string) => createLeashClient({ url: trpcUrl, apiKey }),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

export const passwords = { admin: "admin-password-e2e", approver: "approver-password-e2e", viewer: "viewer-password-e2e" } as const;
export type Role = keyof typeof passwords;

/** Gives the test tenant's users real passwords so they can sign in through the form. */
export async function givePasswords(environment: TestEnvironment, tenant: TestTenant): Promise<void> {
  for (const role of ["admin", "approver", "viewer"] as const) {
    await environment.db.user.update({ where: { id: tenant[role].userId }, data: { passwordHash: await hashPassword(passwords[role]) } });
  }
}

/** Waits until React has hydrated the page, so clicks go to React's handlers. */
export async function hydrated(page: Page): Promise<void> {
  await page.waitForSelector("html[data-hydrated]", { state: "attached" });
}

/** Signs in through the real form as the tenant's user of `role`. */
export async function signInAs(page: Page, consoleUrl: string, tenant: TestTenant, role: Role): Promise<void> {
  await page.goto(`${consoleUrl}/sign-in`);
  await hydrated(page);
  await page.getByLabel("Workspace").fill(tenant.slug);
  await page.getByLabel("Email").fill(`${role}@${tenant.slug}.test`);
  await page.getByLabel("Password").fill(passwords[role]);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.waitForURL(`${consoleUrl}/`);
  await hydrated(page);
}

export interface ConsoleStack<T> {
  environment: TestEnvironment;
  /** What the seed created before the servers started: by default the test tenant "acme" with passwords. */
  tenant: T;
  api: Awaited<ReturnType<typeof startApi>>;
  worker: Awaited<ReturnType<typeof startTestWorker>>;
  web: RunningConsole;
  browser: Browser;
  /** A page in a new browser context (1280×900 unless `options` say otherwise), closed by `close()`. */
  newPage: (options?: BrowserContextOptions) => Promise<Page>;
  /** Closes the open browser contexts, the browser, the console, the worker, the API and the environment. */
  close: () => Promise<void>;
}

export interface TenantConsoleStack extends ConsoleStack<TestTenant> {
  /** A new page (see `newPage`) signed in through the form as the test tenant's user of `role`. */
  pageFor: (role: Role, options?: BrowserContextOptions) => Promise<Page>;
}

async function seedTestTenant(environment: TestEnvironment): Promise<TestTenant> {
  const tenant = await createTestTenant(environment.db, "acme");
  await givePasswords(environment, tenant);
  return tenant;
}

async function launchStack<T>(seed: (environment: TestEnvironment) => Promise<T>): Promise<ConsoleStack<T>> {
  const closers: (() => Promise<void>)[] = [];
  const close = async () => {
    for (const closer of closers.splice(0).reverse()) await closer();
  };
  try {
    // With a connector key, so that the console can make connectors.
    const environment = await createTestEnvironment({ connectorKey: randomBytes(32) });
    closers.push(() => environment.close());
    const tenant = await seed(environment);
    const api = await startApi(environment);
    closers.push(() => api.close());
    const worker = await startTestWorker(environment);
    closers.push(() => worker.close());
    const web = await startConsole(environment);
    closers.push(() => web.close());
    const browser = await launchBrowser();
    closers.push(() => browser.close());
    const contexts = new Set<BrowserContext>();
    closers.push(async () => {
      for (const context of contexts) await context.close();
    });
    const newPage = async (options: BrowserContextOptions = {}): Promise<Page> => {
      const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, ...options });
      contexts.add(context);
      context.once("close", () => contexts.delete(context));
      return context.newPage();
    };
    return { environment, tenant, api, worker, web, browser, newPage, close };
  } catch (error) {
    await close();
    throw error;
  }
}

/**
 * Everything a browser test needs, started in order: a test environment, the seed (by default the
 * test tenant "acme" whose users have `passwords`), the agent API, the worker, the built console and
 * a browser. Call `close()` in `afterAll`.
 */
export function startConsoleStack(): Promise<TenantConsoleStack>;
export function startConsoleStack<T>(seed: (environment: TestEnvironment) => Promise<T>): Promise<ConsoleStack<T>>;
export async function startConsoleStack<T>(seed?: (environment: TestEnvironment) => Promise<T>): Promise<TenantConsoleStack | ConsoleStack<T>> {
  if (seed) return launchStack(seed);
  const stack = await launchStack(seedTestTenant);
  const pageFor = async (role: Role, options?: BrowserContextOptions): Promise<Page> => {
    const page = await stack.newPage(options);
    await signInAs(page, stack.web.url, stack.tenant, role);
    return page;
  };
  return { ...stack, pageFor };
}
