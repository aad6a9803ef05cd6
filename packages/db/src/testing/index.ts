export { createTestDatabase, createEmptyDatabase, type TestDatabase } from "./test-database.ts";
