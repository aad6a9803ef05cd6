import { z } from "zod";

import type { Db } from "@leash/db";

import { CoreError } from "../errors.ts";
import { toSignedInUser, type SignedInUser } from "./signed-in-user.ts";

/**
 * The signed-in person as they are now: read on every request, so a changed role or a removed
 * account takes effect at once instead of when the session expires.
 */
export async function actorForUser(db: Db, userId: string): Promise<SignedInUser> {
  const gone = new CoreError("UNAUTHORIZED", "This account no longer exists; sign in again");
  if (!z.uuid().safeParse(userId).success) throw gone;
  const user = await db.user.findUnique({ where: { id: userId }, include: { tenant: true } });
  if (!user) throw gone;
  return toSignedInUser(user, user.tenant);
}
