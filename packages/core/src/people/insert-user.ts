import { Prisma, type DbTransaction, type User, type UserRole } from "@leash/db";

import { CoreError } from "../errors.ts";

/** Creates a person of the tenant; an email already there is a CONFLICT that names it (console, CLI and SSO alike). */
export async function insertUser(
  tx: Pick<DbTransaction, "user">,
  person: { tenantId: string; email: string; name: string; role: UserRole; passwordHash: string },
): Promise<User> {
  try {
    return await tx.user.create({ data: person });
  } catch (error) {
    if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002") {
      throw new CoreError("CONFLICT", `${person.email} already has an account in this workspace`, { issues: [{ path: ["email"], message: `${person.email} already has an account in this workspace` }] });
    }
    throw error;
  }
}
