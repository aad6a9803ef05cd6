import base from "@leash/eslint-config";

export default [...base, { ignores: ["scripts/**", "prisma.config.ts"] }];
