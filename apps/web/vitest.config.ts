import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    // Each file runs a browser, the console, a worker and the API: one file at a time on a 2-core machine.
    fileParallelism: false,
  },
});
