import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    // Each file runs a browser, the console, a worker and the API: one file at a time on a 2-core machine.
    fileParallelism: false,
    // A page updates after a post and a revalidation: on a loaded machine that can take seconds, not
    // the default second, and a poll only waits as long as it needs.
    expect: { poll: { timeout: 10_000 } },
  },
});
