import { z } from "zod";

import { actionTypeSchema } from "../action-types/action-type-schema.ts";

export const metricWindows = ["day", "week", "month"] as const;
export type MetricWindow = (typeof metricWindows)[number];

export const metricsSummaryInputSchema = z.strictObject({
  window: z.enum(metricWindows).describe("day: the last 24 hours by hour; week: the last 7 days by day (today so far included); month: the last 30 days by day"),
  actionType: actionTypeSchema.optional().describe("only actions of this type"),
  apiKeyId: z.uuid().optional().describe("only actions proposed with this API key (an agent)"),
});
export type MetricsSummaryInput = z.input<typeof metricsSummaryInputSchema>;

const rate = z.number().min(0).max(1).nullable();
const milliseconds = z.number().min(0).nullable();

const durationSchema = z.object({
  /** How many durations the figures come from. */
  count: z.int(),
  mean: milliseconds,
  p50: milliseconds,
  p95: milliseconds,
});

/** The figures of one set of actions; a rate or a time is null when it has nothing to be computed from. */
export const metricSetSchema = z.object({
  proposed: z.int(),
  executed: z.int(),
  failed: z.int(),
  /** Approved (by a person, automatically or on expiry) or rejected. */
  decided: z.int(),
  approved: z.int(),
  rejected: z.int(),
  /** Approved on proposal by a preference or a trust grant, without a person. */
  autoApproved: z.int(),
  /** Decided by the policy's fallback when nobody decided in time. */
  expired: z.int(),
  /** Executed, and later undone by a rollback that executed. */
  rolledBack: z.int(),
  /** executed / (executed + failed) */
  successRate: rate,
  /** approved / decided */
  approvalRate: rate,
  /** rolledBack / executed */
  rollbackRate: rate,
  /** autoApproved / decided */
  autoApprovedShare: rate,
  /** expired / decided */
  expiredShare: rate,
  /** From approval (when the action is queued) to executed, in ms. */
  executionMs: durationSchema,
  /** From proposal to a person's approval or rejection, in ms. */
  decisionMs: durationSchema,
});
export type MetricSet = z.infer<typeof metricSetSchema>;

export const headlineMetrics = ["successRate", "executionMeanMs", "approvalRate", "rollbackRate"] as const;
export type HeadlineMetric = (typeof headlineMetrics)[number];

export const headlineSchema = z.object({
  metric: z.enum(headlineMetrics),
  label: z.string(),
  value: z.number().nullable(),
  /** The same figure over the window before (as long, just before it). */
  previous: z.number().nullable(),
  /** value - previous (rate points or ms); null when either is missing. */
  change: z.number().nullable(),
  target: z.number(),
  direction: z.enum(["above", "below"]),
  /** `no_data` when the window has nothing to compute the figure from. */
  status: z.enum(["met", "missed", "no_data"]),
});
export type Headline = z.infer<typeof headlineSchema>;

export const metricsSummarySchema = z.object({
  window: z.enum(metricWindows),
  /** The window: from the start of its first bucket (inclusive) to the time of the answer. */
  from: z.iso.datetime(),
  to: z.iso.datetime(),
  previousFrom: z.iso.datetime(),
  bucket: z.enum(["hour", "day"]),
  filters: z.object({ actionType: z.string().nullable(), apiKeyId: z.uuid().nullable(), agentName: z.string().nullable() }),
  /** The seed's four success metrics against their targets. */
  headline: z.array(headlineSchema),
  totals: metricSetSchema,
  previous: metricSetSchema,
  /** One entry per hour (day window) or UTC day (week, month), oldest first; the last one is still going. */
  series: z.array(metricSetSchema.extend({ start: z.iso.datetime() })),
  byActionType: z.array(metricSetSchema.extend({ actionType: z.string() })),
  /** Per proposing API key; `apiKeyId` null gathers the actions proposed without a key (people in the console or Slack, the admin CLI). */
  byAgent: z.array(metricSetSchema.extend({ apiKeyId: z.uuid().nullable(), name: z.string(), revoked: z.boolean() })),
});
export type MetricsSummary = z.infer<typeof metricsSummarySchema>;
