import { createHash, randomBytes, timingSafeEqual } from "node:crypto";

import type { ApiKeyRole, Db, DbTransaction } from "@leash/db";

import type { Actor } from "../actor.ts";
import { systemClock, type Clock } from "../clock.ts";
import { CoreError } from "../errors.ts";

const KEY_PREFIX = "lsh";

function hashSecret(secret: string): string {
  return createHash("sha256").update(secret).digest("hex");
}

/** A key reads `lsh_<public id>_<secret>`: the public id finds the row, the secret is checked against its hash. */
export function generateApiKey(): { key: string; publicId: string; secretHash: string } {
  const publicId = randomBytes(9).toString("base64url").replaceAll(/[-_]/g, "x");
  const secret = randomBytes(32).toString("base64url");
  return { key: `${KEY_PREFIX}_${publicId}_${secret}`, publicId, secretHash: hashSecret(secret) };
}

function parseKey(key: string): { publicId: string; secret: string } | null {
  const match = /^lsh_([A-Za-z0-9]{12})_([A-Za-z0-9_-]{43})$/.exec(key);
  if (!match?.[1] || !match[2]) return null;
  return { publicId: match[1], secret: match[2] };
}

export async function createApiKey(
  db: Pick<DbTransaction, "apiKey">,
  options: { tenantId: string; name: string; role: ApiKeyRole; ownerId?: string | null; expiresAt?: Date | null },
): Promise<{ id: string; key: string; publicId: string }> {
  const { key, publicId, secretHash } = generateApiKey();
  const row = await db.apiKey.create({
    data: { tenantId: options.tenantId, name: options.name, role: options.role, ownerId: options.ownerId ?? null, expiresAt: options.expiresAt ?? null, publicId, secretHash },
  });
  return { id: row.id, key, publicId };
}

/** How stale a key's "last used" may get: it is written at most this often, not on every request. */
const LAST_USED_PRECISION_MS = 60_000;

/**
 * Turns a presented key into the actor it stands for; a missing, malformed, unknown, revoked or
 * expired key, or one whose owner was deactivated, is UNAUTHORIZED (one answer for all: the caller
 * does not learn which).
 */
export async function authenticateApiKey(db: Db, presented: string | undefined, clock: Clock = systemClock): Promise<Actor> {
  const refused = new CoreError("UNAUTHORIZED", "A valid API key is required (Authorization: Bearer <key>)");
  const parsed = presented ? parseKey(presented) : null;
  if (!parsed) throw refused;
  const row = await db.apiKey.findUnique({ where: { publicId: parsed.publicId }, include: { owner: { select: { deactivatedAt: true } } } });
  const expected = Buffer.from(row?.secretHash ?? "0".repeat(64), "hex");
  const actual = Buffer.from(hashSecret(parsed.secret), "hex");
  // Compared in constant time, and even when the row is missing, so timing does not tell which part was wrong.
  const matches = timingSafeEqual(actual, expected);
  const now = clock.now();
  if (!row || !matches || row.revokedAt !== null) throw refused;
  if ((row.expiresAt !== null && row.expiresAt <= now) || (row.owner?.deactivatedAt ?? null) !== null) throw refused;
  if (row.lastUsedAt === null || now.getTime() - row.lastUsedAt.getTime() >= LAST_USED_PRECISION_MS) {
    await db.apiKey.updateMany({ where: { id: row.id }, data: { lastUsedAt: now } });
  }
  return { kind: "api_key", tenantId: row.tenantId, apiKeyId: row.id, role: row.role, label: `${row.role} key "${row.name}"`, ownerId: row.ownerId };
}
