import type { DbTransaction } from "@leash/db";

/**
 * An undo action that ended without executing (it failed or was cancelled) undid nothing: the
 * action it was to undo stops naming it, so it counts as not undone and may be rolled back again.
 * The undo keeps its `rollbackOfId`, and the original's timeline its `rollback_requested`, as history.
 */
export async function releaseOriginal(tx: DbTransaction, undo: { id: number; tenantId: string }): Promise<void> {
  await tx.agentAction.updateMany({ where: { tenantId: undo.tenantId, rollbackActionId: undo.id }, data: { rollbackActionId: null } });
}
