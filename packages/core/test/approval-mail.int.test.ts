import { afterAll, beforeAll, describe, expect, it } from "vitest";

import {
  approveAction,
  configureDelivery,
  createNotificationDelivery,
  getApprovalMailSetting,
  linkSlackUser,
  linkSlackWorkspace,
  proposeAction,
  rejectAction,
  sendDeadlineNotices,
  setApprovalMailSetting,
  sweepApprovalMail,
  sweepPendingDeadlines,
  type Actor,
  type Clock,
  type SetApprovalMailInput,
} from "../src/index.ts";
import {
  createTestEnvironment,
  createTestItem,
  createTestTenant,
  TEST_SMTP_FROM,
  type CaughtMail,
  type TestEnvironment,
  type TestTenant,
} from "../src/testing/index.ts";

let environment: TestEnvironment;
let now = new Date("2026-12-04T09:00:00.000Z");
const clock: Clock = { now: () => now };
const consoleUrl = "https://leash.example/";
const domain = "tests.invalid";

beforeAll(async () => {
  environment = await createTestEnvironment();
});

afterAll(async () => {
  await environment.close();
});

const deps = () => ({ ...environment.deps, clock });
const at = (iso: string) => {
  now = new Date(iso);
};
const sweep = () => sweepApprovalMail(deps(), { consoleUrl });
const setMail = (actor: Actor, input: SetApprovalMailInput) =>
  setApprovalMailSetting(deps(), { actor, input });
const mailsTo = (address: string): CaughtMail[] =>
  environment.smtp.mails.filter((mail) => mail.envelope.to.includes(address));
const emailOf = (tenant: TestTenant, role: "admin" | "approver" | "viewer") => `${role}@${tenant.slug}.test`;
const token = (userId: string, actionId: number, since: string | Date) =>
  `${userId}-action-${actionId}-${new Date(since).getTime().toString(36)}`;

/** A second approver of the tenant, with approval mail as given (off when not). */
async function addApprover(tenant: TestTenant, name: string): Promise<Actor & { kind: "user" }> {
  const row = await environment.db.user.create({
    data: {
      tenantId: tenant.id,
      email: `${name.toLowerCase()}@${tenant.slug}.test`,
      name,
      role: "approver",
      passwordHash: "unused-in-tests",
    },
  });
  return { kind: "user", tenantId: tenant.id, userId: row.id, role: "approver", label: name };
}

async function proposeUpdate(
  tenant: TestTenant,
  itemId: number,
  actor: Actor = tenant.agent,
  status = "at_risk",
) {
  const { action } = await proposeAction(deps(), {
    actor,
    input: {
      actionType: "update",
      targetType: "project",
      targetId: itemId,
      parameters: { data: { status } },
      reason: "Deadline moved after the client call",
    },
  });
  return action;
}

