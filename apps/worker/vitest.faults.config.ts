import { defineConfig } from "vitest/config";

// The fault suite (pnpm test:faults): it crashes private Postgres and Redis servers and the real app
// processes under 2,000 actions in flight, so it runs one file at a time, apart from `pnpm test`.
export default defineConfig({
  test: {
    include: ["test/faults/**/*.test.ts"],
    fileParallelism: false,
    testTimeout: 600_000,
    hookTimeout: 120_000,
  },
});
