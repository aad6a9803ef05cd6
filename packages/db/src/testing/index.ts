export { createTestDatabase, createEmptyDatabase, type TestDatabase } from "./test-database.ts";
export { databaseFingerprint } from "./database-fingerprint.ts";
export { startPgBouncer, type PgBouncer, type PgBouncerOptions } from "./pgbouncer.ts";
