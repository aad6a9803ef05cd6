import { defineConfig } from "vitest/config";

// The fault suite (pnpm test:faults): it crashes private Postgres and Redis servers and the real app
// processes under 2,000 actions in flight, so it runs one file at a time, apart from `pnpm test`.
// Its global setup writes RELIABILITY.md's figures when every scenario passed in the run.
export default defineConfig({
  test: {
    include: ["test/faults/**/*.test.ts"],
    globalSetup: ["test/faults/reliability-report.ts"],
    fileParallelism: false,
    testTimeout: 600_000,
    hookTimeout: 120_000,
  },
});
