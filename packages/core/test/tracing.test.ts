import { SpanKind, SpanStatusCode, trace } from "@opentelemetry/api";
import { describe, expect, it } from "vitest";

import { contextFromTraceparent, createLogger, currentTraceparent, executeActionJob, inSpan, noteActions, startTracing, traceLogFields } from "../src/index.ts";
import { startInMemoryTracing } from "../src/testing/in-memory-tracing.ts";

/** A logger whose JSON lines land in an array. */
function capturingLogger() {
  const lines: Record<string, unknown>[] = [];
  const logger = createLogger({ name: "test", level: "debug", destination: { write: (line: string) => lines.push(JSON.parse(line) as Record<string, unknown>) } });
  return { logger, lines };
}

// The file's order matters: nothing is registered until the second block registers the SDK.
describe("without an endpoint", () => {
  it("registers nothing: spans are no-ops that record nothing, carry no context and add nothing to logs", async () => {
    expect(await startTracing({ serviceName: "leash-test" })).toBeNull();
    expect(await startTracing({ serviceName: "leash-test", endpoint: undefined })).toBeNull();

    expect(trace.getTracer("probe").startSpan("probe").isRecording()).toBe(false);
    const { logger, lines } = capturingLogger();
    const seen = await inSpan("work", { unitOfWork: true }, (span) => {
      noteActions([7]);
      logger.info("inside");
      return Promise.resolve({ recording: span.isRecording(), traceparent: currentTraceparent(), fields: traceLogFields() });
    });
    expect(seen).toEqual({ recording: false, traceparent: undefined, fields: {} });
    expect(lines[0]).not.toHaveProperty("traceId");
    expect(lines[0]).not.toHaveProperty("actionId");
  });
});

describe("with an exporter", () => {
  it("records nested spans in one trace, names the action on its unit of work, and carries the context through a traceparent", async () => {
    const tracing = await startInMemoryTracing();
    try {
      const traceparent = await inSpan("request", { role: "server", unitOfWork: true }, () =>
        inSpan("propose", {}, () =>
          inSpan("send", { role: "producer" }, () => {
            noteActions([42]);
            return Promise.resolve(currentTraceparent());
          }),
        ),
      );
      expect(traceparent).toMatch(/^00-[\da-f]{32}-[\da-f]{16}-01$/);
      await inSpan("process", { role: "consumer", parent: contextFromTraceparent(traceparent), attributes: { "leash.action.id": 42 } }, () => Promise.resolve());

      const byName = new Map(tracing.spans().map((span) => [span.name, span]));
      const [request, propose, send, process] = ["request", "propose", "send", "process"].map((name) => byName.get(name));
      expect(request?.parentSpanContext).toBeUndefined();
      expect(propose?.parentSpanContext?.spanId).toBe(request?.spanContext().spanId);
      expect(send?.parentSpanContext?.spanId).toBe(propose?.spanContext().spanId);
      expect(process?.parentSpanContext?.spanId).toBe(send?.spanContext().spanId);
      expect(new Set([request, propose, send, process].map((span) => span?.spanContext().traceId)).size).toBe(1);
      expect([request, process].map((span) => span?.kind)).toEqual([SpanKind.SERVER, SpanKind.CONSUMER]);
      // Noted inside "send": on that span and on its unit of work ("request"), not on the spans between.
      expect(send?.attributes["leash.action.id"]).toBe(42);
      expect(request?.attributes["leash.action.id"]).toBe(42);
      expect(propose?.attributes["leash.action.id"]).toBeUndefined();
      expect(request?.resource.attributes["service.name"]).toBe("leash-test");
    } finally {
      await tracing.shutdown();
    }
  });

  it("puts the trace id, the span id and, once known, the action id on log lines written inside a span", async () => {
    const tracing = await startInMemoryTracing();
    try {
      const { logger, lines } = capturingLogger();
      logger.info("outside");
      await inSpan("job", { unitOfWork: true }, async () => {
        logger.info("before the action is known");
        noteActions([9]);
        await inSpan("step", {}, () => {
          logger.child({ part: "step" }).warn("inside a child span");
          return Promise.resolve();
        });
        logger.info({ actionId: 10 }, "a field of the line wins");
      });
      const [job, step] = ["job", "step"].map((name) => tracing.spans().find((span) => span.name === name)?.spanContext());
      expect(lines.map(({ msg, traceId, spanId, actionId }) => ({ msg, traceId, spanId, actionId }))).toEqual([
        { msg: "outside", traceId: undefined, spanId: undefined, actionId: undefined },
        { msg: "before the action is known", traceId: job?.traceId, spanId: job?.spanId, actionId: undefined },
        { msg: "inside a child span", traceId: job?.traceId, spanId: step?.spanId, actionId: 9 },
        { msg: "a field of the line wins", traceId: job?.traceId, spanId: job?.spanId, actionId: 10 },
      ]);
    } finally {
      await tracing.shutdown();
    }
  });

  it("marks a span whose work threw as failed, with the exception", async () => {
    const tracing = await startInMemoryTracing();
    try {
      await expect(inSpan("broken", {}, () => Promise.reject(new Error("database away")))).rejects.toThrow("database away");
      const [broken] = tracing.spans();
      expect(broken?.status).toEqual({ code: SpanStatusCode.ERROR, message: "database away" });
      expect(broken?.events.map((event) => event.name)).toEqual(["exception"]);
    } finally {
      await tracing.shutdown();
    }
  });
});

describe("the execution job's trace field", () => {
  it("is optional (jobs enqueued without tracing, or before it existed) and must be a W3C traceparent when present", () => {
    const tenantId = "0b0f8f8e-1a2b-4c3d-8e9f-0a1b2c3d4e5f";
    expect(executeActionJob.payload.safeParse({ actionId: 1, tenantId }).success).toBe(true);
    expect(executeActionJob.payload.safeParse({ actionId: 1, tenantId, trace: "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01" }).success).toBe(true);
    expect(executeActionJob.payload.safeParse({ actionId: 1, tenantId, trace: "not a traceparent" }).success).toBe(false);
  });
});
