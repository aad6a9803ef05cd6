import { useFetcher, useLocation } from "react-router";

import { THEME_ACTION, themeChoices } from "../lib/theme.ts";
import { useTheme } from "../lib/use-theme.ts";
import { CsrfField } from "./csrf-field.tsx";

/**
 * System / Light / Dark as three buttons of one form: without scripts it posts and comes back to this
 * page; with scripts it posts in the background and the page changes at once (see useTheme).
 */
export function ThemeSwitch({ className }: { className?: string }) {
  const theme = useTheme();
  const fetcher = useFetcher({ key: "theme" });
  const location = useLocation();
  return (
    <fetcher.Form
      method="post"
      action={THEME_ACTION}
      className={["theme-switch", className].filter(Boolean).join(" ")}
    >
      <CsrfField />
      <input type="hidden" name="redirectTo" value={`${location.pathname}${location.search}`} />
      <div role="group" aria-label="Theme" className="theme-choices">
        {themeChoices.map((choice) => (
          <button
            key={choice.value}
            type="submit"
            name="theme"
            value={choice.value}
            className="theme-choice"
            aria-pressed={theme === choice.value}
          >
            {choice.label}
          </button>
        ))}
      </div>
    </fetcher.Form>
  );
}
