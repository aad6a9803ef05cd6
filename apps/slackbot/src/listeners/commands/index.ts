import type { App } from "@slack/bolt";

import type { BotDeps } from "../../bot-deps.ts";
import { ids } from "../../ids.ts";
import type { LeashContext } from "../../leash-context.ts";
import { rollbackCommand } from "./rollback-command.ts";

export function register(app: App<LeashContext>, deps: BotDeps): void {
  app.command(ids.commands.rollback, rollbackCommand(deps));
}
