import { afterAll, beforeAll, describe, expect, it } from "vitest";

import {
  addUser,
  authenticateApiKey,
  changeUserRole,
  createApiKey,
  createSignInThrottle,
  deactivateUser,
  listAdminEvents,
  listUsers,
  reactivateUser,
  resetUserPassword,
  signIn,
  userForSession,
} from "../src/index.ts";
import { createTestEnvironment, createTestTenant, type TestEnvironment, type TestTenant } from "../src/testing/index.ts";

let environment: TestEnvironment;
let acme: TestTenant;
let globex: TestTenant;
const clock = { now: () => new Date() };

beforeAll(async () => {
  environment = await createTestEnvironment();
  acme = await createTestTenant(environment.db, "acme");
  globex = await createTestTenant(environment.db, "globex");
});

afterAll(async () => {
  await environment.close();
});

const deps = () => ({ ...environment.deps, clock });
const signInAs = (tenant: string, email: string, password: string) =>
  signIn({ ...deps(), signInThrottle: createSignInThrottle({ redis: environment.redis, prefix: environment.queuePrefix }) }, { input: { tenant, email, password }, clientAddress: "127.0.0.1" });

describe("people, administered", () => {
  it("adds a person with a generated password that signs them in, and records who did it", async () => {
    const { person, password } = await addUser(deps(), { actor: acme.admin, input: { name: " Rita Ops ", email: "Rita@Acme.test", role: "approver" } });
    expect(person).toMatchObject({ name: "Rita Ops", email: "rita@acme.test", role: "approver", active: true });
    expect(password).toMatch(/^[A-Za-z0-9_-]{24}$/);
    const { user } = await signInAs("acme", "rita@acme.test", password);
    expect(user.actor.role).toBe("approver");
    const [event] = await listAdminEvents(deps(), { actor: acme.admin });
    expect(event).toMatchObject({ type: "user.added", subject: "rita@acme.test", actorLabel: acme.admin.label });
    expect((await listUsers(deps(), { actor: acme.admin })).map((p) => p.email)).toContain("rita@acme.test");
  });

  it("refuses a taken email, bad fields with the field's name, NUL characters, and anyone but an admin", async () => {
    await expect(addUser(deps(), { actor: acme.admin, input: { name: "Again", email: "rita@acme.test", role: "viewer" } })).rejects.toMatchObject({ code: "CONFLICT", message: "rita@acme.test already has an account in this workspace" });
    await expect(addUser(deps(), { actor: acme.admin, input: { name: "", email: "not-an-email", role: "owner" as never } })).rejects.toMatchObject({
      code: "INVALID",
      issues: [
        { path: ["name"], message: "the name is required" },
        { path: ["email"], message: "the email is not an email address" },
        { path: ["role"], message: "the role must be admin, approver or viewer" },
      ],
    });
    await expect(addUser(deps(), { actor: acme.admin, input: { name: "Nul\u0000", email: "nul@acme.test", role: "viewer" } })).rejects.toMatchObject({ code: "INVALID", issues: [{ path: ["name"], message: "must not contain NUL characters or lone UTF-16 surrogates" }] });
    for (const actor of [acme.approver, acme.viewer, acme.agent]) {
      await expect(listUsers(deps(), { actor })).rejects.toMatchObject({ code: "FORBIDDEN" });
      await expect(addUser(deps(), { actor, input: { name: "X", email: "x@acme.test", role: "viewer" } })).rejects.toMatchObject({ code: "FORBIDDEN" });
    }
  });

  it("answers another tenant's person as not found, and changes nothing there", async () => {
    for (const change of [
      () => changeUserRole(deps(), { actor: acme.admin, input: { userId: globex.viewer.userId, role: "admin" } }),
      () => deactivateUser(deps(), { actor: acme.admin, input: { userId: globex.viewer.userId } }),
      () => resetUserPassword(deps(), { actor: acme.admin, input: { userId: globex.viewer.userId } }),
    ]) {
      await expect(change()).rejects.toMatchObject({ code: "NOT_FOUND" });
    }
    const untouched = await environment.db.user.findUniqueOrThrow({ where: { id: globex.viewer.userId } });
    expect(untouched).toMatchObject({ role: "viewer", deactivatedAt: null, sessionVersion: 1 });
    await expect(changeUserRole(deps(), { actor: acme.admin, input: { userId: "nope", role: "viewer" } })).rejects.toMatchObject({ code: "INVALID", issues: [{ path: ["userId"], message: "the person's id is not valid" }] });
  });

  it("changes a role, which applies to the person's open session at once", async () => {
    const { password, person } = await addUser(deps(), { actor: acme.admin, input: { name: "Vic", email: "vic@acme.test", role: "viewer" } });
    const { session } = await signInAs("acme", "vic@acme.test", password);
    await changeUserRole(deps(), { actor: acme.admin, input: { userId: person.id, role: "approver" } });
    expect((await userForSession(deps(), { session })).actor.role).toBe("approver");
    const [event] = await listAdminEvents(deps(), { actor: acme.admin });
    expect(event).toMatchObject({ type: "user.role_changed", subject: "vic@acme.test", details: { from: "viewer", to: "approver" } });
  });

  it("deactivates a person: their session and their API key stop at once, sign-in is refused; reactivation lets them sign in again", async () => {
    const { password, person } = await addUser(deps(), { actor: acme.admin, input: { name: "Leaver", email: "leaver@acme.test", role: "approver" } });
    const { session } = await signInAs("acme", "leaver@acme.test", password);
    const { key } = await createApiKey(environment.db, { tenantId: acme.id, name: "leaver's agent", role: "agent", ownerId: person.id });
    await expect(authenticateApiKey(environment.db, key)).resolves.toMatchObject({ kind: "api_key" });

    await deactivateUser(deps(), { actor: acme.admin, input: { userId: person.id } });
    await expect(userForSession(deps(), { session })).rejects.toMatchObject({ code: "UNAUTHORIZED" });
    await expect(authenticateApiKey(environment.db, key)).rejects.toMatchObject({ code: "UNAUTHORIZED" });
    await expect(signInAs("acme", "leaver@acme.test", password)).rejects.toMatchObject({ code: "UNAUTHORIZED", message: "That workspace, email and password do not match an account" });
    expect((await listUsers(deps(), { actor: acme.admin })).find((p) => p.id === person.id)).toMatchObject({ active: false });

    await reactivateUser(deps(), { actor: acme.admin, input: { userId: person.id } });
    await expect(authenticateApiKey(environment.db, key)).resolves.toMatchObject({ kind: "api_key" });
    await expect(userForSession(deps(), { session })).rejects.toMatchObject({ code: "UNAUTHORIZED" });
    await expect(signInAs("acme", "leaver@acme.test", password)).resolves.toMatchObject({ user: { email: "leaver@acme.test" } });
    const types = (await listAdminEvents(deps(), { actor: acme.admin })).slice(0, 2).map((event) => event.type);
    expect(types).toEqual(["user.reactivated", "user.deactivated"]);
  });

  it("resets a password: the new one works, the old one and the old sessions do not", async () => {
    const { password: first, person } = await addUser(deps(), { actor: acme.admin, input: { name: "Forgetful", email: "forgetful@acme.test", role: "viewer" } });
    const { session } = await signInAs("acme", "forgetful@acme.test", first);
    const { password: second } = await resetUserPassword(deps(), { actor: acme.admin, input: { userId: person.id } });
    expect(second).not.toBe(first);
    await expect(userForSession(deps(), { session })).rejects.toMatchObject({ code: "UNAUTHORIZED" });
    await expect(signInAs("acme", "forgetful@acme.test", first)).rejects.toMatchObject({ code: "UNAUTHORIZED" });
    await expect(signInAs("acme", "forgetful@acme.test", second)).resolves.toMatchObject({ user: { email: "forgetful@acme.test" } });
  });

  it("never leaves a workspace without an active admin, even when two admins demote each other at once", async () => {
    const solo = await createTestTenant(environment.db, "solo");
    await expect(changeUserRole(deps(), { actor: solo.admin, input: { userId: solo.admin.userId, role: "viewer" } })).rejects.toMatchObject({
      code: "CONFLICT",
      message: "admin@solo.test is the last active admin of this workspace: making them a viewer would leave nobody to administer it. Make someone else an admin first.",
    });
    await expect(deactivateUser(deps(), { actor: solo.admin, input: { userId: solo.admin.userId } })).rejects.toMatchObject({ code: "CONFLICT" });

    const second = await changeUserRole(deps(), { actor: solo.admin, input: { userId: solo.approver.userId, role: "admin" } });
    const secondAdmin = { ...solo.approver, role: "admin" as const };
    const outcomes = await Promise.allSettled([
      changeUserRole(deps(), { actor: solo.admin, input: { userId: second.id, role: "viewer" } }),
      changeUserRole(deps(), { actor: secondAdmin, input: { userId: solo.admin.userId, role: "viewer" } }),
    ]);
    expect(outcomes.filter((outcome) => outcome.status === "fulfilled")).toHaveLength(1);
    expect(outcomes.find((outcome) => outcome.status === "rejected")).toMatchObject({ reason: { code: "CONFLICT" } });
    expect(await environment.db.user.count({ where: { tenantId: solo.id, role: "admin", deactivatedAt: null } })).toBe(1);
  });
});
