export { createDb, type CreateDbOptions, type Db } from "./client.ts";
export { migrate, defaultMigrationsDir, type MigrateOptions, type MigrateResult } from "./migrate.ts";
export { Prisma, PrismaClient } from "./generated/prisma/client.ts";
export * from "./generated/prisma/enums.ts";
export type * from "./generated/prisma/models.ts";
