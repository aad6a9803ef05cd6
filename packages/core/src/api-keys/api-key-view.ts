import type { ApiKey, ApiKeyRole } from "@leash/db";

/** A key as the API keys page lists it: never its secret or the secret's hash. */
export interface ApiKeyView {
  publicId: string;
  name: string;
  role: ApiKeyRole;
  owner: { id: string; name: string; email: string } | null;
  createdAt: string;
  expiresAt: string | null;
  lastUsedAt: string | null;
  revokedAt: string | null;
  /** Whether a request with it would be accepted now (not revoked, not expired, owner active). */
  usable: boolean;
}

export function toApiKeyView(key: ApiKey & { owner: { id: string; name: string; email: string; deactivatedAt: Date | null } | null }, now: Date): ApiKeyView {
  return {
    publicId: key.publicId,
    name: key.name,
    role: key.role,
    owner: key.owner ? { id: key.owner.id, name: key.owner.name, email: key.owner.email } : null,
    createdAt: key.createdAt.toISOString(),
    expiresAt: key.expiresAt?.toISOString() ?? null,
    lastUsedAt: key.lastUsedAt?.toISOString() ?? null,
    revokedAt: key.revokedAt?.toISOString() ?? null,
    usable: key.revokedAt === null && (key.expiresAt === null || key.expiresAt > now) && (key.owner?.deactivatedAt ?? null) === null,
  };
}

export const apiKeyOwnerColumns = { select: { id: true, name: true, email: true, deactivatedAt: true } } as const;
