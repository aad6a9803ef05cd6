import { useNavigation } from "react-router";

import { getSsoSettings, removeSsoSettings, saveSsoSettings, saveSsoSettingsInputSchema } from "@leash/core";

import { LocalTime } from "../components/local-time.tsx";
import { ConfirmDisclosure } from "../components/confirm-disclosure.tsx";
import { Notice } from "../components/notice.tsx";
import { SsoForm } from "../components/sso-form.tsx";
import { resultFor, type FormResult } from "../lib/form-result.ts";
import { consoleTitle } from "../lib/console-title.ts";
import { requireMutation, requireUser } from "../server/auth.server.ts";
import { loadOrFail, refusal } from "../server/core-errors.server.ts";
import { getDeps } from "../server/deps.server.ts";
import { checkForm, formIntent, formText } from "../server/form.server.ts";
import type { Route } from "./+types/single-sign-on";

export function meta({ matches }: Route.MetaArgs) {
  return [{ title: consoleTitle("Single sign-on", matches) }];
}

export async function loader({ request }: Route.LoaderArgs) {
  const { actor, tenant } = await requireUser(request);
  const settings = await loadOrFail(() => getSsoSettings(getDeps(), { actor }));
  // What to register at the provider as the redirect URI: this console's callback.
  return { settings, tenant, redirectUri: new URL("/sign-in/sso/callback", request.url).href };
}

export async function action({ request }: Route.ActionArgs) {
  const { user, form } = await requireMutation(request);
  const intent = formIntent(form, ["save", "remove"]);
  try {
    if (intent === "remove") {
      await removeSsoSettings(getDeps(), { actor: user.actor });
      return { ok: true, form: intent, message: "Single sign-on removed: people sign in with their password." } satisfies FormResult;
    }
    const checked = checkForm(saveSsoSettingsInputSchema, {
      issuerUrl: formText(form, "issuerUrl"),
      clientId: formText(form, "clientId"),
      clientSecret: formText(form, "clientSecret"),
      allowedEmailDomain: formText(form, "allowedEmailDomain"),
      newUserRole: formText(form, "newUserRole"),
    });
    if (!checked.ok) return refusal(checked.error, intent);
    const saved = await saveSsoSettings(getDeps(), { actor: user.actor, input: checked.data });
    return { ok: true, form: intent, message: `Single sign-on saved: @${saved.allowedEmailDomain} people can sign in through ${saved.issuerUrl}.` } satisfies FormResult;
  } catch (error) {
    return refusal(error, intent);
  }
}

export default function SingleSignOn({ loaderData, actionData }: Route.ComponentProps) {
  const { settings, tenant, redirectUri } = loaderData;
  const busy = useNavigation().state === "submitting";
  const posted: FormResult | undefined = actionData;
  return (
    <div className="page">
      <header className="page-header">
        <div>
          <h1>Single sign-on</h1>
          <p className="muted">
            Let people sign in through your OpenID Connect provider, next to passwords. On the sign-in page they choose
            &quot;Sign in with SSO&quot; and give the workspace ({tenant.slug}) or their work email.
          </p>
        </div>
      </header>
      <Notice result={posted} />
      <section className="card panel stack" aria-labelledby="sso-state-heading">
        <h2 id="sso-state-heading">At the provider</h2>
        <p>
          Register a web client with this redirect URI: <code data-testid="redirect-uri">{redirectUri}</code>
        </p>
        {settings ? (
          <>
            <p data-testid="sso-state">
              On since <LocalTime value={settings.updatedAt} />: @{settings.allowedEmailDomain} people sign in through {settings.issuerUrl}; new ones become {settings.newUserRole}s.
            </p>
            <div>
              <ConfirmDisclosure label="Remove single sign-on…" intent="remove" question="Turn single sign-on off? People sign in with a password from now on." yes="Yes, remove single sign-on" />
            </div>
          </>
        ) : (
          <p data-testid="sso-state">Not set up: people sign in with their password.</p>
        )}
      </section>
      <SsoForm settings={settings} result={resultFor(posted, "save")} busy={busy} />
    </div>
  );
}
