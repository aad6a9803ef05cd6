// Runs `prisma generate`. Generating the client never executes Prisma's native schema engine, but
// the CLI insists on downloading it first; where Prisma's download server is unreachable (offline
// machines, locked-down CI) we point PRISMA_SCHEMA_ENGINE_BINARY at a placeholder file so the CLI
// skips the download. Where the engine is present or reachable this changes nothing.
import { spawnSync } from "node:child_process";
import { existsSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const env = { ...process.env };
if (!env.PRISMA_SCHEMA_ENGINE_BINARY) {
  const placeholder = join(tmpdir(), "leash-prisma-schema-engine-placeholder");
  if (!existsSync(placeholder)) writeFileSync(placeholder, "");
  env.PRISMA_SCHEMA_ENGINE_BINARY = placeholder;
}
env.PRISMA_HIDE_UPDATE_MESSAGE = "1";
const result = spawnSync("prisma", ["generate"], { stdio: "inherit", env, shell: process.platform === "win32" });
process.exit(result.status ?? 1);
