-- A named lease that one worker process holds at a time (the queue reconciler's pass), until it lets
-- it go or `expires_at` passes. A lease row rather than an advisory lock: a transaction-scoped lock
-- kept one transaction (and its snapshot, which holds back vacuum) open for a whole pass, and a
-- session lock needs a connection of its own that the pooled client does not give.
CREATE TABLE "worker_lease" (
    "name" TEXT NOT NULL,
    "holder" UUID NOT NULL,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "worker_lease_pkey" PRIMARY KEY ("name")
);
