import base from "@leash/eslint-config";

export default [
  ...base,
  {
    rules: {
      // Loaders and actions throw React Router's responses (redirect, data) by design.
      "@typescript-eslint/only-throw-error": [
        "error",
        {
          allow: [
            { from: "lib", name: "Response" },
            { from: "package", package: "react-router", name: "DataWithResponseInit" },
          ],
        },
      ],
    },
  },
];
