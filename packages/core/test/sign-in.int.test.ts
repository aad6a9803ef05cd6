import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { createSignInThrottle, createTenant, createUser, signIn, type SignInInput } from "../src/index.ts";
import { createTestEnvironment, type TestEnvironment } from "../src/testing/index.ts";

let environment: TestEnvironment;
let userId: string;

beforeAll(async () => {
  environment = await createTestEnvironment();
  await createTenant(environment.db, { slug: "acme", name: "Acme Inc" });
  await createTenant(environment.db, { slug: "globex", name: "Globex" });
  const user = await createUser(environment.db, { tenantSlug: "acme", email: "Dana@Acme.test", name: "Dana", role: "approver", password: "correct horse battery" });
  userId = user.id;
  await createUser(environment.db, { tenantSlug: "acme", email: "sam@acme.test", name: "Sam", role: "viewer", password: "sams own password" });
});

afterAll(async () => {
  await environment.close();
});

/** Sign-in with throttles of its own (counted in the real Redis under this file's prefix), generous unless a test says otherwise. */
function signInWith(limits = { perAccount: { limit: 100, windowSeconds: 900 }, perAddress: { limit: 100, windowSeconds: 900 } }, name = "generous") {
  const deps = { ...environment.deps, signInThrottle: createSignInThrottle({ redis: environment.redis, prefix: `${environment.queuePrefix}:${name}`, limits }) };
  return (input: SignInInput, clientAddress = "203.0.113.7") => signIn(deps, { input, clientAddress });
}

const failure = (attempt: Promise<unknown>) => attempt.then(() => null, (caught: unknown) => caught);

describe("signIn", () => {
  it("turns a tenant, an email in any case and the right password into the user's actor and the session's claims", async () => {
    const before = Date.now();
    const { user, session } = await signInWith()({ tenant: "ACME ", email: " dana@ACME.test", password: "correct horse battery" });
    expect(user.actor).toEqual({ kind: "user", tenantId: user.tenant.id, userId, role: "approver", label: "Dana" });
    expect(user.tenant).toMatchObject({ slug: "acme", name: "Acme Inc" });
    expect(user.email).toBe("dana@acme.test");
    expect(session).toMatchObject({ userId, sessionVersion: 1 });
    expect(session.issuedAt).toBeGreaterThanOrEqual(before);
  });

  it("answers a wrong password, an unknown email, another tenant and an unknown tenant with the same message", async () => {
    const attempts = [
      { tenant: "acme", email: "dana@acme.test", password: "wrong password!" },
      { tenant: "acme", email: "nobody@acme.test", password: "correct horse battery" },
      { tenant: "globex", email: "dana@acme.test", password: "correct horse battery" },
      { tenant: "nope", email: "dana@acme.test", password: "correct horse battery" },
    ];
    const messages = new Set<string>();
    const attempt = signInWith();
    for (const input of attempts) {
      const error = await failure(attempt(input));
      expect(error).toMatchObject({ code: "UNAUTHORIZED" });
      messages.add((error as Error).message);
    }
    expect([...messages]).toEqual(["That workspace, email and password do not match an account"]);
  });

  it("refuses empty fields as invalid input, naming the field", async () => {
    await expect(signInWith()({ tenant: "acme", email: "", password: "x" })).rejects.toMatchObject({
      code: "INVALID",
      issues: [{ path: ["email"], message: "the email is required" }],
    });
  });
});

