import { collectDefaultMetrics, Registry } from "prom-client";

export type { Registry } from "prom-client";

/**
 * The Prometheus registry of one process (api, worker, slackbot): its own, never prom-client's
 * global one, so that tests can start several apps in one process. Node's own figures (CPU, memory,
 * event loop lag, GC) are read at each scrape; every series carries `app`.
 */
export function createMetricsRegistry(app: "api" | "worker" | "slackbot"): Registry {
  const registry = new Registry();
  registry.setDefaultLabels({ app });
  collectDefaultMetrics({ register: registry, prefix: "leash_" });
  return registry;
}
