-- The signing secret a rotation replaced, still signing deliveries beside the new one until it
-- expires, so receivers can switch secrets without refusing a delivery in between.
ALTER TABLE "webhook_endpoint" ADD COLUMN "previous_signing_secret" TEXT,
ADD COLUMN "previous_secret_expires_at" TIMESTAMPTZ(3);
