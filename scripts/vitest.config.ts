import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // Each test runs the real script (bash and a dozen stand-in commands), up to two runs per test: on a
    // loaded machine that outlasts vitest's default 5 s.
    testTimeout: 30_000,
  },
});
