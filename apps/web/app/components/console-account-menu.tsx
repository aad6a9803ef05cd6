import { Form, NavLink } from "react-router";

import type { BoundedCount } from "@leash/core";

import { formatCount } from "../lib/format.ts";
import { CsrfField } from "./csrf-field.tsx";
import { BellIcon, SettingsIcon, SignOutIcon } from "./icons.tsx";
import { ThemeSwitch } from "./theme-switch.tsx";

/**
 * What the top bar holds on a wide screen (notifications, settings, the theme, signing out), as the
 * last entries of the phone's navigation menu, where the top bar has no room for them.
 */
export function ConsoleAccountMenu({ unread }: { unread: BoundedCount }) {
  return (
    <div className="nav-account">
      <ul className="nav">
        <li>
          <NavLink to="/notifications" className="nav-link" prefetch="intent">
            <BellIcon />
            <span className="nav-label">Notifications</span>
            {unread.count > 0 ? <span className="nav-count">{formatCount(unread)}</span> : null}
          </NavLink>
        </li>
        <li>
          <NavLink to="/settings" className="nav-link" prefetch="intent">
            <SettingsIcon />
            <span className="nav-label">Settings</span>
          </NavLink>
        </li>
        <li>
          <Form method="post" action="/sign-out">
            <CsrfField />
            <button type="submit" className="nav-link nav-button">
              <SignOutIcon />
              <span className="nav-label">Sign out</span>
            </button>
          </Form>
        </li>
      </ul>
      <ThemeSwitch className="theme-switch-menu" />
    </div>
  );
}
