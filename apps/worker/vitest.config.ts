import { configDefaults, defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // The fault suite runs on its own (vitest.faults.config.ts, pnpm test:faults).
    exclude: [...configDefaults.exclude, "test/faults/**"],
    testTimeout: 120_000,
    hookTimeout: 60_000,
  },
});