describe("approval mail, one per action", () => {
  let acme: TestTenant;
  let bea: Actor & { kind: "user" };
  let itemId: number;

  beforeAll(async () => {
    acme = await createTestTenant(environment.db, "acme");
    bea = await addApprover(acme, "Bea");
    itemId = (
      await createTestItem(environment.db, acme.id, {
        kind: "project",
        title: "Website relaunch",
        data: { status: "active" },
      })
    ).id;
    at("2026-12-04T09:00:00.000Z");
    await setMail(acme.approver, { mode: "each" });
    await setMail(acme.admin, { mode: "each" });
    // A viewer cannot turn it on; one who was an approver when they did is still not mailed.
    await environment.db.userMailSetting.create({
      data: { userId: acme.viewer.userId, approvalMail: "each", approvalMailSince: now, updatedAt: now },
    });
  });

  it("mails each opted-in person who may decide once per action: subject, changes, link and a stable Message-ID", async () => {
    at("2026-12-04T09:05:00.000Z");
    const action = await proposeUpdate(acme, itemId);
    at("2026-12-04T09:07:00.000Z");
    const result = await sweep();
    expect(result.sent).toEqual(
      expect.arrayContaining([
        { userId: acme.approver.userId, kind: "waiting", actionIds: [action.id] },
        { userId: acme.admin.userId, kind: "waiting", actionIds: [action.id] },
      ]),
    );
    const [mail, ...more] = mailsTo(emailOf(acme, "approver"));
    expect(more).toEqual([]);
    expect(mail?.parsed.subject).toBe('Approval needed: update project "Website relaunch"');
    expect(mail?.parsed.messageId).toBe(
      `<leash-waiting-${token(acme.approver.userId, action.id, action.createdAt)}@${domain}>`,
    );
    const text = mail?.parsed.text ?? "";
    expect(text).toContain(`#${action.id} update project "Website relaunch"`);
    expect(text).toContain(
      `Proposed by ${action.proposedBy.label}; waiting 2 min (since 2026-12-04 09:05 UTC)`,
    );
    expect(text).toContain("Reason: “Deadline moved after the client call”");
    expect(text).toContain("  - status: active -> at_risk");
    expect(text).toContain(`Decide in the console: https://leash.example/actions/${action.id}`);
    expect(text).not.toContain("{");
    expect(mail?.parsed.html).toContain(
      `<a href="https://leash.example/actions/${action.id}">Decide on #${action.id} in the console</a>`,
    );
    expect(mail?.parsed.html).toContain("<li>status: active -&gt; at_risk</li>");
    expect(mailsTo(emailOf(acme, "admin"))).toHaveLength(1);

    // Nothing twice, and nobody else: the viewer, and Bea, who never turned mail on.
    expect((await sweep()).sent).toEqual([]);
    expect(mailsTo(emailOf(acme, "approver"))).toHaveLength(1);
    expect(mailsTo(emailOf(acme, "viewer"))).toEqual([]);
    expect(mailsTo(`bea@${acme.slug}.test`)).toEqual([]);
    expect(bea.role).toBe("approver");
  });

  it("leaves out the proposer (separation of duties), whoever approved already, and what waited before mail was on", async () => {
    at("2026-12-04T09:10:00.000Z");
    const ownProposal = await proposeUpdate(acme, itemId, acme.admin, "done");
    await sweep();
    expect(mailsTo(emailOf(acme, "admin")).map((mail) => mail.parsed.subject)).toHaveLength(1);
    expect(mailsTo(emailOf(acme, "approver")).at(-1)?.parsed.messageId).toContain(
      `action-${ownProposal.id}-`,
    );

    // A quorum of two: Dana approves first, then the action starts waiting again for Bea only if she turned mail on.
    await environment.db.approvalPolicy.create({
      data: { tenantId: acme.id, actionType: "update", requiredApprovals: 2 },
    });
    at("2026-12-04T09:12:00.000Z");
    await setMail(bea, { mode: "each" });
    const quorum = await proposeUpdate(acme, itemId, acme.agent, "planned");
    await approveAction(deps(), { actor: acme.approver, input: { actionId: quorum.id } });
    const before = mailsTo(emailOf(acme, "approver")).length;
    await sweep();
    expect(mailsTo(emailOf(acme, "approver"))).toHaveLength(before);
    const [beaMail] = mailsTo(`bea@${acme.slug}.test`);
    expect(beaMail?.parsed.text).toContain("1 of 2 approvals so far");
    // Bea turned mail on after these started waiting: she is told only about the newer one.
    expect(mailsTo(`bea@${acme.slug}.test`)).toHaveLength(1);
    await environment.db.approvalPolicy.deleteMany({ where: { tenantId: acme.id } });
  });

  it("mails nobody about an auto-approved action", async () => {
    await environment.db.approvalPreference.create({
      data: { tenantId: acme.id, actionType: "create", autoApprove: true },
    });
    at("2026-12-04T09:20:00.000Z");
    const before = environment.smtp.mails.length;
    const { action } = await proposeAction(deps(), {
      actor: acme.agent,
      input: { actionType: "create", targetType: "idea", parameters: { title: "Newsletter" } },
    });
    expect(action.status).not.toBe("pending");
    expect((await sweep()).sent).toEqual([]);
    expect(environment.smtp.mails).toHaveLength(before);
  });

  it("mails again when an action returns to pending, with a new Message-ID", async () => {
    at("2026-12-04T09:30:00.000Z");
    const action = await proposeUpdate(acme, itemId, acme.agent, "done");
    await sweep();
    const first = mailsTo(emailOf(acme, "approver")).at(-1);
    expect(first?.parsed.messageId).toBe(
      `<leash-waiting-${token(acme.approver.userId, action.id, action.createdAt)}@${domain}>`,
    );
    // What stale-approval protection records when the target changed under an approved action.
    const returnedAt = new Date("2026-12-04T09:40:00.000Z");
    await environment.db.actionEvent.create({
      data: {
        tenantId: acme.id,
        actionId: action.id,
        type: "returned_to_pending",
        actorKind: "system",
        actorLabel: "worker",
        details: {},
        createdAt: returnedAt,
      },
    });
    at("2026-12-04T09:41:00.000Z");
    await sweep();
    const again = mailsTo(emailOf(acme, "approver")).at(-1);
    expect(again?.parsed.messageId).toBe(
      `<leash-waiting-${token(acme.approver.userId, action.id, returnedAt)}@${domain}>`,
    );
    expect(again?.parsed.text).toContain("waiting 1 min (since 2026-12-04 09:40 UTC)");
    expect((await sweep()).sent).toEqual([]);
  });

  it("sends each mail once when two sweeps run at the same time", async () => {
    at("2026-12-04T10:00:00.000Z");
    const actions = [
      await proposeUpdate(acme, itemId, acme.agent, "planned"),
      await proposeUpdate(acme, itemId, acme.agent, "active"),
      await proposeUpdate(acme, itemId, acme.agent, "done"),
    ];
    const before = mailsTo(emailOf(acme, "approver")).length;
    const sweeps = await Promise.all([sweep(), sweep(), sweep()]);
    const toDana = sweeps
      .flatMap((result) => result.sent)
      .filter((sent) => sent.userId === acme.approver.userId);
    expect(toDana.flatMap((sent) => sent.actionIds).sort()).toEqual(
      actions.map((action) => action.id).sort(),
    );
    const mails = mailsTo(emailOf(acme, "approver")).slice(before);
    expect(mails).toHaveLength(3);
    expect(new Set(mails.map((mail) => mail.parsed.messageId)).size).toBe(3);
  });
});

