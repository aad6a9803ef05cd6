import type { App } from "@slack/bolt";

import type { LeashContext } from "../../leash-context.ts";
import { appUninstalled } from "./app-uninstalled.ts";

export function register(app: App<LeashContext>): void {
  app.event("app_uninstalled", appUninstalled());
}
