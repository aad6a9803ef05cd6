import { Command, CommanderError, InvalidArgumentError } from "commander";

import { createDb, type ApiKeyRole } from "@leash/db";

import { sealAuditChain } from "../audit/seal-audit-chain.ts";
import { verifyAuditChain } from "../audit/verify-audit-chain.ts";
import { createApiKey, revokeApiKey } from "../auth/api-keys.ts";
import { createTenant, createUser, findTenantBySlug } from "../auth/tenants-and-users.ts";
import { isCoreError } from "../errors.ts";
import { linkSlackUser } from "../slack/link-slack-user.ts";
import { linkSlackWorkspace } from "../slack/link-slack-workspace.ts";
import { unlinkSlackWorkspace } from "../slack/unlink-slack-workspace.ts";

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

program
  .command("link-slack-workspace")
  .description("let a Slack workspace decide on the tenant's actions, with cards posted to one channel")
  .requiredOption("--tenant <slug>")
  .requiredOption("--team <teamId>", "the Slack team id, e.g. T0123ABCD")
  .requiredOption("--channel <channelId>", "the approval channel's id, e.g. C0123ABCD (channel details > About)")
  .option("--match-emails", "Slack users without a link act as the tenant's user with the same email", false)
  .action(async (options: { tenant: string; team: string; channel: string; matchEmails: boolean }) => {
    const workspace = await linkSlackWorkspace(db, { tenantSlug: options.tenant, teamId: options.team, channelId: options.channel, matchEmails: options.matchEmails });
    console.log(`linked Slack workspace ${workspace.teamId} to ${workspace.tenant.slug}; approval cards go to ${workspace.approvalChannelId}${workspace.matchEmails ? "; users are matched by email" : ""}`);
  });

program
  .command("unlink-slack-workspace")
  .requiredOption("--tenant <slug>")
  .action(async (options: { tenant: string }) => {
    const { teamId } = await unlinkSlackWorkspace(db, { tenantSlug: options.tenant });
    console.log(`unlinked Slack workspace ${teamId} and its user links from ${options.tenant}`);
  });

program
  .command("link-slack-user")
  .description("let a Slack user act as a user of the tenant (their role decides what they may do)")
  .requiredOption("--tenant <slug>")
  .requiredOption("--team <teamId>", "the Slack team id, e.g. T0123ABCD")
  .requiredOption("--slack-user <userId>", "the Slack member id, e.g. U0123ABCD (profile > Copy member ID)")
  .requiredOption("--email <email>", "the Leash user's email")
  .action(async (options: { tenant: string; team: string; slackUser: string; email: string }) => {
    const link = await linkSlackUser(db, { tenantSlug: options.tenant, teamId: options.team, slackUserId: options.slackUser, email: options.email });
    console.log(`Slack user ${link.slackUserId} now acts as ${link.user.email} (${link.user.role}) in ${options.tenant}`);
  });

program
  .command("verify-audit")
  .description("seal new audit events into the tenant's hash chain, then verify the whole chain and report the first broken link")
  .requiredOption("--tenant <slug>")
  .action(async (options: { tenant: string }) => {
    const tenant = await findTenantBySlug(db, options.tenant);
    await sealAuditChain({ db });
    const result = await verifyAuditChain({ db }, { tenantId: tenant.id });
    if (result.broken) {
      const { chainSeq, eventId, actionId, problem } = result.broken;
      console.log(`audit chain of ${tenant.slug} is BROKEN at link ${chainSeq} (event ${eventId} of action #${actionId}): ${problem}`);
      console.log(`${result.checked} links before it hold`);
      process.exitCode = 2;
      return;
    }
    const head = result.head ? `; head: link ${result.head.chainSeq}, hash ${result.head.hash}` : "";
    const unsealed = result.unsealed ? `; ${result.unsealed} newer events not sealed yet` : "";
    console.log(`audit chain of ${tenant.slug} holds: ${result.checked} events verified${head}${unsealed}`);
  });

try {
  await program.parseAsync();
} catch (error) {
  console.error(isCoreError(error) || error instanceof CommanderError ? `error: ${error.message}` : error);
  process.exitCode = 1;
} finally {
  await db.$disconnect();
}
