import type { Actor } from "../actor.ts";
import { recordAdminEvent } from "../audit/record-admin-event.ts";
import { hashPassword } from "../auth/passwords.ts";
import { assertCan } from "../authorization.ts";
import type { CoreDeps } from "../deps.ts";
import { parseInput } from "../validation.ts";
import { generatePassword } from "./generate-password.ts";
import { insertUser } from "./insert-user.ts";
import { addUserInputSchema, type AddUserInput } from "./people-inputs.ts";
import { toPersonView, type PersonView } from "./person-view.ts";

/**
 * Adds a person to the tenant (admins) with a generated password, in the answer this once for the
 * admin to hand over: no invitation mail or link to intercept, and it works where no mail is set up.
 */
export async function addUser(deps: Pick<CoreDeps, "db">, { actor, input }: { actor: Actor; input: AddUserInput }): Promise<{ person: PersonView; password: string }> {
  assertCan(actor, "user.manage");
  const fields = parseInput(addUserInputSchema, input, "person");
  const password = generatePassword();
  const passwordHash = await hashPassword(password);
  const user = await deps.db.$transaction(async (tx) => {
    const created = await insertUser(tx, { tenantId: actor.tenantId, ...fields, passwordHash });
    await recordAdminEvent(tx, { actor, type: "user.added", subject: created.email, details: { name: created.name, role: created.role } });
    return created;
  });
  return { person: toPersonView(user), password };
}
