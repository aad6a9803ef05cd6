import { Prisma } from "@leash/db";

/**
 * SQL that is true when the action under `alias` is approved but depends, through approved actions
 * only, on one still pending: a template step after a step that waits for a person. It cannot run
 * before that person decides, maybe hours later, so like a pending action it does not hold up the
 * later actions on its target: the ordering check, the wake-up of the next one and the rollback's
 * "not finished yet" leave it out. Once the pending step is approved it counts again; if it is
 * rejected or cancelled, this one fails without running.
 *
 * Only an approved action with a dependency walks its chain (by primary key, a step or two), so the
 * claim of an action with nothing in flight before it pays nothing for it. `alias` is a table alias
 * written in the calling query, never input.
 */
export function waitsForAPerson(alias: "b" | "later"): Prisma.Sql {
  const action = Prisma.raw(alias);
  return Prisma.sql`(${action}.status = 'approved' AND ${action}.depends_on_id IS NOT NULL AND EXISTS (
    WITH RECURSIVE chain (id, status, depends_on_id) AS (
      SELECT d.id, d.status, d.depends_on_id FROM agent_action d WHERE d.id = ${action}.depends_on_id
      UNION ALL
      SELECT d.id, d.status, d.depends_on_id FROM agent_action d JOIN chain ON d.id = chain.depends_on_id WHERE chain.status = 'approved')
    SELECT 1 FROM chain WHERE chain.status = 'pending'))`;
}
