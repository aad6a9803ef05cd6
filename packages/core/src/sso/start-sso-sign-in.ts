import * as oidc from "openid-client";

import type { SsoConnection } from "@leash/db";

import { CoreError } from "../errors.ts";
import { parseInput } from "../validation.ts";
import { discoverStoredProvider, SSO_SCOPE, type SsoDeps } from "./sso-client.ts";
import { startSsoSignInInputSchema, type PendingSsoSignIn, type StartSsoSignInInput } from "./sso-inputs.ts";

async function connectionFor(deps: SsoDeps, workspaceOrEmail: string): Promise<SsoConnection> {
  const at = workspaceOrEmail.lastIndexOf("@");
  if (at === -1) {
    const connection = await deps.db.ssoConnection.findFirst({ where: { tenant: { slug: workspaceOrEmail } } });
    if (!connection) throw new CoreError("NOT_FOUND", `Workspace "${workspaceOrEmail}" has no single sign-on; sign in with your password`);
    return connection;
  }
  const domain = workspaceOrEmail.slice(at + 1);
  const connections = await deps.db.ssoConnection.findMany({ where: { allowedEmailDomain: domain }, take: 2 });
  const [only, another] = connections;
  if (!only) throw new CoreError("NOT_FOUND", `No workspace signs in @${domain} people with single sign-on; sign in with your password`);
  if (another) throw new CoreError("CONFLICT", `Several workspaces sign in @${domain} people; enter your workspace's short name instead`);
  return only;
}

/**
 * Begins a single sign-on: finds the workspace (by its short name, or by the domain of a work email)
 * and answers where to send the person, with the state, nonce and PKCE verifier the console keeps
 * until they return (finishSsoSignIn checks all three).
 */
export async function startSsoSignIn(deps: SsoDeps, { input }: { input: StartSsoSignInInput }): Promise<{ redirectTo: string; pending: PendingSsoSignIn }> {
  const { workspaceOrEmail, redirectUri } = parseInput(startSsoSignInInputSchema, input, "single sign-on");
  const connection = await connectionFor(deps, workspaceOrEmail);
  const config = await discoverStoredProvider(deps, connection);
  const codeVerifier = oidc.randomPKCECodeVerifier();
  const pending: PendingSsoSignIn = { tenantId: connection.tenantId, state: oidc.randomState(), nonce: oidc.randomNonce(), codeVerifier };
  const url = oidc.buildAuthorizationUrl(config, {
    redirect_uri: redirectUri,
    scope: SSO_SCOPE,
    response_type: "code",
    state: pending.state,
    nonce: pending.nonce,
    code_challenge: await oidc.calculatePKCECodeChallenge(codeVerifier),
    code_challenge_method: "S256",
    ...(workspaceOrEmail.includes("@") ? { login_hint: workspaceOrEmail } : {}),
  });
  return { redirectTo: url.href, pending };
}
