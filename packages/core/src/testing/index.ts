export { createApprovedUpdate, createTestEnvironment, createTestTenant, createTestItem, TEST_SMTP_FROM, testRedisUrl, waitFor, type TestEnvironment, type TestTenant } from "./test-environment.ts";
export {
  anyUnicodeString,
  badInput,
  boundaryIntegerText,
  edgeInstantText,
  junkValue,
  nestedValue,
  pastInt4,
  quotedInternals,
  serviceAddresses,
  spoiledAnywhere,
  spoiledEmbeddedJson,
  toJsonText,
  unstorableString,
} from "./junk-input.ts";
export { startDroppingServer, startSmtpCatcher, type CaughtMail, type SmtpCatcher } from "./smtp-catcher.ts";
export { renameItemActionType } from "./rename-item-action-type.ts";
export { startPrivateRedisCluster, type ClusterNodeProcess, type PrivateRedisCluster } from "./redis-cluster.ts";
export { startInMemoryTracing, type InMemoryTracing, type ReadableSpan } from "./in-memory-tracing.ts";
export { probeIdleConnection } from "./keep-alive-probe.ts";
export { chromiumLaunchOptions } from "./chromium.ts";
