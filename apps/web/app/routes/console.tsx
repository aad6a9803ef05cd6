import { Form, NavLink, Outlet } from "react-router";

import { can, countActions, countUnreadNotifications } from "@leash/core";

import { ConsoleAccountMenu } from "../components/console-account-menu.tsx";
import { CsrfField } from "../components/csrf-field.tsx";
import { BellIcon, ConnectorsIcon, HistoryIcon, InboxIcon, ItemsIcon, KeyIcon, LeashMark, MenuIcon, MetricsIcon, PeopleIcon, PoliciesIcon, PreferencesIcon, QueueIcon, SignOutIcon, SsoIcon, TemplatesIcon, WebhooksIcon } from "../components/icons.tsx";
import { RoleBadge } from "../components/status-badge.tsx";
import { ThemeSwitch } from "../components/theme-switch.tsx";
import { formatCount } from "../lib/format.ts";
import { useClosedOnNavigation } from "../lib/use-closed-on-navigation.ts";
import { waitingFor } from "../lib/console-title.ts";
import { useLiveRevalidation } from "../lib/use-live-revalidation.ts";
import { requireUser } from "../server/auth.server.ts";
import { loadOrFail } from "../server/core-errors.server.ts";
import { getDeps } from "../server/deps.server.ts";
import type { Route } from "./+types/console";

/** How often open pages refresh their data (inbox, queue, an action's status). */
const LIVE_INTERVAL_MS = 2_500;

export async function loader({ request }: Route.LoaderArgs) {
  const { actor, email, tenant } = await requireUser(request);
  const [actions, unread] = await loadOrFail(() =>
    Promise.all([countActions(getDeps(), { actor, statuses: ["pending", "failed"] }), countUnreadNotifications(getDeps(), { actor })]),
  );
  return {
    user: { name: actor.label, email, role: actor.role },
    tenant,
    counts: { pending: actions.pending, failed: actions.failed, unread },
    /** What to show; core still refuses whatever the role may not do. */
    permissions: {
      decide: can(actor, "action.decide"),
      writePreferences: can(actor, "preference.write"),
      writePolicies: can(actor, "policy.write"),
      readConnectors: can(actor, "connector.read"),
      writeConnectors: can(actor, "connector.write"),
      manageWebhooks: can(actor, "webhook.manage"),
      managePeople: can(actor, "user.manage"),
    },
  };
}

const navigation = [
  { to: "/", label: "Inbox", icon: <InboxIcon />, end: true },
  { to: "/history", label: "History", icon: <HistoryIcon />, end: false },
  { to: "/templates", label: "Templates", icon: <TemplatesIcon />, end: false },
  { to: "/items", label: "Items", icon: <ItemsIcon />, end: false },
  { to: "/queue", label: "Queue", icon: <QueueIcon />, end: false },
  { to: "/metrics", label: "Metrics", icon: <MetricsIcon />, end: false },
  { to: "/preferences", label: "Preferences", icon: <PreferencesIcon />, end: false },
  { to: "/policies", label: "Policies", icon: <PoliciesIcon />, end: false },
  { to: "/connectors", label: "Connectors", icon: <ConnectorsIcon />, end: false },
  { to: "/webhooks", label: "Webhooks", icon: <WebhooksIcon />, end: false },
  { to: "/people", label: "People", icon: <PeopleIcon />, end: false, admin: true },
  { to: "/api-keys", label: "API keys", icon: <KeyIcon />, end: false, admin: true },
  { to: "/single-sign-on", label: "Single sign-on", icon: <SsoIcon />, end: false, admin: true },
];

export default function ConsoleLayout({ loaderData }: Route.ComponentProps) {
  const { user, tenant, counts, permissions } = loaderData;
  useLiveRevalidation(LIVE_INTERVAL_MS);
  const waiting = waitingFor(loaderData);
  const menu = useClosedOnNavigation();
  return (
    <div className="shell">
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <aside className="sidebar">
        <div className="brand">
          <LeashMark />
          <span className="brand-name">Leash</span>
        </div>
        <details className="nav-menu" ref={menu}>
          <summary className="nav-menu-button">
            <MenuIcon />
            Menu
            {waiting && waiting.count > 0 ? <span className="nav-count">{formatCount(waiting)}</span> : null}
          </summary>
          <nav aria-label="Console">
            <ul className="nav">
              {navigation.filter((entry) => (entry.to !== "/connectors" || permissions.readConnectors) && (entry.to !== "/webhooks" || permissions.manageWebhooks) && (!("admin" in entry) || permissions.managePeople)).map((entry) => (
                <li key={entry.to}>
                  <NavLink to={entry.to} end={entry.end} className="nav-link" prefetch="intent">
                    {entry.icon}
                    <span className="nav-label">{entry.label}</span>
                    {entry.to === "/" && counts.pending.count > 0 ? (
                      <span className="nav-count" aria-label={`${formatCount(counts.pending)} waiting`} data-testid="inbox-count">
                        {formatCount(counts.pending)}
                      </span>
                    ) : null}
                    {entry.to === "/queue" && counts.failed.count > 0 ? (
                      <span className="nav-count nav-count-danger" aria-label={`${formatCount(counts.failed)} failed`}>
                        {formatCount(counts.failed)}
                      </span>
                    ) : null}
                  </NavLink>
                </li>
              ))}
            </ul>
            <ConsoleAccountMenu unread={counts.unread} />
          </nav>
        </details>
      </aside>
      <div className="workspace">
        <header className="topbar">
          <div className="tenant">
            <span className="tenant-label">Workspace</span>
            <span className="tenant-name">{tenant.name}</span>
          </div>
          <div className="account">
            <NavLink to="/notifications" className="bell" aria-label={counts.unread.count > 0 ? `Notifications, ${formatCount(counts.unread)} unread` : "Notifications"} prefetch="intent">
              <BellIcon />
              {counts.unread.count > 0 ? (
                <span className="nav-count bell-count" data-testid="unread-count">
                  {formatCount(counts.unread)}
                </span>
              ) : null}
            </NavLink>
            <span className="account-name">{user.name}</span>
            <ThemeSwitch className="theme-switch-topbar" />
            <NavLink to="/settings" className="button button-ghost button-small" prefetch="intent">
              Settings
            </NavLink>
            <RoleBadge role={user.role} />
            <Form method="post" action="/sign-out" className="inline-form">
              <CsrfField />
              <button type="submit" className="button button-ghost button-small">
                <SignOutIcon />
                Sign out
              </button>
            </Form>
          </div>
        </header>
        <main id="main" className="content" tabIndex={-1}>
          <Outlet />
        </main>
      </div>
    </div>
  );
}
