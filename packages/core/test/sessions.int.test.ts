import { afterAll, beforeAll, describe, expect, it } from "vitest";

import {
  createSignInThrottle,
  SESSION_MAX_AGE_MS,
  signIn,
  signOutEverywhere,
  systemActor,
  userForSession,
  type SessionClaims,
} from "../src/index.ts";
import { hashPassword } from "../src/auth/passwords.ts";
import { createTestEnvironment, createTestTenant, type TestEnvironment, type TestTenant } from "../src/testing/index.ts";

let environment: TestEnvironment;
let acme: TestTenant;
let globex: TestTenant;
let now = Date.parse("2026-12-04T12:00:00Z");
const clock = { now: () => new Date(now) };

beforeAll(async () => {
  environment = await createTestEnvironment();
  acme = await createTestTenant(environment.db, "acme");
  globex = await createTestTenant(environment.db, "globex");
  const passwordHash = await hashPassword("the right password");
  await environment.db.user.updateMany({ data: { passwordHash } });
});

afterAll(async () => {
  await environment.close();
});

async function signInAs(tenant: TestTenant, role: "admin" | "approver" | "viewer"): Promise<SessionClaims> {
  const signInThrottle = createSignInThrottle({ redis: environment.redis, prefix: environment.queuePrefix });
  const { session } = await signIn({ db: environment.db, clock, signInThrottle }, {
    input: { tenant: tenant.slug, email: `${role}@${tenant.slug}.test`, password: "the right password" },
    clientAddress: "127.0.0.1",
  });
  return session;
}

const lookUp = (session: Partial<Record<keyof SessionClaims, unknown>>) => userForSession({ db: environment.db, clock }, { session });

describe("userForSession", () => {
  it("answers the signed-in person as they are now", async () => {
    const session = await signInAs(acme, "approver");
    expect((await lookUp(session)).actor).toEqual(acme.approver);
    await environment.db.user.update({ where: { id: acme.approver.userId }, data: { role: "viewer" } });
    expect((await lookUp(session)).actor.role).toBe("viewer");
    await environment.db.user.update({ where: { id: acme.approver.userId }, data: { role: "approver" } });
  });

  it("refuses a session once 12 hours have passed since its sign-in, whatever the cookie says", async () => {
    const session = await signInAs(acme, "viewer");
    now += SESSION_MAX_AGE_MS;
    expect((await lookUp(session)).email).toBe("viewer@acme.test");
    now += 1;
    await expect(lookUp(session)).rejects.toMatchObject({ code: "UNAUTHORIZED", message: "This session has expired; sign in again" });
  });

  it("refuses a session without its claims (made before sessions carried them), with a malformed id, or of a removed account", async () => {
    const session = await signInAs(acme, "viewer");
    await expect(lookUp({ userId: session.userId })).rejects.toMatchObject({ code: "UNAUTHORIZED" });
    await expect(lookUp({ ...session, issuedAt: undefined })).rejects.toMatchObject({ code: "UNAUTHORIZED" });
    await expect(lookUp({ ...session, sessionVersion: "1" })).rejects.toMatchObject({ code: "UNAUTHORIZED" });
    await expect(lookUp({ ...session, userId: "not-a-uuid" })).rejects.toMatchObject({ code: "UNAUTHORIZED" });
    await expect(lookUp({ ...session, userId: "00000000-0000-4000-8000-000000000000" })).rejects.toMatchObject({
      code: "UNAUTHORIZED",
      message: "This account no longer exists; sign in again",
    });
  });
});

describe("signOutEverywhere", () => {
  it("ends every session of the person, those signed in elsewhere included; a new sign-in works", async () => {
    const here = await signInAs(globex, "approver");
    const elsewhere = await signInAs(globex, "approver");
    const colleague = await signInAs(globex, "viewer");
    await signOutEverywhere(environment.deps, { actor: globex.approver, input: { email: "approver@globex.test" } });
    for (const session of [here, elsewhere]) {
      await expect(lookUp(session)).rejects.toMatchObject({ code: "UNAUTHORIZED", message: "This session was ended (signed out everywhere); sign in again" });
    }
    expect((await lookUp(colleague)).email).toBe("viewer@globex.test");
    const again = await signInAs(globex, "approver");
    expect(again.sessionVersion).toBe(here.sessionVersion + 1);
    expect((await lookUp(again)).email).toBe("approver@globex.test");
  });

  it("lets an admin (or the admin CLI, as the system) sign out anyone of their tenant", async () => {
    const viewer = await signInAs(acme, "viewer");
    await signOutEverywhere(environment.deps, { actor: acme.admin, input: { email: "VIEWER@acme.test" } });
    await expect(lookUp(viewer)).rejects.toMatchObject({ code: "UNAUTHORIZED" });

    const approver = await signInAs(acme, "approver");
    await signOutEverywhere(environment.deps, { actor: systemActor(acme.id, "admin CLI"), input: { email: "approver@acme.test" } });
    await expect(lookUp(approver)).rejects.toMatchObject({ code: "UNAUTHORIZED" });
  });

  it("refuses anyone else: another role for someone else, an agent key, another tenant's admin; nothing changes", async () => {
    const admin = await signInAs(acme, "admin");
    const refusals = [
      signOutEverywhere(environment.deps, { actor: acme.approver, input: { email: "admin@acme.test" } }),
      signOutEverywhere(environment.deps, { actor: acme.viewer, input: { email: "admin@acme.test" } }),
      signOutEverywhere(environment.deps, { actor: acme.agent, input: { email: "admin@acme.test" } }),
    ];
    for (const refused of refusals) await expect(refused).rejects.toMatchObject({ code: "FORBIDDEN" });
    // Another tenant's admin finds nobody of that email in their own tenant.
    await expect(signOutEverywhere(environment.deps, { actor: globex.admin, input: { email: "admin@acme.test" } })).rejects.toMatchObject({ code: "NOT_FOUND" });
    // A non-admin cannot tell who exists: an unknown email is refused the same way.
    await expect(signOutEverywhere(environment.deps, { actor: acme.viewer, input: { email: "nobody@acme.test" } })).rejects.toMatchObject({ code: "FORBIDDEN" });
    await expect(signOutEverywhere(environment.deps, { actor: acme.admin, input: { email: "" } })).rejects.toMatchObject({ code: "INVALID" });
    expect((await lookUp(admin)).email).toBe("admin@acme.test");
  });
});