describe("approval mail as a digest", () => {
  let digest: TestTenant;
  let itemId: number;

  beforeAll(async () => {
    digest = await createTestTenant(environment.db, "digest");
    itemId = (
      await createTestItem(environment.db, digest.id, {
        kind: "project",
        title: "Intranet",
        data: { status: "active" },
      })
    ).id;
    at("2026-12-05T08:00:00.000Z");
    await setMail(digest.approver, { mode: "digest", digestMinutes: 30 });
  });

  it("sends at most one mail per interval, listing what started waiting since and still waits, with its age", async () => {
    at("2026-12-05T08:01:00.000Z");
    const first = await proposeUpdate(digest, itemId);
    at("2026-12-05T08:02:00.000Z");
    expect((await sweep()).sent).toEqual([
      { userId: digest.approver.userId, kind: "digest", actionIds: [first.id] },
    ]);
    expect(mailsTo(emailOf(digest, "approver")).at(-1)?.parsed.subject).toBe(
      `1 action waits for your decision in Tenant digest`,
    );

    at("2026-12-05T08:05:00.000Z");
    const decided = await proposeUpdate(digest, itemId, digest.agent, "planned");
    at("2026-12-05T08:06:00.000Z");
    const waiting = await proposeUpdate(digest, itemId, digest.agent, "done");
    at("2026-12-05T08:20:00.000Z");
    expect((await sweep()).sent).toEqual([]);
    await rejectAction(deps(), { actor: digest.admin, input: { actionId: decided.id, reason: "not now" } });

    at("2026-12-05T08:32:00.000Z");
    expect((await sweep()).sent).toEqual([
      { userId: digest.approver.userId, kind: "digest", actionIds: [waiting.id] },
    ]);
    const mail = mailsTo(emailOf(digest, "approver")).at(-1);
    expect(mail?.parsed.subject).toBe("1 action waits for your decision in Tenant digest");
    expect(mail?.parsed.text).toContain(`#${waiting.id} update project "Intranet"`);
    expect(mail?.parsed.text).toContain("waiting 26 min (since 2026-12-05 08:06 UTC)");
    expect(mail?.parsed.text).not.toContain(`#${decided.id} `);
    expect(mail?.parsed.text).not.toContain(`#${first.id} `);

    at("2026-12-05T09:10:00.000Z");
    expect((await sweep()).sent).toEqual([]);
    expect(mailsTo(emailOf(digest, "approver"))).toHaveLength(2);

    const two = [
      await proposeUpdate(digest, itemId, digest.agent, "planned"),
      await proposeUpdate(digest, itemId, digest.agent, "active"),
    ];
    at("2026-12-05T09:11:00.000Z");
    const [sent] = (await sweep()).sent;
    expect(sent?.actionIds).toEqual(two.map((action) => action.id));
    const listed = mailsTo(emailOf(digest, "approver")).at(-1);
    expect(listed?.parsed.subject).toBe("2 actions wait for your decision in Tenant digest");
    expect(listed?.parsed.messageId).toMatch(
      new RegExp(`^<leash-digest-${digest.approver.userId}-[0-9a-f]{24}@${domain}>$`),
    );
  });
});

