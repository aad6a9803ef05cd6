import { z } from "zod";

import { safeText } from "../actions/storable.ts";
import { userRoleSchema } from "../people/people-inputs.ts";

const domainPattern = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;

export const saveSsoSettingsInputSchema = z.strictObject({
  issuerUrl: safeText(z.string().trim().max(2000, "the issuer URL is longer than 2000 characters"))
    .pipe(z.url({ protocol: /^https?$/, error: "the issuer URL must be an http(s) URL, e.g. https://accounts.example.com" })),
  clientId: safeText(z.string().trim().min(1, "the client id is required").max(500, "the client id is longer than 500 characters")),
  /** Empty when saving again: the stored secret is kept. */
  clientSecret: safeText(z.string().max(1000, "the client secret is longer than 1000 characters")).default(""),
  allowedEmailDomain: safeText(z.string().trim().toLowerCase().regex(domainPattern, "the email domain must be a domain name, e.g. example.com")),
  newUserRole: userRoleSchema,
});
export type SaveSsoSettingsInput = z.input<typeof saveSsoSettingsInputSchema>;

export const startSsoSignInInputSchema = z.strictObject({
  /** The workspace's short name, or a work email whose domain a workspace's single sign-on allows. */
  workspaceOrEmail: safeText(z.string().trim().toLowerCase().min(1, "the workspace or email is required").max(320, "the workspace or email is longer than 320 characters")),
  /** Where the provider sends the person back: the console's /sign-in/sso/callback. */
  redirectUri: z.url({ protocol: /^https?$/ }),
});
export type StartSsoSignInInput = z.input<typeof startSsoSignInInputSchema>;

/** What the console keeps (in its signed session cookie) between sending a person to the provider and their return. */
export const pendingSsoSignInSchema = z.strictObject({
  tenantId: z.uuid(),
  state: z.string().min(1).max(200),
  nonce: z.string().min(1).max(200),
  codeVerifier: z.string().min(43).max(128),
});
export type PendingSsoSignIn = z.infer<typeof pendingSsoSignInSchema>;
