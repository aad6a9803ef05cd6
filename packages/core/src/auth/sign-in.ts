import { z } from "zod";

import type { CoreDeps } from "../deps.ts";
import { safeText } from "../actions/storable.ts";
import { CoreError } from "../errors.ts";
import { parseInput } from "../validation.ts";
import { verifyPassword } from "./passwords.ts";
import { toSignedInUser, type SignedInUser } from "./signed-in-user.ts";

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

/** Checks a person's tenant, email and password; every kind of mismatch gets the same answer. */
export async function signIn(deps: Pick<CoreDeps, "db">, { input }: { input: SignInInput }): Promise<SignedInUser> {
  const credentials = parseInput(signInInputSchema, input, "sign-in");
  const tenant = await deps.db.tenant.findUnique({ where: { slug: credentials.tenant } });
  const user = tenant
    ? await deps.db.user.findUnique({ where: { tenantId_email: { tenantId: tenant.id, email: credentials.email } } })
    : null;
  const matches = await verifyPassword(credentials.password, user?.passwordHash ?? UNKNOWN_USER_HASH);
  if (!tenant || !user || !matches) throw new CoreError("UNAUTHORIZED", "That workspace, email and password do not match an account");
  return toSignedInUser(user, tenant);
}
