-- An action's type is the name of a registered action-type module (core's registry validates it at
-- proposal time), so adding a type needs no migration. The indexes on these columns are rebuilt
-- by the type change.
ALTER TABLE "agent_action" ALTER COLUMN "action_type" TYPE TEXT USING "action_type"::TEXT;
ALTER TABLE "approval_preference" ALTER COLUMN "action_type" TYPE TEXT USING "action_type"::TEXT;
ALTER TABLE "approval_policy" ALTER COLUMN "action_type" TYPE TEXT USING "action_type"::TEXT;
ALTER TABLE "auto_approval_grant" ALTER COLUMN "action_type" TYPE TEXT USING "action_type"::TEXT;

DROP TYPE "ActionType";
