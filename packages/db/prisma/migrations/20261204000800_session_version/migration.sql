-- Console sessions carry the user's session version from their sign-in and are refused once it has
-- moved on: raising it signs the person out of every browser at once (a stolen cookie included).
-- Sessions issued before this migration carry none and are refused too: everyone signs in again.
ALTER TABLE "app_user" ADD COLUMN "session_version" INTEGER NOT NULL DEFAULT 1;
