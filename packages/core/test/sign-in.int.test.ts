import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { actorForUser, createTenant, createUser, signIn } from "../src/index.ts";
import { createTestEnvironment, type TestEnvironment } from "../src/testing/index.ts";

let environment: TestEnvironment;
let userId: string;

beforeAll(async () => {
  environment = await createTestEnvironment();
  await createTenant(environment.db, { slug: "acme", name: "Acme Inc" });
  await createTenant(environment.db, { slug: "globex", name: "Globex" });
  const user = await createUser(environment.db, { tenantSlug: "acme", email: "Dana@Acme.test", name: "Dana", role: "approver", password: "correct horse battery" });
  userId = user.id;
});

afterAll(async () => {
  await environment.close();
});

describe("signIn", () => {
  it("turns a tenant, an email in any case and the right password into the user's actor", async () => {
    const signedIn = await signIn(environment.deps, { input: { tenant: "ACME ", email: " dana@ACME.test", password: "correct horse battery" } });
    expect(signedIn.actor).toEqual({ kind: "user", tenantId: signedIn.tenant.id, userId, role: "approver", label: "Dana" });
    expect(signedIn.tenant).toMatchObject({ slug: "acme", name: "Acme Inc" });
    expect(signedIn.email).toBe("dana@acme.test");
  });

  it("answers a wrong password, an unknown email, another tenant and an unknown tenant with the same message", async () => {
    const attempts = [
      { tenant: "acme", email: "dana@acme.test", password: "wrong password!" },
      { tenant: "acme", email: "nobody@acme.test", password: "correct horse battery" },
      { tenant: "globex", email: "dana@acme.test", password: "correct horse battery" },
      { tenant: "nope", email: "dana@acme.test", password: "correct horse battery" },
    ];
    const messages = new Set<string>();
    for (const input of attempts) {
      const error = await signIn(environment.deps, { input }).then(() => null, (caught: unknown) => caught);
      expect(error).toMatchObject({ code: "UNAUTHORIZED" });
      messages.add((error as Error).message);
    }
    expect([...messages]).toEqual(["That workspace, email and password do not match an account"]);
  });

  it("refuses empty fields as invalid input, naming the field", async () => {
    await expect(signIn(environment.deps, { input: { tenant: "acme", email: "", password: "x" } })).rejects.toMatchObject({
      code: "INVALID",
      issues: [{ path: ["email"], message: "the email is required" }],
    });
  });
});

describe("actorForUser", () => {
  it("reads the role afresh, so a changed role applies on the next request", async () => {
    expect((await actorForUser(environment.db, userId)).actor.role).toBe("approver");
    await environment.db.user.update({ where: { id: userId }, data: { role: "viewer" } });
    expect((await actorForUser(environment.db, userId)).actor.role).toBe("viewer");
    await environment.db.user.update({ where: { id: userId }, data: { role: "approver" } });
  });

  it("refuses a removed account and a malformed id", async () => {
    await expect(actorForUser(environment.db, "00000000-0000-4000-8000-000000000000")).rejects.toMatchObject({ code: "UNAUTHORIZED" });
    await expect(actorForUser(environment.db, "not-a-uuid")).rejects.toMatchObject({ code: "UNAUTHORIZED" });
  });
});
