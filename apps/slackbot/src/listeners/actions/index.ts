import type { App, BlockAction, ButtonAction, MultiStaticSelectAction, OverflowAction } from "@slack/bolt";

import type { BotDeps } from "../../bot-deps.ts";
import { ids } from "../../ids.ts";
import type { LeashContext } from "../../leash-context.ts";
import { approveAndTrustMenu } from "./approve-and-trust-menu.ts";
import { approveBatchButton } from "./approve-batch-button.ts";
import { approveButton } from "./approve-button.ts";
import { batchLeaveOutSelect } from "./batch-leave-out-select.ts";
import { cancelRollbackButton } from "./cancel-rollback-button.ts";
import { confirmRollbackButton } from "./confirm-rollback-button.ts";
import { editApproveButton } from "./edit-approve-button.ts";
import { openInConsoleButton } from "./open-in-console-button.ts";
import { rejectBatchButton } from "./reject-batch-button.ts";
import { rejectButton } from "./reject-button.ts";

export function register(app: App<LeashContext>, deps: BotDeps): void {
  app.action<BlockAction<ButtonAction>>(ids.actions.approve, approveButton(deps));
  app.action<BlockAction<OverflowAction>>(ids.actions.approveAndTrust, approveAndTrustMenu(deps));
  app.action<BlockAction<ButtonAction>>(ids.actions.approveBatch, approveBatchButton(deps));
  app.action<BlockAction<ButtonAction>>(ids.actions.rejectBatch, rejectBatchButton(deps));
  app.action<BlockAction<MultiStaticSelectAction>>(ids.actions.batchLeaveOut, batchLeaveOutSelect());
  app.action<BlockAction<ButtonAction>>(ids.actions.editAndApprove, editApproveButton(deps));
  app.action<BlockAction<ButtonAction>>(ids.actions.reject, rejectButton(deps));
  app.action<BlockAction<ButtonAction>>(ids.actions.openInConsole, openInConsoleButton());
  app.action<BlockAction<ButtonAction>>(ids.actions.confirmRollback, confirmRollbackButton(deps));
  app.action<BlockAction<ButtonAction>>(ids.actions.cancelRollback, cancelRollbackButton());
}
