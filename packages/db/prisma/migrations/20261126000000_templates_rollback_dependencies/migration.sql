-- AlterTable
ALTER TABLE "agent_action" ADD COLUMN     "depends_on_id" INTEGER,
ADD COLUMN     "step_template" JSONB,
ADD COLUMN     "template_id" INTEGER,
ADD COLUMN     "template_step" INTEGER;

-- CreateIndex
CREATE INDEX "agent_action_tenant_id_api_key_id_idx" ON "agent_action"("tenant_id", "api_key_id");

-- CreateIndex
CREATE INDEX "agent_action_tenant_id_id_idx" ON "agent_action"("tenant_id", "id");

-- CreateIndex
CREATE INDEX "agent_action_depends_on_id_idx" ON "agent_action"("depends_on_id");

-- CreateIndex
CREATE INDEX "agent_action_template_id_idx" ON "agent_action"("template_id");

-- AddForeignKey
ALTER TABLE "agent_action" ADD CONSTRAINT "agent_action_depends_on_id_fkey" FOREIGN KEY ("depends_on_id") REFERENCES "agent_action"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "agent_action" ADD CONSTRAINT "agent_action_template_id_fkey" FOREIGN KEY ("template_id") REFERENCES "action_template"("id") ON DELETE SET NULL ON UPDATE CASCADE;
