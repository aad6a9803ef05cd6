import { actionRouter } from "./routers/action-router.ts";
import { batchRouter } from "./routers/batch-router.ts";
import { connectorRouter } from "./routers/connector-router.ts";
import { metricsRouter } from "./routers/metrics-router.ts";
import { policyRouter } from "./routers/policy-router.ts";
import { preferenceRouter } from "./routers/preference-router.ts";
import { queueRouter } from "./routers/queue-router.ts";
import { templateRouter } from "./routers/template-router.ts";
import { trustRouter } from "./routers/trust-router.ts";
import { webhookRouter } from "./routers/webhook-router.ts";
import { createRouter } from "./trpc.ts";

export const appRouter = createRouter({
  action: actionRouter,
  batch: batchRouter,
  connector: connectorRouter,
  metrics: metricsRouter,
  policy: policyRouter,
  preference: preferenceRouter,
  queue: queueRouter,
  template: templateRouter,
  trust: trustRouter,
  webhook: webhookRouter,
});

/** The API's type: import it (type only) into a TypeScript agent for a fully typed client. */
export type AppRouter = typeof appRouter;
