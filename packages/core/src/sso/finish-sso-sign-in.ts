import { randomBytes } from "node:crypto";

import * as oidc from "openid-client";

import type { Tenant, User } from "@leash/db";

import { systemActor } from "../actor.ts";
import { hasUnsafeText } from "../actions/storable.ts";
import { recordAdminEvent } from "../audit/record-admin-event.ts";
import { hashPassword } from "../auth/passwords.ts";
import { toSignedInUser, type SignedInUser } from "../auth/signed-in-user.ts";
import type { SessionClaims } from "../auth/user-for-session.ts";
import { CoreError, isCoreError } from "../errors.ts";
import { insertUser } from "../people/insert-user.ts";
import { discoverStoredProvider, type SsoDeps } from "./sso-client.ts";
import { pendingSsoSignInSchema, type PendingSsoSignIn } from "./sso-inputs.ts";

const refused = (why: string) => new CoreError("UNAUTHORIZED", `Single sign-on did not sign you in: ${why}`);

/** The email, whether the provider verified it, and the name, from the ID token or else from the userinfo endpoint. */
async function identityOf(config: oidc.Configuration, tokens: Awaited<ReturnType<typeof oidc.authorizationCodeGrant>>) {
  const idToken = tokens.claims();
  if (!idToken) throw refused("the provider sent no ID token");
  const claims = typeof idToken.email === "string" ? idToken : await oidc.fetchUserInfo(config, tokens.access_token, idToken.sub);
  return {
    email: typeof claims.email === "string" ? claims.email.trim().toLowerCase() : null,
    verified: claims.email_verified === true,
    name: typeof claims.name === "string" && claims.name.trim() !== "" && !hasUnsafeText(claims.name) ? claims.name.trim().slice(0, 200) : null,
  };
}

/** The tenant's person with this email, created with the connection's role at their first sign-in. */
async function personFor(deps: SsoDeps, tenant: Tenant, identity: { email: string; name: string | null }, role: User["role"]): Promise<User> {
  const where = { tenantId_email: { tenantId: tenant.id, email: identity.email } };
  const existing = await deps.db.user.findUnique({ where });
  if (existing) return existing;
  // Unusable until an admin resets it: this person signs in through the provider.
  const passwordHash = await hashPassword(randomBytes(32).toString("base64url"));
  try {
    return await deps.db.$transaction(async (tx) => {
      const created = await insertUser(tx, { tenantId: tenant.id, email: identity.email, name: identity.name ?? identity.email, role, passwordHash });
      await recordAdminEvent(tx, { actor: systemActor(tenant.id, "single sign-on"), type: "user.added", subject: created.email, details: { name: created.name, role, via: "single sign-on" } });
      return created;
    });
  } catch (error) {
    // Two first sign-ins of the same person at once: the other one created them.
    if (isCoreError(error) && error.code === "CONFLICT") return deps.db.user.findUniqueOrThrow({ where });
    throw error;
  }
}

/**
 * Completes a single sign-on when the provider sends the person back: the code is exchanged with
 * the PKCE verifier, and the state and the ID token's nonce must match what startSsoSignIn kept.
 * The email must be verified by the provider and in the workspace's allowed domain; it links to the
 * person with that email, or creates them with the connection's role. The answer starts the same
 * session as a password sign-in.
 */
export async function finishSsoSignIn(
  deps: SsoDeps,
  { pending, callbackUrl }: { pending: PendingSsoSignIn | undefined; callbackUrl: string },
): Promise<{ user: SignedInUser; session: SessionClaims }> {
  const kept = pendingSsoSignInSchema.safeParse(pending);
  if (!kept.success) throw refused("this sign-in was not started from this browser, or it took too long; start again");
  const connection = await deps.db.ssoConnection.findUnique({ where: { tenantId: kept.data.tenantId }, include: { tenant: true } });
  if (!connection) throw refused("this workspace no longer uses single sign-on");
  const config = await discoverStoredProvider(deps, connection);
  let tokens;
  try {
    tokens = await oidc.authorizationCodeGrant(config, new URL(callbackUrl), {
      pkceCodeVerifier: kept.data.codeVerifier,
      expectedState: kept.data.state,
      expectedNonce: kept.data.nonce,
      idTokenExpected: true,
    });
  } catch (error) {
    throw new CoreError("UNAUTHORIZED", `Single sign-on did not sign you in: the provider's answer did not check out (${error instanceof Error ? error.message : "unknown error"})`, { cause: error });
  }
  const identity = await identityOf(config, tokens);
  if (!identity.email) throw refused("the provider did not tell us your email");
  if (!identity.verified) throw refused(`the provider has not verified ${identity.email}`);
  if (!identity.email.endsWith(`@${connection.allowedEmailDomain}`)) throw refused(`only @${connection.allowedEmailDomain} accounts may sign in to ${connection.tenant.name}`);
  const user = await personFor(deps, connection.tenant, { email: identity.email, name: identity.name }, connection.newUserRole);
  if (user.deactivatedAt !== null) throw refused("this account was deactivated; ask an admin of the workspace");
  return {
    user: toSignedInUser(user, connection.tenant),
    session: { userId: user.id, sessionVersion: user.sessionVersion, issuedAt: deps.clock.now().getTime() },
  };
}
