import { Prisma } from "@leash/db";

/**
 * Since when the action `a` waits for a person: its latest return to pending (stale approval
 * protection sends it back to people, who are told again), or else its proposal.
 */
export const waitingSinceSql = Prisma.sql`COALESCE(
  (SELECT max(e.created_at) FROM action_event e WHERE e.action_id = a.id AND e.type = 'returned_to_pending'::"ActionEventType"),
  a.created_at)`;
