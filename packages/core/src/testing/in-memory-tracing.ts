import type { ReadableSpan } from "@opentelemetry/sdk-trace-node";

import { startTracing } from "../observability/start-tracing.ts";

export type { ReadableSpan } from "@opentelemetry/sdk-trace-node";

export interface InMemoryTracing {
  /** Every span ended since tracing started, in the order they ended. */
  spans(): ReadableSpan[];
  shutdown(): Promise<void>;
}

/** Registers OpenTelemetry's SDK for this test file with an in-memory exporter, as startTracing does with a collector. */
export async function startInMemoryTracing(serviceName = "leash-test"): Promise<InMemoryTracing> {
  const { InMemorySpanExporter } = await import("@opentelemetry/sdk-trace-node");
  const exporter = new InMemorySpanExporter();
  const tracing = await startTracing({ serviceName, exporter });
  return { spans: () => exporter.getFinishedSpans(), shutdown: () => tracing.shutdown() };
}
