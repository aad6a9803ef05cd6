-- Reminders and escalations still to be emailed: written by the deadline sweep in the statement that
-- records them, deleted by the worker's sending pass once they went out, so a worker that stops
-- between the two, or a mail server away at that moment, delays a notice and never loses it.
CREATE TABLE "deadline_notice" (
    "id" BIGSERIAL NOT NULL,
    "tenant_id" UUID NOT NULL,
    "action_id" INTEGER NOT NULL,
    "kind" TEXT NOT NULL,
    "user_id" UUID,
    "next_attempt_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "deadline_notice_pkey" PRIMARY KEY ("id")
);
