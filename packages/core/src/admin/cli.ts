import { Command, CommanderError, InvalidArgumentError } from "commander";

import { createDb, type ApiKeyRole } from "@leash/db";

import { sealAuditChain } from "../audit/seal-audit-chain.ts";
import { verifyAuditChain } from "../audit/verify-audit-chain.ts";
import { issueApiKey } from "../api-keys/issue-api-key.ts";
import { revokeTenantApiKey } from "../api-keys/revoke-tenant-api-key.ts";
import { publishApiKeyChanges } from "../auth/api-key-changes.ts";
import { signOutEverywhere } from "../auth/sign-out-everywhere.ts";
import { createTenant, createUser, findTenantBySlug } from "../auth/tenants-and-users.ts";
import { systemActor } from "../actor.ts";
import { systemClock } from "../clock.ts";
import { httpMethods, type HttpMethod } from "../connectors/connector-fields.ts";
import { createConnector } from "../connectors/create-connector.ts";
import { deleteConnector } from "../connectors/delete-connector.ts";
import { findConnector } from "../connectors/find-connector.ts";
import { listConnectors } from "../connectors/list-connectors.ts";
import { rotateConnectorSigningSecret } from "../connectors/rotate-connector-signing-secret.ts";
import { SIGNING_SECRET_GRACE_HOURS } from "../connectors/signing-secret-rotation.ts";
import { isCoreError } from "../errors.ts";
import { silentLogger } from "../logger.ts";
import { createRedisConnection, type RedisConnection } from "../redis/create-redis-connection.ts";
import { resolveRedisUrl } from "../redis/resolve-redis-url.ts";
import { linkSlackUser } from "../slack/link-slack-user.ts";
import { linkSlackWorkspace } from "../slack/link-slack-workspace.ts";
import { unlinkSlackWorkspace } from "../slack/unlink-slack-workspace.ts";
import { createWebhookEndpoint } from "../webhooks/create-webhook-endpoint.ts";
import { deleteWebhookEndpoint } from "../webhooks/delete-webhook-endpoint.ts";
import { listWebhookEndpoints } from "../webhooks/list-webhook-endpoints.ts";
import { webhookEventTypes, type WebhookEventType } from "../webhooks/webhook-event-types.ts";
import { userRoles } from "../people/people-inputs.ts";
import { env } from "./env.ts";

const apiKeyRoles: ApiKeyRole[] = ["admin", "approver", "viewer", "agent"];

function oneOf<T extends string>(values: readonly T[]) {
  return (value: string): T => {
    if (!(values as readonly string[]).includes(value)) throw new InvalidArgumentError(`expected one of ${values.join(", ")}`);
    return value as T;
  };
}

const db = createDb({ connectionString: env.DATABASE_URL, pooler: env.DATABASE_POOLER });

/** How long the CLI waits for Redis to announce a revocation before it goes on without. */
const ANNOUNCE_TIMEOUT_MS = 3_000;

/**
 * The queue's publish of API key changes, for the CLI, which runs no queue: one connection to the
 * apps' Redis, made when something is announced. `announced` says whether it was: Redis away is
 * not an error (the change has committed, and each API process refuses the key once its cache lets
 * it go), but the person at the terminal should know.
 */
function keyChangeAnnouncer() {
  let connection: RedisConnection | null = null;
  let announced = false;
  return {
    queue: {
      async publishApiKeyChanges(tenantId: string) {
        const redis = (connection ??= createRedisConnection({ url: resolveRedisUrl(env), role: "producer", name: "admin CLI", logger: silentLogger() }));
        // A producer's connection refuses commands until it is connected, rather than queueing them.
        const ready = redis.status === "ready" ? Promise.resolve() : new Promise<void>((resolve) => redis.once("ready", () => resolve()));
        await Promise.race([
          ready.then(() => publishApiKeyChanges(redis, env.QUEUE_PREFIX, tenantId)),
          new Promise((_, reject) => setTimeout(() => reject(new Error("Redis did not answer")), ANNOUNCE_TIMEOUT_MS).unref()),
        ]);
        announced = true;
      },
    },
    announced: () => announced,
    close: () => connection?.disconnect(),
  };
}

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
    const password = options.password ?? env.LEASH_PASSWORD;
    if (!password) throw new InvalidArgumentError("give --password or set LEASH_PASSWORD");
    const user = await createUser(db, { tenantSlug: options.tenant, email: options.email, name: options.name, role: options.role, password }, { recordedAs: "admin CLI" });
    console.log(`created ${user.role} ${user.email} in ${options.tenant}`);
  });

