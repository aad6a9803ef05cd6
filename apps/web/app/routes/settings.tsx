import { Form, useNavigation } from "react-router";

import {
  getApprovalMailSetting,
  MAX_DIGEST_MINUTES,
  MIN_DIGEST_MINUTES,
  setApprovalMailInputSchema,
  setApprovalMailSetting,
  type ApprovalMailSettingView,
} from "@leash/core";

import { CsrfField } from "../components/csrf-field.tsx";
import { FieldError, invalid } from "../components/field-error.tsx";
import { Notice } from "../components/notice.tsx";
import { SignOutEverywhereForm } from "../components/sign-out-everywhere-form.tsx";
import { fieldError, type FormResult } from "../lib/form-result.ts";
import { consoleTitle } from "../lib/console-title.ts";
import { requireMutation, requireUser, signOutEverywhereAndLeave } from "../server/auth.server.ts";
import { loadOrFail, refusal } from "../server/core-errors.server.ts";
import { getDeps } from "../server/deps.server.ts";
import { checkForm, formNumber, formText } from "../server/form.server.ts";
import type { Route } from "./+types/settings";

export function meta({ matches }: Route.MetaArgs) {
  return [{ title: consoleTitle("Settings", matches) }];
}

export async function loader({ request }: Route.LoaderArgs) {
  const { actor } = await requireUser(request);
  const setting = await loadOrFail(() => getApprovalMailSetting(getDeps(), { actor }));
  // Core's bounds reach the page as data: core itself is server-only.
  return { setting, minutes: { min: MIN_DIGEST_MINUTES, max: MAX_DIGEST_MINUTES } };
}

export async function action({ request }: Route.ActionArgs) {
  const { user, form } = await requireMutation(request);
  if (form.get("intent") === "sign-out-everywhere") return signOutEverywhereAndLeave(request, user);
  const mode = formText(form, "mode");
  // The interval is read only for a digest: a stray value in its box does not stop "one mail per action".
  const checked = checkForm(setApprovalMailInputSchema, {
    mode,
    ...(mode === "digest" ? { digestMinutes: formNumber(form, "digestMinutes") } : {}),
  });
  if (!checked.ok) return refusal(checked.error);
  try {
    const saved = await setApprovalMailSetting(getDeps(), { actor: user.actor, input: checked.data });
    const result: FormResult = { ok: true, message: `Saved: ${describe(saved)}.` };
    return result;
  } catch (error) {
    return refusal(error);
  }
}

function describe(setting: ApprovalMailSettingView): string {
  switch (setting.mode) {
    case "off":
      return "no approval mail";
    case "each":
      return `one mail to ${setting.email} per action that waits for you`;
    case "digest":
      return `a digest to ${setting.email} at most every ${setting.digestMinutes} minutes`;
  }
}

interface ApprovalMailFormProps {
  setting: ApprovalMailSettingView;
  minutes: { min: number; max: number };
  result: FormResult | undefined;
  busy: boolean;
}

function ApprovalMailForm({ setting, minutes, result, busy }: ApprovalMailFormProps) {
  const minutesError = fieldError(result, "digestMinutes");
  const modeError = fieldError(result, "mode");
  const choices = [
    { value: "off", label: "No approval mail" },
    { value: "each", label: "One mail per action that starts waiting for me" },
    { value: "digest", label: "A digest of what waits for me" },
  ] as const;
  return (
    <Form method="post" className="stack" noValidate>
      <CsrfField />
      <fieldset className="field" aria-describedby={modeError ? "mode-error" : undefined}>
        <legend className="field-label">Approval mail</legend>
        {choices.map((choice) => (
          <label key={choice.value} className="checkbox-label">
            <input
              type="radio"
              name="mode"
              value={choice.value}
              defaultChecked={setting.mode === choice.value}
              disabled={choice.value !== "off" && !setting.emailConfigured}
            />
            {choice.label}
          </label>
        ))}
        <FieldError id="mode-error" message={modeError} />
      </fieldset>
      <div className="field">
        <label htmlFor="digestMinutes">Minutes between digests</label>
        <input
          id="digestMinutes"
          name="digestMinutes"
          type="number"
          inputMode="numeric"
          min={minutes.min}
          max={minutes.max}
          defaultValue={setting.digestMinutes}
          {...invalid("digestMinutes", minutesError)}
        />
        <p className="field-hint">
          At most one digest in this time, listing every action that started waiting since the last one and
          still waits; {minutes.min} to {minutes.max} (a day).
        </p>
        <FieldError id="digestMinutes-error" message={minutesError} />
      </div>
      <div>
        <button type="submit" className="button button-primary" disabled={busy}>
          Save
        </button>
      </div>
    </Form>
  );
}

export default function Settings({ loaderData, actionData }: Route.ComponentProps) {
  const { setting, minutes } = loaderData;
  const navigation = useNavigation();
  return (
    <div className="page">
      <header className="page-header">
        <div>
          <h1>Settings</h1>
          <p className="muted">Your own settings; nobody else sees or changes them.</p>
        </div>
      </header>
      <Notice result={actionData} />
      <section className="card panel stack" aria-labelledby="your-notifications">
        <h2 id="your-notifications">Your notifications</h2>
        <p>
          Email to {setting.email} when an action starts waiting for your decision, with a link to it here.
          People who decide in Slack usually do not need it: the approval card reaches them there. When Slack
          does not reach you, reminders of actions that wait too long come by email too.
        </p>
        {setting.emailConfigured ? null : (
          <p className="notice notice-info">
            Email is not configured on this server (SMTP_URL is not set), so no approval mail can be sent.
          </p>
        )}
        {setting.decides ? (
          <ApprovalMailForm
            key={`${setting.mode}-${setting.digestMinutes}`}
            setting={setting}
            minutes={minutes}
            result={actionData}
            busy={navigation.state === "submitting"}
          />
        ) : (
          <p className="muted">
            Approval mail is for people who approve actions; with your role nothing waits for your decision.
          </p>
        )}
      </section>
      <section className="card panel stack" aria-labelledby="your-sessions">
        <h2 id="your-sessions">Your sessions</h2>
        <SignOutEverywhereForm busy={navigation.state === "submitting"} />
      </section>
    </div>
  );
}
