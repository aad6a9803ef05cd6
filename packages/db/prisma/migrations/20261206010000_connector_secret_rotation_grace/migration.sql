-- The signing secret a rotation replaced, still signing connector requests beside the new one
-- until it expires, so receivers can switch secrets without refusing a request in between.
ALTER TABLE "connector" ADD COLUMN "previous_signing_secret" TEXT,
ADD COLUMN "previous_secret_expires_at" TIMESTAMPTZ(3);