program
  .command("sign-out-everywhere")
  .description("end every console session of a user at once (a lost laptop, a copied cookie); they sign in again")
  .requiredOption("--tenant <slug>")
  .requiredOption("--email <email>")
  .action(async (options: { tenant: string; email: string }) => {
    const tenant = await findTenantBySlug(db, options.tenant);
    await signOutEverywhere({ db }, { actor: systemActor(tenant.id, "admin CLI"), input: { email: options.email } });
    console.log(`signed ${options.email} out of every console session in ${tenant.slug}`);
  });

program
  .command("create-api-key")
  .requiredOption("--tenant <slug>")
  .requiredOption("--role <role>", "agent, viewer, approver or admin", oneOf(apiKeyRoles))
  .option("--name <name>", "shown in timelines, e.g. crm-sync", "agent")
  .action(async (options: { tenant: string; role: ApiKeyRole; name: string }) => {
    const tenant = await findTenantBySlug(db, options.tenant);
    const { apiKey, key } = await issueApiKey({ db, clock: systemClock }, { actor: systemActor(tenant.id, "admin CLI"), input: { name: options.name, role: options.role } });
    console.log(`created ${options.role} key "${apiKey.name}" (${apiKey.publicId}) for ${tenant.slug}; it is shown once, store it now:`);
    console.log(key);
  });

