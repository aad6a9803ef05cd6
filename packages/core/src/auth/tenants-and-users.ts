import { z } from "zod";

import { isUniqueViolation, type Db, type Tenant, type User } from "@leash/db";

import { systemActor } from "../actor.ts";
import { recordAdminEvent } from "../audit/record-admin-event.ts";
import { CoreError } from "../errors.ts";
import { safeText } from "../actions/storable.ts";
import { parseInput } from "../validation.ts";
import { insertUser } from "../people/insert-user.ts";
import { personFieldsSchema } from "../people/people-inputs.ts";
import { hashPassword } from "./passwords.ts";

export const createTenantInputSchema = z.strictObject({
  slug: z.string().regex(/^[a-z0-9][a-z0-9-]{1,62}$/, "must use only lowercase letters, digits and dashes"),
  name: safeText(z.string().trim().min(1).max(200)),
});

/** The admin CLI's create-user: the console's rules for a person (people-inputs.ts), plus a password of the operator's choosing. */
export const createUserInputSchema = personFieldsSchema.extend({
  tenantSlug: safeText(z.string().min(1)),
  password: z.string().min(10, "must have at least 10 characters").max(200),
});

export async function createTenant(db: Db, input: z.input<typeof createTenantInputSchema>): Promise<Tenant> {
  const data = parseInput(createTenantInputSchema, input, "tenant");
  try {
    return await db.tenant.create({ data });
  } catch (error) {
    if (isUniqueViolation(error)) throw new CoreError("CONFLICT", `A tenant "${data.slug}" already exists`);
    throw error;
  }
}

export async function findTenantBySlug(db: Db, slug: string): Promise<Tenant> {
  const tenant = await db.tenant.findUnique({ where: { slug } });
  if (!tenant) throw new CoreError("NOT_FOUND", `No tenant "${slug}"`);
  return tenant;
}

/**
 * Adds a person with a password of the caller's choosing (the admin CLI, the seeds). With
 * `recordedAs`, the addition is in the tenant's admin trail under that name, as the console's
 * addUser records its own.
 */
export async function createUser(db: Db, input: z.input<typeof createUserInputSchema>, { recordedAs }: { recordedAs?: string } = {}): Promise<User> {
  const data = parseInput(createUserInputSchema, input, "user");
  const tenant = await findTenantBySlug(db, data.tenantSlug);
  const passwordHash = await hashPassword(data.password);
  return db.$transaction(async (tx) => {
    const user = await insertUser(tx, { tenantId: tenant.id, email: data.email, name: data.name, role: data.role, passwordHash });
    if (recordedAs !== undefined) {
      await recordAdminEvent(tx, { actor: systemActor(tenant.id, recordedAs), type: "user.added", subject: user.email, details: { name: user.name, role: user.role } });
    }
    return user;
  });
}
