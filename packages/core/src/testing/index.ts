export { createApprovedUpdate, createTestEnvironment, createTestTenant, createTestItem, TEST_SMTP_FROM, testRedisUrl, waitFor, type TestEnvironment, type TestTenant } from "./test-environment.ts";
export { badInput, junkValue, nestedValue, pastInt4, spoiledInput, toJsonText, unstorableLeaf, unstorableString } from "./junk-input.ts";
export { startDroppingServer, startSmtpCatcher, type CaughtMail, type SmtpCatcher } from "./smtp-catcher.ts";
export { renameItemActionType } from "./rename-item-action-type.ts";
