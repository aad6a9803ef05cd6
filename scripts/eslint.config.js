import base from "@leash/eslint-config";

export default base;
