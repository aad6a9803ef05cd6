import js from "@eslint/js";
import tseslint from "typescript-eslint";

const envMessage = "Read settings from this process's env module (env.ts), which validates them once at start.";

/** Shared flat config: strict, type-aware rules for every package. */
export default tseslint.config(
  { ignores: ["**/dist/**", "**/generated/**", "**/.react-router/**", "**/build/**", "**/coverage/**", "eslint.config.js"] },
  js.configs.recommended,
  ...tseslint.configs.strictTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true },
    },
    rules: {
      "@typescript-eslint/no-explicit-any": "error",
      "@typescript-eslint/consistent-type-imports": ["error", { fixStyle: "inline-type-imports" }],
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "@typescript-eslint/restrict-template-expressions": ["error", { allowNumber: true }],
      "@typescript-eslint/no-non-null-assertion": "error",
      "@typescript-eslint/no-confusing-void-expression": ["error", { ignoreArrowShorthand: true }],
      "no-console": "error",
    },
  },
  {
    // Each process validates its settings once at start in its env module (STYLE.md, rule 5); the rest receives them.
    rules: {
      "no-restricted-properties": ["error", { object: "process", property: "env", message: envMessage }],
      "no-restricted-imports": [
        "error",
        { paths: ["process", "node:process"].map((name) => ({ name, importNames: ["env"], message: envMessage })) },
      ],
    },
  },
  {
    // Env modules are where settings are read; tests and their support set up the processes they start.
    files: ["**/env.ts", "**/env.server.ts", "**/*.test.ts", "**/test/**/*.ts", "**/src/testing/**/*.ts"],
    rules: { "no-restricted-properties": "off", "no-restricted-imports": "off" },
  },
  {
    // Command-line entry points talk to a person on the terminal.
    files: ["**/cli/**/*.ts", "**/*-cli.ts", "**/cli.ts", "**/scripts/**/*.ts"],
    rules: { "no-console": "off" },
  },
  {
    files: ["**/*.test.ts", "**/test/**/*.ts", "**/scripts/**/*.ts"],
    // Asymmetric matchers (expect.stringMatching) are typed `any` by vitest.
    rules: { "no-console": "off", "@typescript-eslint/no-non-null-assertion": "off", "@typescript-eslint/no-unsafe-assignment": "off" },
  },
);
