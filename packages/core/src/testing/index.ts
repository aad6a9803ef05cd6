export { createApprovedUpdate, createTestEnvironment, createTestTenant, createTestItem, testRedisUrl, waitFor, type TestEnvironment, type TestTenant } from "./test-environment.ts";
export { badInput, junkValue, nestedValue, spoiledInput, toJsonText } from "./junk-input.ts";