describe("Slack, reminders and escalations", () => {
  let quiet: TestTenant;
  let slacky: TestTenant;
  let quietBackup: Actor & { kind: "user" };

  beforeAll(async () => {
    at("2026-12-06T08:00:00.000Z");
    quiet = await createTestTenant(environment.db, "quiet");
    slacky = await createTestTenant(environment.db, "slacky");
    quietBackup = await addApprover(quiet, "Bob");
    for (const tenant of [quiet, slacky]) {
      await setMail(tenant.approver, { mode: "digest", digestMinutes: 600 });
      await environment.db.approvalPolicy.create({
        data: {
          tenantId: tenant.id,
          actionType: "update",
          remindAfterSeconds: 3600,
          escalateAfterSeconds: 5400,
          escalateToUserId: tenant === quiet ? quietBackup.userId : tenant.admin.userId,
          expiresAfterSeconds: 7200,
        },
      });
    }
    await linkSlackWorkspace(environment.db, {
      tenantSlug: "slacky",
      teamId: "TSLACKY",
      channelId: "CAPPROVALS",
    });
    await linkSlackUser(environment.db, {
      tenantSlug: "slacky",
      teamId: "TSLACKY",
      slackUserId: "USLACKDANA",
      email: emailOf(slacky, "approver"),
    });
    await linkSlackUser(environment.db, {
      tenantSlug: "slacky",
      teamId: "TSLACKY",
      slackUserId: "USLACKADA",
      email: emailOf(slacky, "admin"),
    });
  });

  it("still mails an opted-in approver whose tenant decides in Slack: the setting is theirs", async () => {
    const itemId = (
      await createTestItem(environment.db, slacky.id, {
        kind: "project",
        title: "Chat",
        data: { status: "active" },
      })
    ).id;
    at("2026-12-06T08:10:00.000Z");
    const action = await proposeUpdate(slacky, itemId);
    await sweep();
    expect(mailsTo(emailOf(slacky, "approver")).map((mail) => mail.parsed.text)).toEqual([
      expect.stringContaining(`#${action.id} update project "Chat"`),
    ]);
  });

  it("emails reminders to opted-in approvers and the escalation to the backup approver where Slack does not reach them", async () => {
    at("2026-12-06T09:00:00.000Z");
    const quietItem = (
      await createTestItem(environment.db, quiet.id, {
        kind: "project",
        title: "Billing",
        data: { status: "active" },
      })
    ).id;
    const slackyItem = (
      await createTestItem(environment.db, slacky.id, {
        kind: "project",
        title: "Chat",
        data: { status: "active" },
      })
    ).id;
    const inQuiet = await proposeUpdate(quiet, quietItem);
    const inSlacky = await proposeUpdate(slacky, slackyItem);

    at("2026-12-06T10:31:00.000Z");
    const swept = await sweepPendingDeadlines(deps());
    expect(swept.reminded).toEqual(expect.arrayContaining([inQuiet.id, inSlacky.id]));
    expect(swept.escalated).toEqual(expect.arrayContaining([inQuiet.id, inSlacky.id]));
    const { sent, deferred } = await sendDeadlineNotices(deps(), { consoleUrl });
    expect(deferred).toEqual([]);

    // Quiet has no Slack: Dana (digest, but reminders come at once) is reminded; Bob, the backup
    // approver, gets the escalation though he never turned approval mail on.
    expect(sent).toEqual(
      expect.arrayContaining([
        { userId: quiet.approver.userId, kind: "reminder", actionIds: [inQuiet.id] },
        { userId: quietBackup.userId, kind: "escalation", actionIds: [inQuiet.id] },
      ]),
    );
    const reminder = mailsTo(emailOf(quiet, "approver")).at(-1);
    expect(reminder?.parsed.subject).toBe('Reminder: update project "Billing" still waits for a decision');
    expect(reminder?.parsed.messageId).toBe(
      `<leash-reminder-${token(quiet.approver.userId, inQuiet.id, inQuiet.createdAt)}@${domain}>`,
    );
    expect(reminder?.parsed.text).toContain("It expires in 29 min");
    const escalation = mailsTo(`bob@${quiet.slug}.test`);
    expect(escalation.map((mail) => mail.parsed.subject)).toEqual([
      'Escalated to you: update project "Billing"',
    ]);
    expect(escalation[0]?.parsed.text).toContain(`https://leash.example/actions/${inQuiet.id}`);

    // Slacky's approver and admin are linked in Slack, where the bot posts these notices: no mail.
    expect(sent.filter((mail) => mail.actionIds.includes(inSlacky.id))).toEqual([]);
    expect(mailsTo(emailOf(slacky, "admin"))).toEqual([]);
    // Sent once: the outbox is empty afterwards.
    expect(await sendDeadlineNotices(deps(), { consoleUrl })).toEqual({ sent: [], deferred: [] });
    expect(await environment.db.deadlineNotice.count()).toBe(0);
  });

  /** An update of a new project of Quiet, proposed at `proposedAt` and reminded about by the sweep an hour and a minute later. */
  async function remindedUpdate(title: string, proposedAt: string) {
    at(proposedAt);
    const itemId = (await createTestItem(environment.db, quiet.id, { kind: "project", title, data: { status: "active" } })).id;
    const action = await proposeUpdate(quiet, itemId);
    at(new Date(Date.parse(proposedAt) + 61 * 60_000).toISOString());
    expect((await sweepPendingDeadlines(deps())).reminded).toContain(action.id);
    return action;
  }

  it("keeps a notice while the mail server is away, and sends it once when it is back", async () => {
    // The sweep commits the reminder; the worker stops before it mails anything.
    const action = await remindedUpdate("Outage", "2026-12-06T12:00:00.000Z");
    expect(await environment.db.deadlineNotice.count({ where: { actionId: action.id } })).toBe(1);

    const away = { ...deps(), delivery: configureDelivery({ smtpUrl: "smtp://127.0.0.1:1", smtpFrom: TEST_SMTP_FROM }) };
    try {
      const tried = await sendDeadlineNotices(away, { consoleUrl });
      expect(tried.sent).toEqual([]);
      expect(tried.deferred).toHaveLength(1);
    } finally {
      away.delivery.close();
    }
    expect(await environment.db.deadlineNotice.count({ where: { actionId: action.id } })).toBe(1);
    expect(mailsTo(emailOf(quiet, "approver")).filter((mail) => mail.parsed.subject?.includes("Outage"))).toEqual([]);

    // Not tried again at once: the notices behind it go first.
    expect(await sendDeadlineNotices(deps(), { consoleUrl })).toEqual({ sent: [], deferred: [] });
    expect(await environment.db.deadlineNotice.count({ where: { actionId: action.id } })).toBe(1);

    // Two workers' passes at once, a minute later, the server back: one mail.
    at("2026-12-06T13:02:01.000Z");
    const passes = await Promise.all([sendDeadlineNotices(deps(), { consoleUrl }), sendDeadlineNotices(deps(), { consoleUrl })]);
    expect(passes.flatMap((pass) => pass.sent)).toEqual([{ userId: quiet.approver.userId, kind: "reminder", actionIds: [action.id] }]);
    expect(mailsTo(emailOf(quiet, "approver")).filter((mail) => mail.parsed.subject?.includes("Outage")).map((mail) => mail.parsed.subject)).toEqual([
      'Reminder: update project "Outage" still waits for a decision',
    ]);
    expect(await environment.db.deadlineNotice.count()).toBe(0);
  });

  it("drops a notice of an action decided before it could be sent", async () => {
    const action = await remindedUpdate("Decided", "2026-12-06T14:00:00.000Z");
    await rejectAction(deps(), { actor: quiet.approver, input: { actionId: action.id, reason: "Not now" } });
    const before = environment.smtp.mails.length;
    expect(await sendDeadlineNotices(deps(), { consoleUrl })).toEqual({ sent: [], deferred: [] });
    expect(environment.smtp.mails).toHaveLength(before);
    expect(await environment.db.deadlineNotice.count()).toBe(0);
  });

  it("sends nothing and reminds nobody by mail on a server without email", async () => {
    const noEmail = { ...deps(), delivery: createNotificationDelivery({ clock }) };
    at("2026-12-06T11:00:00.000Z");
    const before = environment.smtp.mails.length;
    const itemId = (
      await createTestItem(environment.db, quiet.id, {
        kind: "project",
        title: "Offline",
        data: { status: "active" },
      })
    ).id;
    const action = await proposeUpdate(quiet, itemId);
    expect(await sweepApprovalMail(noEmail, { consoleUrl })).toEqual({ sent: [], deferred: [] });
    at("2026-12-06T12:01:00.000Z");
    // The reminder is recorded, and nothing is left for email: no server would ever send it.
    expect((await sweepPendingDeadlines(noEmail)).reminded).toContain(action.id);
    expect(await environment.db.deadlineNotice.count({ where: { actionId: action.id } })).toBe(0);
    expect(await sendDeadlineNotices(noEmail, { consoleUrl })).toEqual({ sent: [], deferred: [] });
    expect(environment.smtp.mails).toHaveLength(before);
  });
});

