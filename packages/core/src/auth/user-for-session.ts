import { z } from "zod";

import type { CoreDeps } from "../deps.ts";
import { CoreError } from "../errors.ts";
import { toSignedInUser, type SignedInUser } from "./signed-in-user.ts";

/** How long a console session lasts after its sign-in, whatever the cookie says: a copied cookie ends too. */
export const SESSION_MAX_AGE_MS = 12 * 60 * 60 * 1000;

/** What a console session holds about who signed in, and when (stored in the signed cookie). */
export const sessionClaimsSchema = z.object({
  userId: z.uuid(),
  /** The user's session version at sign-in: once it has moved on, the session is over. */
  sessionVersion: z.number().int(),
  /** When the person signed in, in milliseconds since the epoch. */
  issuedAt: z.number().int(),
});
export type SessionClaims = z.infer<typeof sessionClaimsSchema>;

/**
 * The signed-in person of a session as they are now, read on every request: a changed role applies
 * at once, and a removed or deactivated account, a session older than SESSION_MAX_AGE_MS or one from before the
 * person was signed out everywhere is refused (UNAUTHORIZED).
 */
export async function userForSession(deps: Pick<CoreDeps, "db" | "clock">, { session }: { session: Partial<Record<keyof SessionClaims, unknown>> }): Promise<SignedInUser> {
  const ended = (why: string) => new CoreError("UNAUTHORIZED", `${why}; sign in again`);
  const claims = sessionClaimsSchema.safeParse(session);
  if (!claims.success) throw ended("This session is not valid");
  const { userId, sessionVersion, issuedAt } = claims.data;
  if (deps.clock.now().getTime() - issuedAt > SESSION_MAX_AGE_MS) throw ended("This session has expired");
  const user = await deps.db.user.findUnique({ where: { id: userId }, include: { tenant: true } });
  if (!user) throw ended("This account no longer exists");
  if (user.deactivatedAt !== null) throw ended("This account was deactivated");
  if (user.sessionVersion !== sessionVersion) throw ended("This session was ended (signed out everywhere)");
  return toSignedInUser(user, user.tenant);
}
