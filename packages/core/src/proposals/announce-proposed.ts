import type { AgentAction } from "@leash/db";

import type { CoreDeps } from "../deps.ts";
import { publishActionEvents } from "../notifications/publish-action-events.ts";
import { enqueueApproved } from "./enqueue-approved.ts";

/**
 * What follows the commit of new proposals: they are counted, the approved ones handed to the
 * worker (one `addBulk` for all), and the Slack bot told about the ones that wait for a person.
 */
export async function announceProposed(
  deps: CoreDeps,
  actions: readonly AgentAction[],
  /** The trace context each action's job continues, by action id (see `enqueueApproved`). */
  traces?: ReadonlyMap<number, string>,
): Promise<void> {
  deps.counters?.proposed(actions);
  await enqueueApproved(deps, actions, traces);
  await publishActionEvents(deps, actions, "proposed");
}
