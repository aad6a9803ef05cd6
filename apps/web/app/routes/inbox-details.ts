import { listInbox } from "@leash/core";

import { toDetailPresentation, type DetailPresentation } from "../lib/triage.ts";
import { requireUser } from "../server/auth.server.ts";
import { loadOrFail } from "../server/core-errors.server.ts";
import { getDeps } from "../server/deps.server.ts";
import type { Route } from "./+types/inbox-details";

/**
 * Resource route: the detail of the inbox actions the page selects (`?id=1&id=2`), fetched as the
 * selection moves. An asked id missing from the answer is no longer waiting.
 */
export async function loader({ request }: Route.LoaderArgs) {
  const { actor } = await requireUser(request);
  const actionIds = new URL(request.url).searchParams.getAll("id").map(Number);
  const inbox = await loadOrFail(() => listInbox(getDeps(), { actor, input: { actionIds } }));
  const details: Record<number, DetailPresentation> = {};
  for (const entry of inbox.entries) details[entry.action.id] = toDetailPresentation(entry.presentation);
  return { asked: actionIds, details };
}

/** A detail once loaded stays as it was until the inbox itself loads again, which brings the selection's afresh. */
export function shouldRevalidate() {
  return false;
}