describe("tenancy", () => {
  it("never tells one tenant's people about another tenant's actions", async () => {
    at("2026-12-07T08:00:00.000Z");
    const initech = await createTestTenant(environment.db, "initech");
    const umbrella = await createTestTenant(environment.db, "umbrella");
    await setMail(initech.approver, { mode: "each" });
    await setMail(umbrella.approver, { mode: "digest", digestMinutes: 5 });
    const itemId = (
      await createTestItem(environment.db, initech.id, {
        kind: "project",
        title: "TPS reports",
        data: { status: "active" },
      })
    ).id;
    at("2026-12-07T08:01:00.000Z");
    const action = await proposeUpdate(initech, itemId);
    await sweep();
    expect(mailsTo(emailOf(initech, "approver"))).toHaveLength(1);
    expect(mailsTo(emailOf(umbrella, "approver"))).toEqual([]);
    // A notice naming another tenant's action (or person) reaches nobody here either.
    await environment.db.deadlineNotice.createMany({
      data: [
        { tenantId: umbrella.id, actionId: action.id, kind: "reminder" },
        { tenantId: umbrella.id, actionId: action.id, kind: "escalation", userId: umbrella.approver.userId },
        { tenantId: initech.id, actionId: action.id, kind: "escalation", userId: umbrella.approver.userId },
      ],
    });
    expect(await sendDeadlineNotices(deps(), { consoleUrl })).toEqual({ sent: [], deferred: [] });
    expect(mailsTo(emailOf(umbrella, "approver"))).toEqual([]);
    expect(mailsTo(emailOf(initech, "approver"))).toHaveLength(1);
  });
});

