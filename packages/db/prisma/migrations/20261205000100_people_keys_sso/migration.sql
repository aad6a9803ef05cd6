-- People, API keys and single sign-on, administered from the console.

-- A deactivated person can no longer sign in (password or SSO); their sessions and their keys stop at once.
ALTER TABLE "app_user" ADD COLUMN "deactivated_at" TIMESTAMPTZ(3);

-- A key past its expiry is refused like a revoked one; null: it does not expire.
ALTER TABLE "api_key" ADD COLUMN "expires_at" TIMESTAMPTZ(3);

-- The audit trail of administration (people, keys, single sign-on): action_event is about actions only.
CREATE TABLE "admin_event" (
    "id" UUID NOT NULL,
    "tenant_id" UUID NOT NULL,
    "type" TEXT NOT NULL,
    "actor_kind" "ActorKind" NOT NULL,
    "actor_id" TEXT,
    "actor_label" TEXT NOT NULL,
    "subject" TEXT NOT NULL,
    "details" JSONB NOT NULL DEFAULT '{}',
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "admin_event_pkey" PRIMARY KEY ("id")
);

CREATE INDEX "admin_event_tenant_id_created_at_idx" ON "admin_event"("tenant_id", "created_at");

ALTER TABLE "admin_event" ADD CONSTRAINT "admin_event_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenant"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- A tenant's OpenID Connect provider: at most one per tenant; the client secret is encrypted like connectors' secrets.
CREATE TABLE "sso_connection" (
    "id" UUID NOT NULL,
    "tenant_id" UUID NOT NULL,
    "issuer_url" TEXT NOT NULL,
    "client_id" TEXT NOT NULL,
    "client_secret" TEXT NOT NULL,
    "allowed_email_domain" TEXT NOT NULL,
    "new_user_role" "UserRole" NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "sso_connection_pkey" PRIMARY KEY ("id")
);

CREATE UNIQUE INDEX "sso_connection_tenant_id_key" ON "sso_connection"("tenant_id");

-- Sign-in by email domain finds the tenant through this.
CREATE INDEX "sso_connection_allowed_email_domain_idx" ON "sso_connection"("allowed_email_domain");

ALTER TABLE "sso_connection" ADD CONSTRAINT "sso_connection_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenant"("id") ON DELETE CASCADE ON UPDATE CASCADE;
