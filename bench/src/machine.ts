import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { cpus, loadavg, totalmem } from "node:os";
import { join } from "node:path";

import type { Redis } from "ioredis";
import type pg from "pg";

import { repoRoot } from "./paths.ts";

export interface MachineInfo {
  cpuModel: string;
  cores: number;
  memoryGb: number;
  /** 1, 5 and 15 minute load averages when the run started: other work on the machine skews every figure. */
  loadAverage: number[];
  node: string;
  postgres: string;
  postgresSettings: Record<string, string>;
  redis: string;
  /** The pinned versions of the packages on the measured path (pnpm-workspace.yaml's catalog). */
  packages: Record<string, string>;
  /**
   * The commit measured, and whether the apps, packages or harness differed from it (uncommitted
   * changes); null outside a git checkout, absent in results written before 2026-12-06T19:40Z.
   */
  code?: { commit: string; uncommitted: boolean } | null;
}

const measuredPackages = ["@prisma/client", "@prisma/adapter-pg", "pg", "bullmq", "ioredis", "@trpc/server", "zod", "tsx"];

function catalogVersions(): Record<string, string> {
  const text = readFileSync(join(repoRoot, "pnpm-workspace.yaml"), "utf8");
  const versions: Record<string, string> = {};
  for (const name of measuredPackages) {
    const match = new RegExp(`^\\s+"?${name.replace("/", "\\/")}"?:\\s*(\\S+)`, "m").exec(text);
    if (match?.[1]) versions[name] = match[1];
  }
  return versions;
}

function measuredCode(): { commit: string; uncommitted: boolean } | null {
  try {
    const git = (...args: string[]) => execFileSync("git", args, { cwd: repoRoot, encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim();
    return { commit: git("rev-parse", "--short=7", "HEAD"), uncommitted: git("status", "--porcelain", "--", "apps", "packages", "bench/src").length > 0 };
  } catch {
    return null;
  }
}

export async function describeMachine(pool: pg.Pool, redis: Redis): Promise<MachineInfo> {
  const { rows } = await pool.query<{ server_version: string }>("SHOW server_version");
  const settings = await pool.query<{ name: string; setting: string; unit: string | null }>(
    "SELECT name, setting, unit FROM pg_settings WHERE name = ANY($1)",
    [["shared_buffers", "synchronous_commit", "max_connections", "work_mem", "fsync", "autovacuum"]],
  );
  const info = await redis.info("server");
  return {
    cpuModel: cpus()[0]?.model ?? "unknown",
    cores: cpus().length,
    memoryGb: Math.round(totalmem() / 1024 ** 3),
    loadAverage: loadavg().map((value) => Math.round(value * 100) / 100),
    node: process.version,
    postgres: rows[0]?.server_version ?? "unknown",
    postgresSettings: Object.fromEntries(settings.rows.map((row) => [row.name, `${row.setting}${row.unit ? ` ${row.unit}` : ""}`])),
    redis: /redis_version:(\S+)/.exec(info)?.[1] ?? "unknown",
    packages: catalogVersions(),
    code: measuredCode(),
  };
}
