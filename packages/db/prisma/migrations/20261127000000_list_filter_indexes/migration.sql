-- CreateIndex
CREATE INDEX "agent_action_tenant_id_target_id_id_idx" ON "agent_action"("tenant_id", "target_id", "id");
