import { defineConfig } from "tsup";

// Bundles the app with the workspace packages inlined; npm dependencies stay external.
export default defineConfig({
  entry: ["src/main.ts"],
  format: ["esm"],
  target: "node20",
  platform: "node",
  noExternal: [/^@leash\//],
  sourcemap: true,
  clean: true,
});
