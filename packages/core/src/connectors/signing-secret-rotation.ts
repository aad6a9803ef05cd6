import { Prisma } from "@leash/db";

/**
 * How long the secret a rotation replaced keeps signing beside the new one, unless the rotation
 * revoked it: connectors' requests and webhook deliveries alike, so a receiver switches secrets in
 * its own time without refusing a request in between.
 */
export const SIGNING_SECRET_GRACE_HOURS = 24;

/** A row's signing secrets (each encrypted) as `connector` and `webhook_endpoint` both keep them. */
export interface RotatingSecret {
  signingSecret: string;
  /** The secret the last rotation replaced; it signs too until previousSecretExpiresAt. */
  previousSigningSecret: string | null;
  previousSecretExpiresAt: Date | null;
}

/** Until when a rotation made at `now` keeps the replaced secret signing; null when it is revoked at once (it leaked). */
export function previousSecretGraceEnd(now: Date, { revokePrevious }: { revokePrevious: boolean }): Date | null {
  return revokePrevious ? null : new Date(now.getTime() + SIGNING_SECRET_GRACE_HOURS * 3_600_000);
}

/**
 * The SET of the UPDATE that rotates a row's secret to `sealed` (encrypted). The replaced secret
 * is copied in the same statement, so two rotations at once each keep the secret they replaced,
 * never a secret nobody was given; with no grace end it is dropped.
 */
export function rotatedSecretAssignments({ sealed, previousSignsUntil, now }: { sealed: string; previousSignsUntil: Date | null; now: Date }): Prisma.Sql {
  return Prisma.sql`
    previous_signing_secret = CASE WHEN ${previousSignsUntil}::timestamptz IS NULL THEN NULL ELSE signing_secret END,
    previous_secret_expires_at = ${previousSignsUntil}::timestamptz,
    signing_secret = ${sealed},
    updated_at = ${now}`;
}

/** When the replaced secret stops signing, if it still signs at `now`. */
export function previousSecretExpiry(row: Omit<RotatingSecret, "signingSecret">, now: Date): Date | null {
  const expires = row.previousSecretExpiresAt;
  return row.previousSigningSecret !== null && expires !== null && expires > now ? expires : null;
}

/** The secrets (still encrypted) that sign what is sent at `now`: the current one first, then the replaced one while it still signs. */
export function secretsSigningAt(row: RotatingSecret, now: Date): string[] {
  const previous = previousSecretExpiry(row, now) ? row.previousSigningSecret : null;
  return previous === null ? [row.signingSecret] : [row.signingSecret, previous];
}
