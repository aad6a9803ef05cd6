import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { mkdirSync, rmSync } from "node:fs";
import { join } from "node:path";

import { inheritedEnv } from "./env.ts";
import { sleep } from "./load.ts";

export interface ChildApp {
  name: string;
  pid: number;
  /** The last 64 KiB the app printed (its logs), to keep next to the results. */
  output(): string;
  /** SIGTERM (the app's graceful shutdown), then SIGKILL if it has not exited after 20 s. */
  stop(): Promise<void>;
}

const running = new Set<ChildProcess>();

// Whatever ends the benchmark, no app it started outlives it (Ctrl-C included).
process.on("exit", () => {
  for (const child of running) child.kill("SIGKILL");
});
for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, () => process.exit(130));

export interface StartOptions {
  name: string;
  cwd: string;
  script: string;
  env: Record<string, string>;
  /** Polled until it answers 200; without it, the app is ready when it prints `ready` on stdout. */
  readyUrl?: string;
  /** When set, the app runs under `node --cpu-prof` and writes its profiles into `<profileDir>/<name>` on exit. */
  profileDir?: string;
}

/** Starts one app as `node --import tsx <script>`, as `pnpm start` does, and waits until it is ready. */
export async function startChildApp(options: StartOptions): Promise<ChildApp> {
  // One folder per app: Node names each thread's profile itself (tsx's loader runs in a thread of its own).
  const profileDir = options.profileDir ? join(options.profileDir, options.name) : undefined;
  const profileArgs = profileDir ? ["--cpu-prof", `--cpu-prof-dir=${profileDir}`] : [];
  // A profile of an earlier run left there would be summarised as this one's.
  if (profileDir) {
    rmSync(profileDir, { recursive: true, force: true });
    mkdirSync(profileDir, { recursive: true });
  }
  const child = spawn(process.execPath, [...profileArgs, "--import", "tsx", options.script], {
    cwd: options.cwd,
    env: { ...inheritedEnv, ...options.env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  running.add(child);
  let output = "";
  let sawReady = false;
  const collect = (chunk: Buffer) => {
    const text = chunk.toString("utf8");
    if (/^ready$/m.test(text)) sawReady = true;
    output = (output + text).slice(-65_536);
  };
  child.stdout.on("data", collect);
  child.stderr.on("data", collect);
  const exited = once(child, "exit").then(([code]) => {
    running.delete(child);
    return code as number | null;
  });
  let exitCode: number | null | undefined;
  void exited.then((code) => {
    exitCode = code;
  });

  // Generous: on a machine busy with other work, loading an app through tsx has taken most of a minute.
  const deadline = Date.now() + 180_000;
  for (;;) {
    if (exitCode !== undefined) throw new Error(`${options.name} exited (${String(exitCode)}) while starting:\n${output.slice(-8_000)}`);
    if (options.readyUrl ? await answers(options.readyUrl) : sawReady) break;
    if (Date.now() > deadline) {
      child.kill("SIGKILL");
      throw new Error(`${options.name} was not ready after 180 s:\n${output.slice(-8_000)}`);
    }
    await sleep(100);
  }
  const pid = child.pid;
  if (pid === undefined) throw new Error(`${options.name} has no pid`);

  return {
    name: options.name,
    pid,
    output: () => output,
    async stop() {
      if (exitCode !== undefined) return;
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), 20_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

async function answers(url: string): Promise<boolean> {
  try {
    const response = await fetch(url);
    await response.arrayBuffer();
    return response.ok;
  } catch {
    return false;
  }
}
