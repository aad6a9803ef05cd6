import { Counter, Histogram, type Registry } from "prom-client";

export interface ApiMetrics {
  /** One answered request: its procedure (or route) and HTTP status, and how long it took. */
  request(procedure: string, status: number, seconds: number): void;
}

export function createApiMetrics(registry: Registry): ApiMetrics {
  const requests = new Counter({
    name: "leash_api_requests_total",
    help: "Requests answered, by tRPC procedure (or mcp, export.actions.csv, export.actions.json) and HTTP status.",
    labelNames: ["procedure", "code"] as const,
    registers: [registry],
  });
  const duration = new Histogram({
    name: "leash_api_request_duration_seconds",
    help: "Time to answer a request, by procedure and HTTP status (a subscription or a wait lasts as long as it streams or waits).",
    labelNames: ["procedure", "code"] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [registry],
  });
  return {
    request(procedure, status, seconds) {
      const labels = { procedure, code: String(status) };
      requests.inc(labels);
      duration.observe(labels, seconds);
    },
  };
}
