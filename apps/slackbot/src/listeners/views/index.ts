import type { App, ViewSubmitAction } from "@slack/bolt";

import type { BotDeps } from "../../bot-deps.ts";
import { ids } from "../../ids.ts";
import type { LeashContext } from "../../leash-context.ts";
import { editApproveSubmission } from "./edit-approve-submission.ts";
import { rejectBatchSubmission } from "./reject-batch-submission.ts";
import { rejectReasonSubmission } from "./reject-reason-submission.ts";

export function register(app: App<LeashContext>, deps: BotDeps): void {
  app.view<ViewSubmitAction>(ids.views.rejectReason, rejectReasonSubmission(deps));
  app.view<ViewSubmitAction>(ids.views.rejectBatch, rejectBatchSubmission(deps));
  app.view<ViewSubmitAction>(ids.views.editAndApprove, editApproveSubmission(deps));
}
