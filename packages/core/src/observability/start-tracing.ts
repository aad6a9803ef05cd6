import { context, propagation, trace } from "@opentelemetry/api";
import type { SpanExporter } from "@opentelemetry/sdk-trace-node";
import { z } from "zod";

/** The settings of the apps that trace (API and worker), under OpenTelemetry's own names; tracing is off without an endpoint. */
export const tracingEnv = {
  /** The OTLP/HTTP collector's base URL, e.g. http://otel-collector:4318: spans go to its /v1/traces. */
  OTEL_EXPORTER_OTLP_ENDPOINT: z.url().optional(),
  /** `service.name` of this process's spans (default: leash-api, leash-worker). */
  OTEL_SERVICE_NAME: z.string().min(1).optional(),
};

export interface Tracing {
  /** Sends the spans still buffered and unregisters the SDK (at shutdown). */
  shutdown(): Promise<void>;
}

export interface StartTracingOptions {
  /** `service.name` of every span of this process (OTEL_SERVICE_NAME, or the app's own name). */
  serviceName: string;
  /** OTEL_EXPORTER_OTLP_ENDPOINT: the collector's base URL; spans are posted to `<endpoint>/v1/traces` (OTLP over HTTP). */
  endpoint?: string | undefined;
  /** Where spans go instead of a collector (tests: an in-memory exporter); each is handed over as it ends. */
  exporter?: SpanExporter;
}

/**
 * Registers OpenTelemetry's SDK for this process (tracer provider, async context, W3C trace context
 * propagation) when there is somewhere to send spans; with neither an endpoint nor an exporter nothing
 * is registered and core's spans stay no-ops. The SDK is imported only then, so a process without
 * tracing never loads it.
 */
export async function startTracing(options: StartTracingOptions & { exporter: SpanExporter }): Promise<Tracing>;
export async function startTracing(options: StartTracingOptions): Promise<Tracing | null>;
export async function startTracing({ serviceName, endpoint, exporter }: StartTracingOptions): Promise<Tracing | null> {
  const destination = exporter ?? endpoint;
  if (destination === undefined) return null;
  const [{ BatchSpanProcessor, NodeTracerProvider, SimpleSpanProcessor }, { defaultResource, resourceFromAttributes }] = await Promise.all([
    import("@opentelemetry/sdk-trace-node"),
    import("@opentelemetry/resources"),
  ]);
  const processor =
    typeof destination === "string"
      ? // Batched and sent in the background: a slow or absent collector never holds up a request or a job.
        new BatchSpanProcessor(new (await import("@opentelemetry/exporter-trace-otlp-http")).OTLPTraceExporter({ url: tracesUrl(destination) }))
      : new SimpleSpanProcessor(destination);
  const provider = new NodeTracerProvider({
    resource: defaultResource().merge(resourceFromAttributes({ "service.name": serviceName })),
    spanProcessors: [processor],
  });
  provider.register();
  return {
    async shutdown() {
      await provider.shutdown();
      trace.disable();
      context.disable();
      propagation.disable();
    },
  };
}

/** OTLP's rule for the base endpoint variable: traces go to its `/v1/traces`. */
function tracesUrl(endpoint: string): string {
  return `${endpoint.replace(/\/+$/, "")}/v1/traces`;
}
