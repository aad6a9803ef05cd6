import base from "@leash/eslint-config";

export default [
  ...base,
  {
    // eslint.config.js is not part of tsconfig.json: let the project service type-check it on its own.
    languageOptions: { parserOptions: { projectService: { allowDefaultProject: ["eslint.config.js"] } } },
  },
];
