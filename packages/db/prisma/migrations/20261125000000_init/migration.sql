-- CreateEnum
CREATE TYPE "ActionType" AS ENUM ('create', 'update', 'delete', 'link', 'notify', 'schedule');

-- CreateEnum
CREATE TYPE "TargetType" AS ENUM ('person', 'project', 'idea', 'admin');

-- CreateEnum
CREATE TYPE "ActionStatus" AS ENUM ('pending', 'approved', 'executing', 'executed', 'rejected', 'failed', 'cancelled');

-- CreateEnum
CREATE TYPE "UserRole" AS ENUM ('admin', 'approver', 'viewer');

-- CreateEnum
CREATE TYPE "ApiKeyRole" AS ENUM ('admin', 'approver', 'viewer', 'agent');

-- CreateEnum
CREATE TYPE "ActorKind" AS ENUM ('user', 'api_key', 'system');

-- CreateEnum
CREATE TYPE "ActionEventType" AS ENUM ('proposed', 'auto_approved', 'approved', 'rejected', 'queued', 'started', 'retried', 'executed', 'failed', 'cancelled', 'rollback_requested', 'rolled_back');

-- CreateEnum
CREATE TYPE "ReminderStatus" AS ENUM ('scheduled', 'fired', 'cancelled');

-- CreateTable
CREATE TABLE "tenant" (
    "id" UUID NOT NULL,
    "slug" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "tenant_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "app_user" (
    "id" UUID NOT NULL,
    "tenant_id" UUID NOT NULL,
    "email" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "role" "UserRole" NOT NULL,
    "password_hash" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "app_user_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "api_key" (
    "id" UUID NOT NULL,
    "tenant_id" UUID NOT NULL,
    "public_id" TEXT NOT NULL,
    "secret_hash" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "role" "ApiKeyRole" NOT NULL,
    "owner_id" UUID,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "last_used_at" TIMESTAMPTZ(3),
    "revoked_at" TIMESTAMPTZ(3),

    CONSTRAINT "api_key_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "agent_action" (
    "id" SERIAL NOT NULL,
    "tenant_id" UUID NOT NULL,
    "user_id" UUID,
    "api_key_id" UUID,
    "proposer_label" TEXT NOT NULL,
    "action_type" "ActionType" NOT NULL,
    "target_type" "TargetType",
    "target_id" INTEGER,
    "parameters" JSONB NOT NULL,
    "reason" TEXT,
    "status" "ActionStatus" NOT NULL DEFAULT 'pending',
    "requires_approval" BOOLEAN NOT NULL DEFAULT true,
    "idempotency_key" TEXT,
    "batch_id" UUID,
    "approved_by" UUID,
    "approved_at" TIMESTAMPTZ(3),
    "decided_by_label" TEXT,
    "rejected_at" TIMESTAMPTZ(3),
    "rejection_reason" TEXT,
    "cancelled_at" TIMESTAMPTZ(3),
    "max_attempts" INTEGER NOT NULL DEFAULT 3,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "claim_token" UUID,
    "claimed_at" TIMESTAMPTZ(3),
    "executed_at" TIMESTAMPTZ(3),
    "result" JSONB,
    "error_message" TEXT,
    "rollback_data" JSONB,
    "rolled_back_at" TIMESTAMPTZ(3),
    "rollback_action_id" INTEGER,
    "rollback_of_id" INTEGER,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "agent_action_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "action_event" (
    "id" BIGSERIAL NOT NULL,
    "tenant_id" UUID NOT NULL,
    "action_id" INTEGER NOT NULL,
    "type" "ActionEventType" NOT NULL,
    "actor_kind" "ActorKind" NOT NULL,
    "actor_id" TEXT,
    "actor_label" TEXT NOT NULL,
    "details" JSONB NOT NULL DEFAULT '{}',
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "action_event_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "action_template" (
    "id" SERIAL NOT NULL,
    "tenant_id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "description" TEXT,
    "actions" JSONB NOT NULL,
    "parameters" JSONB NOT NULL DEFAULT '[]',
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "action_template_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "approval_preference" (
    "id" UUID NOT NULL,
    "tenant_id" UUID NOT NULL,
    "action_type" "ActionType" NOT NULL,
    "target_type" "TargetType",
    "auto_approve" BOOLEAN NOT NULL,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "approval_preference_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "item" (
    "id" SERIAL NOT NULL,
    "tenant_id" UUID NOT NULL,
    "kind" "TargetType" NOT NULL,
    "title" TEXT NOT NULL,
    "data" JSONB NOT NULL DEFAULT '{}',
    "version" INTEGER NOT NULL DEFAULT 1,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,
    "deleted_at" TIMESTAMPTZ(3),

    CONSTRAINT "item_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "link" (
    "id" SERIAL NOT NULL,
    "tenant_id" UUID NOT NULL,
    "from_id" INTEGER NOT NULL,
    "to_id" INTEGER NOT NULL,
    "relation" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "link_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "notification" (
    "id" SERIAL NOT NULL,
    "tenant_id" UUID NOT NULL,
    "action_id" INTEGER,
    "item_id" INTEGER,
    "channel" TEXT NOT NULL,
    "recipient" TEXT NOT NULL,
    "subject" TEXT,
    "message" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "notification_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "reminder" (
    "id" SERIAL NOT NULL,
    "tenant_id" UUID NOT NULL,
    "action_id" INTEGER,
    "item_id" INTEGER,
    "recipient" TEXT,
    "message" TEXT NOT NULL,
    "due_at" TIMESTAMPTZ(3) NOT NULL,
    "status" "ReminderStatus" NOT NULL DEFAULT 'scheduled',
    "fired_at" TIMESTAMPTZ(3),
    "cancelled_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "reminder_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "tenant_slug_key" ON "tenant"("slug");

-- CreateIndex
CREATE UNIQUE INDEX "app_user_tenant_id_email_key" ON "app_user"("tenant_id", "email");

-- CreateIndex
CREATE UNIQUE INDEX "api_key_public_id_key" ON "api_key"("public_id");

-- CreateIndex
CREATE INDEX "api_key_tenant_id_idx" ON "api_key"("tenant_id");

-- CreateIndex
CREATE UNIQUE INDEX "agent_action_rollback_action_id_key" ON "agent_action"("rollback_action_id");

-- CreateIndex
CREATE UNIQUE INDEX "agent_action_rollback_of_id_key" ON "agent_action"("rollback_of_id");

-- CreateIndex
CREATE UNIQUE INDEX "agent_action_tenant_id_idempotency_key_key" ON "agent_action"("tenant_id", "idempotency_key");

-- CreateIndex
CREATE INDEX "agent_action_tenant_id_status_id_idx" ON "agent_action"("tenant_id", "status", "id");

-- CreateIndex
CREATE INDEX "agent_action_tenant_id_user_id_idx" ON "agent_action"("tenant_id", "user_id");

-- CreateIndex
CREATE INDEX "agent_action_tenant_id_action_type_id_idx" ON "agent_action"("tenant_id", "action_type", "id");

-- CreateIndex
CREATE INDEX "agent_action_tenant_id_created_at_idx" ON "agent_action"("tenant_id", "created_at");

-- CreateIndex
CREATE INDEX "agent_action_tenant_id_target_type_target_id_id_idx" ON "agent_action"("tenant_id", "target_type", "target_id", "id");

-- CreateIndex
CREATE INDEX "agent_action_status_id_idx" ON "agent_action"("status", "id");

-- CreateIndex
CREATE INDEX "action_event_action_id_id_idx" ON "action_event"("action_id", "id");

-- CreateIndex
CREATE INDEX "action_event_tenant_id_id_idx" ON "action_event"("tenant_id", "id");

-- CreateIndex
CREATE INDEX "action_template_tenant_id_idx" ON "action_template"("tenant_id");

-- CreateIndex
CREATE UNIQUE INDEX "action_template_tenant_id_name_key" ON "action_template"("tenant_id", "name");

-- CreateIndex
CREATE INDEX "approval_preference_tenant_id_action_type_idx" ON "approval_preference"("tenant_id", "action_type");

-- CreateIndex
CREATE INDEX "item_tenant_id_kind_id_idx" ON "item"("tenant_id", "kind", "id");

-- CreateIndex
CREATE INDEX "link_tenant_id_idx" ON "link"("tenant_id");

-- CreateIndex
CREATE INDEX "link_to_id_idx" ON "link"("to_id");

-- CreateIndex
CREATE UNIQUE INDEX "link_from_id_to_id_relation_key" ON "link"("from_id", "to_id", "relation");

-- CreateIndex
CREATE INDEX "notification_tenant_id_created_at_idx" ON "notification"("tenant_id", "created_at");

-- CreateIndex
CREATE INDEX "reminder_tenant_id_idx" ON "reminder"("tenant_id");

-- CreateIndex
CREATE INDEX "reminder_status_due_at_idx" ON "reminder"("status", "due_at");

-- AddForeignKey
ALTER TABLE "app_user" ADD CONSTRAINT "app_user_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenant"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "api_key" ADD CONSTRAINT "api_key_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenant"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "api_key" ADD CONSTRAINT "api_key_owner_id_fkey" FOREIGN KEY ("owner_id") REFERENCES "app_user"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "agent_action" ADD CONSTRAINT "agent_action_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenant"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "agent_action" ADD CONSTRAINT "agent_action_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "app_user"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "agent_action" ADD CONSTRAINT "agent_action_api_key_id_fkey" FOREIGN KEY ("api_key_id") REFERENCES "api_key"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "agent_action" ADD CONSTRAINT "agent_action_approved_by_fkey" FOREIGN KEY ("approved_by") REFERENCES "app_user"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "action_event" ADD CONSTRAINT "action_event_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenant"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "action_event" ADD CONSTRAINT "action_event_action_id_fkey" FOREIGN KEY ("action_id") REFERENCES "agent_action"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "action_template" ADD CONSTRAINT "action_template_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenant"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "approval_preference" ADD CONSTRAINT "approval_preference_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenant"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "item" ADD CONSTRAINT "item_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenant"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "link" ADD CONSTRAINT "link_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenant"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "link" ADD CONSTRAINT "link_from_id_fkey" FOREIGN KEY ("from_id") REFERENCES "item"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "link" ADD CONSTRAINT "link_to_id_fkey" FOREIGN KEY ("to_id") REFERENCES "item"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "notification" ADD CONSTRAINT "notification_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenant"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "reminder" ADD CONSTRAINT "reminder_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenant"("id") ON DELETE CASCADE ON UPDATE CASCADE;
