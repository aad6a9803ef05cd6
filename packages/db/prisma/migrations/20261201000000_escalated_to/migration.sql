-- AlterTable
ALTER TABLE "agent_action" ADD COLUMN     "escalated_to_label" TEXT;
