import { Command, CommanderError, InvalidArgumentError } from "commander";

import { createDb, type ApiKeyRole } from "@leash/db";

import { createApiKey, revokeApiKey } from "../auth/api-keys.ts";
import { createTenant, createUser, findTenantBySlug } from "../auth/tenants-and-users.ts";
import { isCoreError } from "../errors.ts";

const apiKeyRoles: ApiKeyRole[] = ["admin", "approver", "viewer", "agent"];
const userRoles = ["admin", "approver", "viewer"] as const;

function oneOf<T extends string>(values: readonly T[]) {
  return (value: string): T => {
    if (!(values as readonly string[]).includes(value)) throw new InvalidArgumentError(`expected one of ${values.join(", ")}`);
    return value as T;
  };
}

const db = createDb({ connectionString: process.env.DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/leash" });

const program = new Command("admin").description("Administer Leash tenants, users and API keys");

program
  .command("create-tenant")
  .requiredOption("--slug <slug>", "short name used in URLs and commands, e.g. acme")
  .requiredOption("--name <name>", "display name")
  .action(async (options: { slug: string; name: string }) => {
    const tenant = await createTenant(db, options);
    console.log(`created tenant ${tenant.slug} (${tenant.id})`);
  });

program
  .command("create-user")
  .requiredOption("--tenant <slug>")
  .requiredOption("--email <email>")
  .requiredOption("--name <name>")
  .requiredOption("--role <role>", "admin, approver or viewer", oneOf(userRoles))
  .option("--password <password>", "at least 10 characters; read from LEASH_PASSWORD when omitted")
  .action(async (options: { tenant: string; email: string; name: string; role: (typeof userRoles)[number]; password?: string }) => {
    const password = options.password ?? process.env.LEASH_PASSWORD;
    if (!password) throw new InvalidArgumentError("give --password or set LEASH_PASSWORD");
    const user = await createUser(db, { tenantSlug: options.tenant, email: options.email, name: options.name, role: options.role, password });
    console.log(`created ${user.role} ${user.email} in ${options.tenant}`);
  });

program
  .command("create-api-key")
  .requiredOption("--tenant <slug>")
  .requiredOption("--role <role>", "agent, viewer, approver or admin", oneOf(apiKeyRoles))
  .option("--name <name>", "shown in timelines, e.g. crm-sync", "agent")
  .action(async (options: { tenant: string; role: ApiKeyRole; name: string }) => {
    const tenant = await findTenantBySlug(db, options.tenant);
    const { key, publicId } = await createApiKey(db, { tenantId: tenant.id, name: options.name, role: options.role });
    console.log(`created ${options.role} key "${options.name}" (${publicId}) for ${tenant.slug}; it is shown once, store it now:`);
    console.log(key);
  });

program
  .command("revoke-api-key")
  .requiredOption("--tenant <slug>")
  .requiredOption("--id <publicId>", "the public id printed when the key was created")
  .action(async (options: { tenant: string; id: string }) => {
    const tenant = await findTenantBySlug(db, options.tenant);
    await revokeApiKey(db, { tenantId: tenant.id, publicId: options.id, now: new Date() });
    console.log(`revoked ${options.id}`);
  });

try {
  await program.parseAsync();
} catch (error) {
  console.error(isCoreError(error) || error instanceof CommanderError ? `error: ${error.message}` : error);
  process.exitCode = 1;
} finally {
  await db.$disconnect();
}
