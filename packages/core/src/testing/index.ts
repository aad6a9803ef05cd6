export { createTestEnvironment, createTestTenant, createTestItem, testRedisUrl, waitFor, type TestEnvironment, type TestTenant } from "./test-environment.ts";
