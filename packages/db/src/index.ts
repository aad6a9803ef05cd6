export { createDb, databasePoolers, type CreateDbOptions, type DatabasePooler, type Db } from "./client.ts";
export { migrate, defaultMigrationsDir, type MigrateOptions, type MigrateResult } from "./migrate.ts";
export type { DbTransaction } from "./transaction.ts";
export { sqlFor, transactionWithSql, type Sql } from "./sql.ts";
export { isUniqueViolation } from "./unique-violation.ts";
export * from "./generated/prisma/client.ts";
export { isDatabaseUnavailable } from "./database-unavailable.ts";
