-- Approval mail: a person may hear by email about actions waiting for their decision, one mail per
-- action or a digest. Their setting and the sweep's state live apart from app_user, so that the
-- sweep's row locks, held while a mail is sent, never delay what locks a user row; a mark has no key
-- to its action for the same reason (the key's check would share-lock the action's row).

-- CreateEnum
CREATE TYPE "ApprovalMail" AS ENUM ('off', 'each', 'digest');

-- CreateTable
CREATE TABLE "user_mail_setting" (
    "user_id" UUID NOT NULL,
    "approval_mail" "ApprovalMail" NOT NULL DEFAULT 'off',
    "approval_mail_digest_minutes" INTEGER NOT NULL DEFAULT 60,
    "approval_mail_since" TIMESTAMPTZ(3),
    "last_digest_at" TIMESTAMPTZ(3),
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "user_mail_setting_pkey" PRIMARY KEY ("user_id")
);

-- CreateTable
CREATE TABLE "approval_mail_mark" (
    "user_id" UUID NOT NULL,
    "action_id" INTEGER NOT NULL,
    "waiting_since" TIMESTAMPTZ(3) NOT NULL,
    "mailed_at" TIMESTAMPTZ(3),

    CONSTRAINT "approval_mail_mark_pkey" PRIMARY KEY ("user_id","action_id")
);

-- AddForeignKey
ALTER TABLE "user_mail_setting" ADD CONSTRAINT "user_mail_setting_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "app_user"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "approval_mail_mark" ADD CONSTRAINT "approval_mail_mark_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "app_user"("id") ON DELETE CASCADE ON UPDATE CASCADE;
