import { createHash } from "node:crypto";

import { z } from "zod";

import type { CoreDeps } from "../deps.ts";
import { safeText } from "../actions/storable.ts";
import { CoreError } from "../errors.ts";
import { clientAddressKey } from "../throttle/client-address-key.ts";
import type { SignInThrottle } from "../throttle/create-sign-in-throttle.ts";
import { parseInput } from "../validation.ts";
import { verifyPassword } from "./passwords.ts";
import { toSignedInUser, type SignedInUser } from "./signed-in-user.ts";
import type { SessionClaims } from "./user-for-session.ts";

export const signInInputSchema = z.strictObject({
  tenant: safeText(z.string().trim().toLowerCase().min(1, "the workspace is required").max(63)),
  email: safeText(z.string().trim().toLowerCase().min(1, "the email is required").max(320)),
  password: z.string().min(1, "the password is required").max(200),
});
export type SignInInput = z.input<typeof signInInputSchema>;

/**
 * A scrypt hash of a random password: verified when the tenant or user does not exist, so that a
 * wrong email costs as long as a wrong password and timing does not tell which one was wrong.
 */
const UNKNOWN_USER_HASH = "scrypt$16384$8$1$ZmFrZS1zYWx0LWZvci10aW1pbmc$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";

/** The account an attempt is counted against, hashed so that no email is kept in Redis. */
function accountKey(credentials: { tenant: string; email: string }): string {
  return createHash("sha256").update(`${credentials.tenant}\n${credentials.email}`).digest("hex");
}

/**
 * Checks a person's tenant, email and password; every kind of mismatch gets the same answer. The
 * attempt is counted against the client's address and the account before any password is hashed,
 * so that guessing is throttled (LIMIT_EXCEEDED) however the guesses are spread; an unknown account
 * is counted like a real one. A success takes its own count back from the account (only failures
 * count there), but not from the address.
 */
export async function signIn(
  deps: Pick<CoreDeps, "db" | "clock"> & { signInThrottle: SignInThrottle },
  { input, clientAddress }: { input: SignInInput; clientAddress: string | undefined },
): Promise<{ user: SignedInUser; session: SessionClaims }> {
  const credentials = parseInput(signInInputSchema, input, "sign-in");
  const account = accountKey(credentials);
  await deps.signInThrottle.perAddress.hit(clientAddressKey(clientAddress));
  await deps.signInThrottle.perAccount.hit(account);
  const tenant = await deps.db.tenant.findUnique({ where: { slug: credentials.tenant } });
  const user = tenant
    ? await deps.db.user.findUnique({ where: { tenantId_email: { tenantId: tenant.id, email: credentials.email } } })
    : null;
  const matches = await verifyPassword(credentials.password, user?.passwordHash ?? UNKNOWN_USER_HASH);
  // A deactivated person gets the same answer as a wrong password: the form does not tell who exists.
  if (!tenant || !user || !matches || user.deactivatedAt !== null) throw new CoreError("UNAUTHORIZED", "That workspace, email and password do not match an account");
  await deps.signInThrottle.perAccount.forgive(account);
  return {
    user: toSignedInUser(user, tenant),
    session: { userId: user.id, sessionVersion: user.sessionVersion, issuedAt: deps.clock.now().getTime() },
  };
}