describe("sign-in throttling", () => {
  it("refuses an account after its failed attempts, even with the right password and from another address, and leaves other accounts alone", async () => {
    const attempt = signInWith({ perAccount: { limit: 3, windowSeconds: 900 }, perAddress: { limit: 100, windowSeconds: 900 } }, "per-account");
    for (let index = 0; index < 3; index += 1) {
      // Spread over addresses and written differently: the account is what is counted.
      await expect(attempt({ tenant: "ACME", email: "Dana@acme.test", password: `guess ${index}` }, `198.51.100.${index}`)).rejects.toMatchObject({ code: "UNAUTHORIZED" });
    }
    const refused = await failure(attempt({ tenant: "acme", email: "dana@acme.test", password: "correct horse battery" }, "192.0.2.99"));
    expect(refused).toMatchObject({ code: "LIMIT_EXCEEDED", retryable: true, message: "Too many sign-in attempts; try again in 15 minutes" });
    expect((refused as { retryAfterMs: number }).retryAfterMs).toBeGreaterThan(14 * 60_000);
    expect((refused as { retryAfterMs: number }).retryAfterMs).toBeLessThanOrEqual(15 * 60_000);

    expect((await attempt({ tenant: "acme", email: "sam@acme.test", password: "sams own password" })).user.email).toBe("sam@acme.test");
  });

  it("counts only failures against an account: successes in between do not use up its attempts", async () => {
    const attempt = signInWith({ perAccount: { limit: 2, windowSeconds: 900 }, perAddress: { limit: 100, windowSeconds: 900 } }, "successes");
    const right = { tenant: "acme", email: "dana@acme.test", password: "correct horse battery" };
    for (let index = 0; index < 4; index += 1) expect((await attempt(right)).user.email).toBe("dana@acme.test");
    await expect(attempt({ ...right, password: "wrong" })).rejects.toMatchObject({ code: "UNAUTHORIZED" });
    expect((await attempt(right)).user.email).toBe("dana@acme.test");
  });

  it("throttles an unknown account as it would a real one", async () => {
    const attempt = signInWith({ perAccount: { limit: 2, windowSeconds: 900 }, perAddress: { limit: 100, windowSeconds: 900 } }, "unknown");
    const nobody = { tenant: "acme", email: "nobody@acme.test", password: "anything" };
    await expect(attempt(nobody)).rejects.toMatchObject({ code: "UNAUTHORIZED" });
    await expect(attempt(nobody)).rejects.toMatchObject({ code: "UNAUTHORIZED" });
    await expect(attempt(nobody)).rejects.toMatchObject({ code: "LIMIT_EXCEEDED" });
  });

  it("refuses an address after its attempts, successful ones included, whatever the account; other addresses go on", async () => {
    const attempt = signInWith({ perAccount: { limit: 100, windowSeconds: 900 }, perAddress: { limit: 3, windowSeconds: 900 } }, "per-address");
    const sam = { tenant: "acme", email: "sam@acme.test", password: "sams own password" };
    expect((await attempt(sam, "203.0.113.50")).user.email).toBe("sam@acme.test");
    await expect(attempt({ ...sam, password: "wrong" }, "203.0.113.50")).rejects.toMatchObject({ code: "UNAUTHORIZED" });
    await expect(attempt({ tenant: "globex", email: "x@globex.test", password: "x" }, "::ffff:203.0.113.50")).rejects.toMatchObject({ code: "UNAUTHORIZED" });
    await expect(attempt(sam, "203.0.113.50")).rejects.toMatchObject({ code: "LIMIT_EXCEEDED", message: "Too many sign-in attempts; try again in 15 minutes" });
    expect((await attempt(sam, "203.0.113.51")).user.email).toBe("sam@acme.test");
  });

  it("counts concurrent wrong guesses before hashing any of them, so a burst cannot get past the limit", async () => {
    const attempt = signInWith({ perAccount: { limit: 3, windowSeconds: 900 }, perAddress: { limit: 100, windowSeconds: 900 } }, "burst");
    const outcomes = await Promise.all(
      Array.from({ length: 12 }, (_, index) => failure(attempt({ tenant: "acme", email: "dana@acme.test", password: `burst ${index}` }))),
    );
    const codes = outcomes.map((outcome) => (outcome as { code: string }).code);
    expect(codes.filter((code) => code === "UNAUTHORIZED")).toHaveLength(3);
    expect(codes.filter((code) => code === "LIMIT_EXCEEDED")).toHaveLength(9);
  });

  it("shares the count between two app instances through Redis", async () => {
    const limits = { perAccount: { limit: 2, windowSeconds: 900 }, perAddress: { limit: 100, windowSeconds: 900 } };
    const [first, second] = [signInWith(limits, "shared"), signInWith(limits, "shared")];
    const wrong = { tenant: "acme", email: "sam@acme.test", password: "wrong" };
    await expect(first(wrong)).rejects.toMatchObject({ code: "UNAUTHORIZED" });
    await expect(second(wrong)).rejects.toMatchObject({ code: "UNAUTHORIZED" });
    await expect(first({ ...wrong, password: "sams own password" })).rejects.toMatchObject({ code: "LIMIT_EXCEEDED" });
  });
});