describe("the approval mail setting", () => {
  let settings: TestTenant;

  beforeAll(async () => {
    settings = await createTestTenant(environment.db, "settings");
  });

  it("is off until the person turns it on, keeps the interval, and says where mail goes", async () => {
    expect(await getApprovalMailSetting(deps(), { actor: settings.approver })).toEqual({
      mode: "off",
      digestMinutes: 60,
      email: emailOf(settings, "approver"),
      emailConfigured: true,
      decides: true,
    });
    await setMail(settings.approver, { mode: "digest", digestMinutes: 30 });
    expect(await setMail(settings.approver, { mode: "each" })).toMatchObject({
      mode: "each",
      digestMinutes: 30,
    });
    expect(await getApprovalMailSetting(deps(), { actor: settings.approver })).toMatchObject({
      mode: "each",
      digestMinutes: 30,
    });
    await Promise.all([setMail(settings.admin, { mode: "each" }), setMail(settings.admin, { mode: "each" })]);
    expect(await getApprovalMailSetting(deps(), { actor: settings.admin })).toMatchObject({ mode: "each" });
  });

  it("refuses bad values with plain words and changes nothing", async () => {
    await setMail(settings.approver, { mode: "digest", digestMinutes: 45 });
    const bad: unknown[] = [
      { mode: "digest", digestMinutes: Number.NaN },
      { mode: "digest", digestMinutes: 4 },
      { mode: "digest", digestMinutes: 1441 },
      { mode: "digest", digestMinutes: 2.5 },
      { mode: "digest", digestMinutes: 2 ** 31 },
      { mode: "digest", digestMinutes: "30" },
      { mode: "weekly" },
      { mode: "off\u0000" },
      { mode: "each", extra: true },
      {},
      null,
    ];
    for (const input of bad) {
      await expect(setMail(settings.approver, input as SetApprovalMailInput)).rejects.toMatchObject({
        code: "INVALID",
      });
    }
    await expect(setMail(settings.approver, { mode: "digest", digestMinutes: 4 })).rejects.toMatchObject({
      issues: [
        {
          path: ["digestMinutes"],
          message: "Enter the digest interval in whole minutes, from 5 to 1440 (a day)",
        },
      ],
    });
    await expect(
      setMail(settings.approver, { mode: "digest", digestMinutes: Number.NaN }),
    ).rejects.toMatchObject({
      issues: [
        {
          path: ["digestMinutes"],
          message: "Enter the digest interval in whole minutes, from 5 to 1440 (a day)",
        },
      ],
    });
    expect(await getApprovalMailSetting(deps(), { actor: settings.approver })).toMatchObject({
      mode: "digest",
      digestMinutes: 45,
    });
  });

  it("is for people who decide, on a server that sends email", async () => {
    await expect(setMail(settings.viewer, { mode: "each" })).rejects.toMatchObject({ code: "FORBIDDEN" });
    expect(await setMail(settings.viewer, { mode: "off" })).toMatchObject({ mode: "off", decides: false });
    await expect(setMail(settings.agent, { mode: "off" })).rejects.toMatchObject({ code: "FORBIDDEN" });
    await expect(getApprovalMailSetting(deps(), { actor: settings.agent })).rejects.toMatchObject({
      code: "FORBIDDEN",
    });

    const noEmail = { ...deps(), delivery: configureDelivery({ smtpFrom: TEST_SMTP_FROM }) };
    await expect(
      setApprovalMailSetting(noEmail, { actor: settings.admin, input: { mode: "digest" } }),
    ).rejects.toMatchObject({
      code: "INVALID",
      message: expect.stringContaining("Email is not configured on this server"),
    });
    expect(
      await setApprovalMailSetting(noEmail, { actor: settings.admin, input: { mode: "off" } }),
    ).toMatchObject({ mode: "off", emailConfigured: false });
  });
});
