-- AlterTable
ALTER TABLE "agent_action" ADD COLUMN     "slack_channel_id" TEXT,
ADD COLUMN     "slack_message_ts" TEXT;

-- CreateTable
CREATE TABLE "slack_workspace" (
    "id" UUID NOT NULL,
    "team_id" TEXT NOT NULL,
    "tenant_id" UUID NOT NULL,
    "approval_channel_id" TEXT NOT NULL,
    "match_emails" BOOLEAN NOT NULL DEFAULT false,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "slack_workspace_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "slack_user_link" (
    "id" UUID NOT NULL,
    "team_id" TEXT NOT NULL,
    "slack_user_id" TEXT NOT NULL,
    "user_id" UUID NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "slack_user_link_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "slack_workspace_team_id_key" ON "slack_workspace"("team_id");

-- CreateIndex
CREATE UNIQUE INDEX "slack_workspace_tenant_id_key" ON "slack_workspace"("tenant_id");

-- CreateIndex
CREATE INDEX "slack_user_link_user_id_idx" ON "slack_user_link"("user_id");

-- CreateIndex
CREATE UNIQUE INDEX "slack_user_link_team_id_slack_user_id_key" ON "slack_user_link"("team_id", "slack_user_id");

-- AddForeignKey
ALTER TABLE "slack_workspace" ADD CONSTRAINT "slack_workspace_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenant"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "slack_user_link" ADD CONSTRAINT "slack_user_link_team_id_fkey" FOREIGN KEY ("team_id") REFERENCES "slack_workspace"("team_id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "slack_user_link" ADD CONSTRAINT "slack_user_link_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "app_user"("id") ON DELETE CASCADE ON UPDATE CASCADE;
