-- The metrics (packages/core/src/metrics) read a tenant's actions by the time they were proposed.
-- Measured on a tenant of 1,000,000 actions proposed over 30 days, on 2 cores: reading a day of
-- them (about 33,000) from their rows takes 100 ms or more, a month well over a second, however
-- indexed; so what is over is summarised once and stored.

-- Each UTC hour and day that is over is summarised on the first read that needs it: counts and
-- duration histograms of its finished actions per action type and API key, and the ids of those
-- still in flight, which are read from their rows until they finish. A finished action never
-- changes again but for a later rollback, which the metrics count from the index below.
CREATE TYPE "MetricsPeriod" AS ENUM ('hour', 'day');

CREATE TABLE "action_metrics_period" (
    "tenant_id" UUID NOT NULL,
    "period" "MetricsPeriod" NOT NULL,
    "start" TIMESTAMPTZ(3) NOT NULL,
    "groups" JSONB NOT NULL,
    "open_action_ids" JSONB NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "action_metrics_period_pkey" PRIMARY KEY ("tenant_id", "period", "start")
);

ALTER TABLE "action_metrics_period" ADD CONSTRAINT "action_metrics_period_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenant"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- The actions of a window that were rolled back (a few percent at most), read from the index alone:
-- only rows with rolled_back_at set enter it, so the status updates of every other action do not
-- pay for it.
CREATE INDEX "agent_action_rolled_back_idx" ON "agent_action"("tenant_id", "created_at", "action_type", "api_key_id") WHERE ((rolled_back_at IS NOT NULL) AND (rollback_of_id IS NULL));

-- Whether an action expired waiting for a person (its `expired` event): only those events enter it,
-- so looking an action up costs one probe of a small index.
CREATE INDEX "action_event_expired_idx" ON "action_event"("action_id") WHERE (type = 'expired'::"ActionEventType");