program
  .command("revoke-api-key")
  .requiredOption("--tenant <slug>")
  .requiredOption("--id <publicId>", "the public id printed when the key was created")
  .action(async (options: { tenant: string; id: string }) => {
    const tenant = await findTenantBySlug(db, options.tenant);
    const announcer = keyChangeAnnouncer();
    try {
      await revokeTenantApiKey({ db, clock: systemClock, logger: silentLogger(), queue: announcer.queue }, { actor: systemActor(tenant.id, "admin CLI"), input: { publicId: options.id } });
    } finally {
      announcer.close();
    }
    console.log(
      announcer.announced()
        ? `revoked ${options.id}; the API processes refuse it from now on`
        : `revoked ${options.id}; Redis did not answer, so the API processes were not told: each refuses the key once its cache lets it go (API_KEY_CACHE_MS)`,
    );
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

/** `name=value`, as --header and --secret-header take it (repeatable). */
function collectHeader(text: string, previous: { name: string; value: string }[]): { name: string; value: string }[] {
  const at = text.indexOf("=");
  if (at <= 0) throw new InvalidArgumentError("expected name=value, e.g. X-Team=growth");
  return [...previous, { name: text.slice(0, at), value: text.slice(at + 1) }];
}

const commaList = (text: string) => text.split(",").map((part) => part.trim()).filter((part) => part !== "");
const httpMethod = (text: string): HttpMethod => oneOf(httpMethods)(text.toUpperCase());

/** The CLI acts as the system on the tenant's behalf: whoever runs it already holds the database. */
async function connectorDeps(tenantSlug: string) {
  const tenant = await findTenantBySlug(db, tenantSlug);
  return { tenant, actor: systemActor(tenant.id, "admin CLI"), deps: { db, clock: systemClock, logger: silentLogger(), connectorKey: env.CONNECTOR_SECRET_KEY } };
}

interface ConnectorCreateOptions {
  tenant: string;
  name: string;
  baseUrl: string;
  methods: HttpMethod[];
  pathPrefixes: string[];
  header: { name: string; value: string }[];
  secretHeader: { name: string; value: string }[];
  timeoutMs?: number;
  allowPrivateNetwork: boolean;
  undoMethod?: HttpMethod;
  undoPath?: string;
}

program
  .command("connector:create")
  .description("add an HTTP connector that `http` actions may call; prints its signing secret once (needs CONNECTOR_SECRET_KEY)")
  .requiredOption("--tenant <slug>")
  .requiredOption("--name <name>", "a slug agents name in proposals, e.g. billing-api")
  .requiredOption("--base-url <url>", "the service's root, e.g. https://billing.example.com/v1")
  .requiredOption("--methods <list>", "allowed methods, comma-separated, e.g. POST,DELETE", (text) => commaList(text).map(httpMethod))
  .option("--path-prefixes <list>", "allowed path prefixes, comma-separated", commaList, ["/"])
  .option("--header <name=value>", "a header sent with every request (repeatable)", collectHeader, [])
  .option("--secret-header <name=value>", "a header whose value is stored encrypted and never shown again (repeatable)", collectHeader, [])
  .option("--timeout-ms <ms>", "how long a request may take, 100 to 30000", Number)
  .option("--allow-private-network", "let it reach private and loopback addresses (refused by default)", false)
  .option("--undo-method <method>", "the method of the request that undoes a call", httpMethod)
  .option("--undo-path <path>", "the path of the request that undoes a call, e.g. /invoices/{{result.body.id}}")
  .action(async (options: ConnectorCreateOptions) => {
    const { tenant, actor, deps } = await connectorDeps(options.tenant);
    if ((options.undoMethod === undefined) !== (options.undoPath === undefined)) throw new InvalidArgumentError("give both --undo-method and --undo-path, or neither");
    const undo = options.undoMethod !== undefined && options.undoPath !== undefined ? { method: options.undoMethod, path: options.undoPath } : null;
    const { connector, signingSecret } = await createConnector(deps, {
      actor,
      input: {
        name: options.name,
        baseUrl: options.baseUrl,
        allowedMethods: options.methods,
        allowedPathPrefixes: options.pathPrefixes,
        headers: [...options.header.map((header) => ({ ...header, secret: false })), ...options.secretHeader.map((header) => ({ ...header, secret: true }))],
        ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
        allowPrivateNetwork: options.allowPrivateNetwork,
        undo,
      },
    });
    console.log(`created connector ${connector.name} (${connector.id}) for ${tenant.slug}: ${connector.allowedMethods.join(", ")} under ${connector.baseUrl} ${connector.allowedPathPrefixes.join(", ")}`);
    console.log("its signing secret is shown once; give it to the receiver to verify requests (Standard Webhooks), store it now:");
    console.log(signingSecret);
  });

program
  .command("connector:list")
  .requiredOption("--tenant <slug>")
  .action(async (options: { tenant: string }) => {
    const { actor, deps } = await connectorDeps(options.tenant);
    const connectors = await listConnectors(deps, { actor });
    if (connectors.length === 0) console.log(`no connectors in ${options.tenant}`);
    for (const connector of connectors) {
      const headers = connector.headers.map((header) => (header.secret ? `${header.name}: ••• (secret)` : `${header.name}: ${header.value}`));
      const undo = connector.undo ? `undo ${connector.undo.method} ${connector.undo.path}` : "cannot be undone";
      console.log(`${connector.name}  ${connector.allowedMethods.join(",")} ${connector.baseUrl} ${connector.allowedPathPrefixes.join(",")}  timeout ${connector.timeoutMs} ms${connector.allowPrivateNetwork ? "  private network allowed" : ""}  ${undo}${headers.length ? `  headers: ${headers.join("; ")}` : ""}`);
    }
  });

program
  .command("connector:rotate-secret")
  .description(`replace a connector's signing secret; prints the new one once (needs CONNECTOR_SECRET_KEY); the old one also signs for ${SIGNING_SECRET_GRACE_HOURS} hours unless --revoke-previous`)
  .requiredOption("--tenant <slug>")
  .requiredOption("--name <name>")
  .option("--revoke-previous", "stop signing with the old secret at once (it leaked)", false)
  .action(async (options: { tenant: string; name: string; revokePrevious: boolean }) => {
    const { tenant, actor, deps } = await connectorDeps(options.tenant);
    const connector = await findConnector(db, tenant.id, options.name);
    if (!connector) throw new InvalidArgumentError(`no connector ${options.name} in ${tenant.slug}`);
    const { signingSecret, connector: rotated } = await rotateConnectorSigningSecret(deps, {
      actor,
      input: { connectorId: connector.id, revokePrevious: options.revokePrevious },
    });
    const previous = rotated.previousSecretExpiresAt ? `, and also with the old one until ${rotated.previousSecretExpiresAt}` : ", and no longer with the old one";
    console.log(`new signing secret of ${connector.name}, shown once; requests are signed with it from now on${previous}:`);
    console.log(signingSecret);
  });

program
  .command("connector:delete")
  .requiredOption("--tenant <slug>")
  .requiredOption("--name <name>")
  .action(async (options: { tenant: string; name: string }) => {
    const { tenant, actor, deps } = await connectorDeps(options.tenant);
    const connector = await findConnector(db, tenant.id, options.name);
    if (!connector) throw new InvalidArgumentError(`no connector ${options.name} in ${tenant.slug}`);
    await deleteConnector(deps, { actor, input: { connectorId: connector.id } });
    console.log(`deleted connector ${connector.name} from ${tenant.slug}`);
  });

interface WebhookCreateOptions {
  tenant: string;
  url: string;
  events: WebhookEventType[];
  actionTypes: string[];
  description?: string;
  allowPrivateNetwork: boolean;
}

program
  .command("webhook:create")
  .alias("webhook-create")
  .description("subscribe an endpoint to events of the tenant's actions; prints its signing secret once (needs CONNECTOR_SECRET_KEY)")
  .requiredOption("--tenant <slug>")
  .requiredOption("--url <url>", "where deliveries are POSTed, e.g. https://hooks.example.com/leash")
  .requiredOption("--events <list>", `event types, comma-separated, or "all": ${webhookEventTypes.join(", ")}`, (text) => (text.trim() === "all" ? [...webhookEventTypes] : commaList(text).map(oneOf(webhookEventTypes))))
  .option("--action-types <list>", "only events of these action types, comma-separated (default: every type)", commaList, [])
  .option("--description <text>", "what the endpoint is for")
  .option("--allow-private-network", "let it reach private and loopback addresses (refused by default)", false)
  .action(async (options: WebhookCreateOptions) => {
    const { tenant, actor, deps } = await connectorDeps(options.tenant);
    const { endpoint, signingSecret } = await createWebhookEndpoint(deps, {
      actor,
      input: {
        url: options.url,
        eventTypes: options.events,
        actionTypes: options.actionTypes,
        ...(options.description !== undefined ? { description: options.description } : {}),
        allowPrivateNetwork: options.allowPrivateNetwork,
      },
    });
    console.log(`created webhook endpoint ${endpoint.id} for ${tenant.slug}: ${endpoint.eventTypes.join(", ")} to ${endpoint.url}`);
    console.log("its signing secret is shown once; give it to the receiver to verify deliveries (Standard Webhooks), store it now:");
    console.log(signingSecret);
  });

program
  .command("webhook:list")
  .alias("webhook-list")
  .requiredOption("--tenant <slug>")
  .action(async (options: { tenant: string }) => {
    const { actor, deps } = await connectorDeps(options.tenant);
    const endpoints = await listWebhookEndpoints(deps, { actor });
    if (endpoints.length === 0) console.log(`no webhook endpoints in ${options.tenant}`);
    for (const endpoint of endpoints) {
      const state = endpoint.enabled ? "enabled" : `DISABLED (${endpoint.disabledReason ?? "no reason recorded"})`;
      const types = endpoint.actionTypes.length ? `  action types: ${endpoint.actionTypes.join(",")}` : "";
      console.log(`${endpoint.id}  ${state}  ${endpoint.url}  ${endpoint.eventTypes.join(",")}${types}${endpoint.description ? `  "${endpoint.description}"` : ""}`);
    }
  });

program
  .command("webhook:delete")
  .alias("webhook-delete")
  .requiredOption("--tenant <slug>")
  .requiredOption("--id <endpointId>", "the endpoint's id, as webhook:list prints it")
  .action(async (options: { tenant: string; id: string }) => {
    const { tenant, actor, deps } = await connectorDeps(options.tenant);
    await deleteWebhookEndpoint(deps, { actor, input: { endpointId: options.id } });
    console.log(`deleted webhook endpoint ${options.id} from ${tenant.slug}`);
  });

try {
  await program.parseAsync();
} catch (error) {
  console.error(isCoreError(error) || error instanceof CommanderError ? `error: ${error.message}` : error);
  process.exitCode = 1;
} finally {
  await db.$disconnect();
}
