import type { Db } from "@leash/db";

import { userActor } from "../actor.ts";
import type { CoreDeps } from "../deps.ts";
import { createApiKey } from "../auth/api-keys.ts";
import { createTenant, createUser } from "../auth/tenants-and-users.ts";
import { CoreError } from "../errors.ts";
import { createTemplate } from "../templates/create-template.ts";
import type { CreateTemplateInput } from "../templates/template-schema.ts";
import { ensureDemoConnector, type DemoConnectorOutcome } from "./ensure-demo-connector.ts";
import { ensureDemoWebhook, type DemoWebhookOutcome } from "./ensure-demo-webhook.ts";

/** The demo's template library: what `pnpm demo:agent` runs. */
export const DEMO_TEMPLATE: CreateTemplateInput = {
  name: "Onboard a client",
  description: "A project for the client, its contact person, and the link between them",
  parameters: [
    { name: "projectName", type: "string", description: "Title of the client's project" },
    { name: "contactName", type: "string", description: "The client's contact person" },
    { name: "contactEmail", type: "string", required: false },
    { name: "dueDate", type: "date", required: false, description: "When the project is due" },
  ],
  steps: [
    { actionType: "create", targetType: "project", parameters: { title: "{{params.projectName}}", data: { status: "planned", dueDate: "{{params.dueDate}}" } } },
    { actionType: "create", targetType: "person", parameters: { title: "{{params.contactName}}", data: { email: "{{params.contactEmail}}" } } },
    {
      actionType: "link",
      targetType: "person",
      targetId: "{{steps.1.result.itemId}}",
      parameters: { toType: "project", toId: "{{steps.0.result.itemId}}", relation: "contact_for" },
    },
  ],
};

export const DEMO = {
  tenant: { slug: "demo", name: "Demo Co" },
  admin: { email: "admin@demo.test", name: "Ada Admin", password: "demo-admin-password" },
  approver: { email: "dana@demo.test", name: "Dana Approver", password: "demo-approver-password" },
  viewer: { email: "victor@demo.test", name: "Victor Viewer", password: "demo-viewer-password" },
} as const;

export interface DemoSeedResult {
  created: boolean;
  tenantId: string;
  agentKey: string | null;
  /** The connector `demo-invoices`, with its signing secret when it was created by this run. */
  connector: DemoConnectorOutcome;
  /** The webhook endpoint of the demo receivers, with its signing secret when it was created by this run. */
  webhook: DemoWebhookOutcome;
}

/**
 * The demo tenant to click through: an admin, an approver and a viewer (passwords above, for local
 * use only), an agent key, a few items of every kind, notify auto-approved, one template, the
 * approver's approval mail on (one mail per action waiting for her) and, with a connector key, the
 * connector `demo-invoices` to the demo receivers (its `http` actions wait for a person: no
 * preference covers them) and a webhook endpoint there for every event. Running it again changes
 * nothing, except adding the connector or the webhook endpoint to a demo tenant that lacks them.
 */
export async function seedDemo(
  deps: Pick<CoreDeps, "db" | "logger" | "connectorKey">,
  options: { connectorBaseUrl?: string; webhookUrl?: string } = {},
): Promise<DemoSeedResult> {
  const { db } = deps;
  const connector = (tenantId: string) => ensureDemoConnector(deps, { tenantId, ...(options.connectorBaseUrl ? { baseUrl: options.connectorBaseUrl } : {}) });
  const webhook = (tenantId: string) => ensureDemoWebhook(deps, { tenantId, ...(options.webhookUrl ? { url: options.webhookUrl } : {}) });
  const existing = await db.tenant.findUnique({ where: { slug: DEMO.tenant.slug } });
  if (existing) return { created: false, tenantId: existing.id, agentKey: null, connector: await connector(existing.id), webhook: await webhook(existing.id) };

  const tenant = await createTenant(db, DEMO.tenant);
  const admin = await createUser(db, { tenantSlug: tenant.slug, role: "admin", ...DEMO.admin });
  const approver = await createUser(db, { tenantSlug: tenant.slug, role: "approver", ...DEMO.approver });
  await createUser(db, { tenantSlug: tenant.slug, role: "viewer", ...DEMO.viewer });
  const { key } = await createApiKey(db, { tenantId: tenant.id, name: "demo-agent", role: "agent", ownerId: admin.id });

  await db.item.createMany({
    data: [
      { kind: "project", title: "Website relaunch", data: { status: "active", dueDate: "2026-12-01", owner: "Dana" } },
      { kind: "project", title: "Customer portal", data: { status: "planned" } },
      { kind: "person", title: "Grace Hopper", data: { email: "grace@example.com", role: "Engineer" } },
      { kind: "person", title: "Alan Turing", data: { email: "alan@example.com", company: "Bletchley" } },
      { kind: "idea", title: "Self-serve onboarding", data: { status: "new", score: 7 } },
      { kind: "admin", title: "Renew SSL certificates", data: { category: "ops", dueDate: "2027-01-15" } },
    ].map((item) => ({ ...item, tenantId: tenant.id, kind: item.kind as "project" | "person" | "idea" | "admin" })),
  });
  await db.approvalPreference.create({ data: { tenantId: tenant.id, actionType: "notify", targetType: null, autoApprove: true } });
  await ensureDemoTemplate(db, tenant.id);
  // Set directly rather than through setApprovalMailSetting: the seed runs before any mail server is known.
  await db.userMailSetting.create({ data: { userId: approver.id, approvalMail: "each", approvalMailSince: new Date() } });
  return { created: true, tenantId: tenant.id, agentKey: key, connector: await connector(tenant.id), webhook: await webhook(tenant.id) };
}

/** Adds the demo template to a tenant that lacks it (a demo tenant seeded before templates existed), in its first admin's name. */
export async function ensureDemoTemplate(db: Db, tenantId: string): Promise<void> {
  const existing = await db.actionTemplate.findFirst({ where: { tenantId, name: DEMO_TEMPLATE.name } });
  if (existing) return;
  const admin = await db.user.findFirst({ where: { tenantId, role: "admin" }, orderBy: { createdAt: "asc" } });
  if (!admin) throw new CoreError("NOT_FOUND", "The tenant has no admin to own the demo template");
  await createTemplate({ db }, { actor: userActor(admin), input: DEMO_TEMPLATE });
}
