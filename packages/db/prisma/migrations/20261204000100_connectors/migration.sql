-- HTTP connectors: the services of a tenant that `http` actions may call. Secret header values and
-- the signing secret are encrypted by core before they reach this table.

-- CreateTable
CREATE TABLE "connector" (
    "id" UUID NOT NULL,
    "tenant_id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "base_url" TEXT NOT NULL,
    "allowed_methods" TEXT[],
    "allowed_path_prefixes" TEXT[],
    "headers" JSONB NOT NULL DEFAULT '[]',
    "signing_secret" TEXT NOT NULL,
    "timeout_ms" INTEGER NOT NULL DEFAULT 10000,
    "allow_private_network" BOOLEAN NOT NULL DEFAULT false,
    "undo" JSONB,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "connector_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "connector_tenant_id_name_key" ON "connector"("tenant_id", "name");

-- AddForeignKey
ALTER TABLE "connector" ADD CONSTRAINT "connector_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenant"("id") ON DELETE CASCADE ON UPDATE CASCADE;
