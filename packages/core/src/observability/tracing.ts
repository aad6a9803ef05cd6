import {
  context,
  createContextKey,
  isSpanContextValid,
  propagation,
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  trace,
  type Attributes,
  type Context,
  type Span,
} from "@opentelemetry/api";
import { z } from "zod";

export type { Span } from "@opentelemetry/api";

/** Attribute names of Leash's own, next to OpenTelemetry's conventional ones (rpc.*, messaging.*). */
export const spanAttributes = {
  actionId: "leash.action.id",
  /** The actions of a batch, when one span covers several. */
  actionIds: "leash.action.ids",
  tenantId: "leash.tenant.id",
} as const;

// Core speaks only to @opentelemetry/api: until an SDK is registered (startTracing), every span is a
// no-op that records nothing and carries no context, so a process without tracing pays next to nothing.
// The tracer is looked up at each span (the SDK caches it), never kept: a kept one stays bound to the
// first provider registered, and a process may register another after a shutdown (tests do).
const tracer = () => trace.getTracer("@leash/core");

const kinds = { server: SpanKind.SERVER, internal: SpanKind.INTERNAL, producer: SpanKind.PRODUCER, consumer: SpanKind.CONSUMER } as const;

/** A unit of work (one API procedure call, one job): what is learnt inside it about its action lands on its span and in its log lines. */
interface WorkScope {
  readonly span: Span;
  actionId: number | undefined;
}
const workScopeKey = createContextKey("leash.work-scope");

function workScope(active: Context): WorkScope | undefined {
  return active.getValue(workScopeKey) as WorkScope | undefined;
}

export interface SpanOptions {
  role?: keyof typeof kinds;
  attributes?: Attributes;
  /** Where the span starts: a job's carried trace context (contextFromTraceparent); the active context otherwise. */
  parent?: Context;
  /** Makes the span a unit of work: `noteActions` inside it also annotates it, and log lines inside it carry the action id. */
  unitOfWork?: boolean;
}

/** Runs `run` inside a new active span, which records an escaping error and ends when `run` settles. */
export function inSpan<T>(name: string, options: SpanOptions, run: (span: Span) => Promise<T>): Promise<T> {
  const parent = options.parent ?? context.active();
  const span = tracer().startSpan(name, { kind: kinds[options.role ?? "internal"], attributes: options.attributes }, parent);
  const initialActionId = options.attributes?.[spanAttributes.actionId];
  const scoped = options.unitOfWork
    ? parent.setValue(workScopeKey, { span, actionId: typeof initialActionId === "number" ? initialActionId : undefined } satisfies WorkScope)
    : parent;
  return context.with(trace.setSpan(scoped, span), async () => {
    try {
      return await run(span);
    } catch (error) {
      markSpanFailed(span, error);
      throw error;
    } finally {
      span.end();
    }
  });
}

/** Marks the span as failed: an error is recorded as its exception, a string as the status message. */
export function markSpanFailed(span: Span, error: unknown): void {
  if (error instanceof Error) span.recordException(error);
  span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.message : String(error) });
}

/** Adds attributes to the active span, if any. */
export function annotateSpan(attributes: Attributes): void {
  trace.getActiveSpan()?.setAttributes(attributes);
}

/**
 * Names the action(s) the current work is about, once known (a proposal learns its id when stored): on
 * the active span and on its unit of work's span, whose later log lines then carry `actionId`.
 */
export function noteActions(ids: readonly number[]): void {
  const [first] = ids;
  if (first === undefined) return;
  const attributes = ids.length === 1 ? { [spanAttributes.actionId]: first } : { [spanAttributes.actionIds]: [...ids] };
  const active = context.active();
  trace.getSpan(active)?.setAttributes(attributes);
  const scope = workScope(active);
  if (!scope) return;
  scope.span.setAttributes(attributes);
  if (ids.length === 1) scope.actionId = first;
}

/** OpenTelemetry's messaging attributes of a span that sends jobs to a BullMQ queue or processes one of its jobs. */
export function queueSpanAttributes(queue: string, operation: "send" | "process"): Attributes {
  return { "messaging.system": "bullmq", "messaging.destination.name": queue, "messaging.operation.type": operation };
}

/** A W3C traceparent (version-traceid-parentid-flags), as jobs carry it from producer to consumer. */
export const traceparentSchema = z.string().regex(/^[\da-f]{2}-[\da-f]{32}-[\da-f]{16}-[\da-f]{2}$/);

/** The active span's context as a W3C traceparent, for a job to carry; undefined when nothing is traced. */
export function currentTraceparent(): string | undefined {
  const carrier: Record<string, string> = {};
  propagation.inject(context.active(), carrier);
  return carrier.traceparent;
}

/** Where a consumer's span starts: inside the producer's trace when the job carried one, a new trace otherwise. */
export function contextFromTraceparent(traceparent: string | undefined): Context {
  return traceparent === undefined ? ROOT_CONTEXT : propagation.extract(ROOT_CONTEXT, { traceparent });
}

/**
 * What a log line written inside a span carries (the logger's mixin): the trace and span ids, and the
 * action id once its unit of work knows it. A fresh object each time: pino merges the line's own fields into it.
 */
export function traceLogFields(): { traceId?: string; spanId?: string; actionId?: number } {
  const active = context.active();
  const spanContext = trace.getSpan(active)?.spanContext();
  if (!spanContext || !isSpanContextValid(spanContext)) return {};
  const actionId = workScope(active)?.actionId;
  return { traceId: spanContext.traceId, spanId: spanContext.spanId, ...(actionId === undefined ? {} : { actionId }) };
}
