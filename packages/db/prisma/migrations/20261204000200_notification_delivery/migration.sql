-- Notifications are delivered (email, Slack, in-app) and in-app ones can be marked read; a fired
-- reminder records where it went in its action's timeline.
ALTER TYPE "ActionEventType" ADD VALUE 'reminder_fired';

-- AlterTable
ALTER TABLE "notification" ADD COLUMN     "user_id" UUID,
ADD COLUMN     "delivery" JSONB,
ADD COLUMN     "delivered_at" TIMESTAMPTZ(3),
ADD COLUMN     "read_at" TIMESTAMPTZ(3);

-- CreateIndex
CREATE INDEX "notification_user_id_id_idx" ON "notification"("user_id", "id");

-- AddForeignKey
ALTER TABLE "notification" ADD CONSTRAINT "notification_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "app_user"("id") ON DELETE SET NULL ON UPDATE CASCADE;
