import { Counter, Histogram, type Registry } from "prom-client";

export interface SlackbotMetrics {
  /** A request acknowledged to Slack (Slack wants it within 3 s), by payload kind. */
  acked(kind: string, seconds: number): void;
  /** A Web API call that failed: Slack's error code (`ok: false`), `http_<status>`, or `network`. */
  webApiError(method: string, error: string): void;
}

export function createSlackbotMetrics(registry: Registry): SlackbotMetrics {
  const acks = new Counter({ name: "leash_slack_acks_total", help: "Requests acknowledged to Slack, by payload kind (block_actions, view_submission, slash_command...).", labelNames: ["kind"] as const, registers: [registry] });
  const ackSeconds = new Histogram({
    name: "leash_slack_ack_seconds",
    help: "Time from the request reaching the bot's listeners to its acknowledgement, by payload kind.",
    labelNames: ["kind"] as const,
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 3],
    registers: [registry],
  });
  const errors = new Counter({ name: "leash_slack_web_api_errors_total", help: "Slack Web API calls that failed, by method and error.", labelNames: ["method", "error"] as const, registers: [registry] });
  return {
    acked(kind, seconds) {
      acks.inc({ kind });
      ackSeconds.observe({ kind }, seconds);
    },
    webApiError(method, error) {
      errors.inc({ method, error });
    },
  };
}
