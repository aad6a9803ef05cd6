-- CreateEnum
CREATE TYPE "ExpiryFallback" AS ENUM ('reject', 'auto_approve');

-- AlterEnum
ALTER TYPE "ActionEventType" ADD VALUE 'approval_added';
ALTER TYPE "ActionEventType" ADD VALUE 'parameters_edited';
ALTER TYPE "ActionEventType" ADD VALUE 'reminder_sent';
ALTER TYPE "ActionEventType" ADD VALUE 'escalated';
ALTER TYPE "ActionEventType" ADD VALUE 'expired';
ALTER TYPE "ActionEventType" ADD VALUE 'returned_to_pending';
ALTER TYPE "ActionEventType" ADD VALUE 'auto_approval_granted';
ALTER TYPE "ActionEventType" ADD VALUE 'auto_approval_suspended';

-- AlterTable
ALTER TABLE "agent_action" ADD COLUMN     "policy_id" UUID,
ADD COLUMN     "required_approvals" INTEGER NOT NULL DEFAULT 1,
ADD COLUMN     "target_version" INTEGER,
ADD COLUMN     "original_parameters" JSONB,
ADD COLUMN     "expires_at" TIMESTAMPTZ(3),
ADD COLUMN     "remind_at" TIMESTAMPTZ(3),
ADD COLUMN     "escalate_at" TIMESTAMPTZ(3),
ADD COLUMN     "auto_approval_grant_id" UUID;

-- CreateTable
CREATE TABLE "approval_policy" (
    "id" UUID NOT NULL,
    "tenant_id" UUID NOT NULL,
    "action_type" "ActionType" NOT NULL,
    "target_type" "TargetType",
    "required_approvals" INTEGER NOT NULL DEFAULT 1,
    "separation_of_duties" BOOLEAN NOT NULL DEFAULT true,
    "expires_after_seconds" INTEGER,
    "remind_after_seconds" INTEGER,
    "escalate_after_seconds" INTEGER,
    "escalate_to_user_id" UUID,
    "expiry_fallback" "ExpiryFallback" NOT NULL DEFAULT 'reject',
    "auto_approve_budget_per_hour" INTEGER,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "approval_policy_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "action_approval" (
    "id" UUID NOT NULL,
    "tenant_id" UUID NOT NULL,
    "action_id" INTEGER NOT NULL,
    "approver_key" TEXT NOT NULL,
    "approver_label" TEXT NOT NULL,
    "user_id" UUID,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "action_approval_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "auto_approval_grant" (
    "id" UUID NOT NULL,
    "tenant_id" UUID NOT NULL,
    "api_key_id" UUID,
    "proposer_user_id" UUID,
    "action_type" "ActionType" NOT NULL,
    "target_type" "TargetType",
    "granted_by_label" TEXT NOT NULL,
    "granted_by_user_id" UUID,
    "source_action_id" INTEGER,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,
    "suspended_at" TIMESTAMPTZ(3),
    "suspended_reason" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "auto_approval_grant_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "agent_action_expires_at_idx" ON "agent_action"("expires_at");

-- CreateIndex
CREATE INDEX "agent_action_remind_at_idx" ON "agent_action"("remind_at");

-- CreateIndex
CREATE INDEX "agent_action_escalate_at_idx" ON "agent_action"("escalate_at");

-- CreateIndex
CREATE INDEX "agent_action_auto_approval_grant_id_idx" ON "agent_action"("auto_approval_grant_id");

-- CreateIndex
CREATE INDEX "approval_policy_tenant_id_action_type_idx" ON "approval_policy"("tenant_id", "action_type");

-- CreateIndex
CREATE INDEX "action_approval_tenant_id_idx" ON "action_approval"("tenant_id");

-- CreateIndex
CREATE UNIQUE INDEX "action_approval_action_id_approver_key_key" ON "action_approval"("action_id", "approver_key");

-- CreateIndex
CREATE INDEX "auto_approval_grant_tenant_id_action_type_idx" ON "auto_approval_grant"("tenant_id", "action_type");

-- AddForeignKey
ALTER TABLE "agent_action" ADD CONSTRAINT "agent_action_policy_id_fkey" FOREIGN KEY ("policy_id") REFERENCES "approval_policy"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "agent_action" ADD CONSTRAINT "agent_action_auto_approval_grant_id_fkey" FOREIGN KEY ("auto_approval_grant_id") REFERENCES "auto_approval_grant"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "approval_policy" ADD CONSTRAINT "approval_policy_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenant"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "approval_policy" ADD CONSTRAINT "approval_policy_escalate_to_user_id_fkey" FOREIGN KEY ("escalate_to_user_id") REFERENCES "app_user"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "action_approval" ADD CONSTRAINT "action_approval_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenant"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "action_approval" ADD CONSTRAINT "action_approval_action_id_fkey" FOREIGN KEY ("action_id") REFERENCES "agent_action"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "action_approval" ADD CONSTRAINT "action_approval_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "app_user"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "auto_approval_grant" ADD CONSTRAINT "auto_approval_grant_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenant"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "auto_approval_grant" ADD CONSTRAINT "auto_approval_grant_api_key_id_fkey" FOREIGN KEY ("api_key_id") REFERENCES "api_key"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "auto_approval_grant" ADD CONSTRAINT "auto_approval_grant_proposer_user_id_fkey" FOREIGN KEY ("proposer_user_id") REFERENCES "app_user"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "auto_approval_grant" ADD CONSTRAINT "auto_approval_grant_granted_by_user_id_fkey" FOREIGN KEY ("granted_by_user_id") REFERENCES "app_user"("id") ON DELETE SET NULL ON UPDATE CASCADE;
