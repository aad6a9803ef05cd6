import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { actionChangedChannel, actionStartedChannel, defineActionType, notifyAction, registeredActionTypes, setPreference, type ActionRegistry, type ActionView } from "@leash/core";
import { createTestEnvironment, createTestItem, createTestTenant, testRedisUrl, waitFor, type TestEnvironment, type TestTenant } from "@leash/core/testing";
import { startTestWorker } from "@leash/worker/test-support";

import { startTestApi } from "./support.ts";

/**
 * The API's watcher here never polls within the tests' time: every wait below answers only
 * because the worker and the API announced their commits, and the watcher woke the waiters.
 */
const NEVER_POLLS_MS = 600_000;

let environment: TestEnvironment;
let api: Awaited<ReturnType<typeof startTestApi>>;
let worker: Awaited<ReturnType<typeof startTestWorker>>;
let tenant: TestTenant;
let listener: Redis;
/** Every announcement heard on the test file's channels, in order. */
const heard: { started: boolean; ids: number[] }[] = [];

/** notify fails once for "fail-1@…", and every time for "fail-always@…". */
const failuresLeft = new Map<number, number>();
const flakyRegistry: ActionRegistry = {
  ...registeredActionTypes(),
  notify: defineActionType({
    ...notifyAction,
    async execute(context) {
      const { recipient } = context.parameters as { recipient: string };
      const left = failuresLeft.get(context.actionId) ?? (recipient.startsWith("fail-always@") ? Infinity : recipient.startsWith("fail-1@") ? 1 : 0);
      if (left > 0) {
        failuresLeft.set(context.actionId, left - 1);
        throw new Error(`mail server unavailable (${recipient})`);
      }
      return notifyAction.execute(context);
    },
  }),
};

beforeAll(async () => {
  environment = await createTestEnvironment({ maxAttempts: 2 });
  api = await startTestApi(environment, { watchIntervalMs: NEVER_POLLS_MS });
  worker = await startTestWorker(environment, { registry: flakyRegistry });
  tenant = await createTestTenant(environment.db, "waits-wake");
  listener = new Redis(testRedisUrl, { maxRetriesPerRequest: null });
  listener.on("message", (channel, message) => heard.push({ started: channel === actionStartedChannel.name(environment.queuePrefix), ids: JSON.parse(message) as number[] }));
  await listener.subscribe(actionChangedChannel.name(environment.queuePrefix), actionStartedChannel.name(environment.queuePrefix));
  await setPreference(environment.deps, { actor: tenant.admin, input: { actionType: "notify", autoApprove: true } });
});

afterAll(async () => {
  listener.disconnect();
  await worker.close();
  await api.close();
  await environment.close();
});

const notify = (recipient: string) => ({ actionType: "notify" as const, parameters: { channel: "email" as const, recipient, message: "Deploy done" } });
/** What was announced of an action, in order: `started` (a claim) or `changed`. */
const announcementsOf = (actionId: number) => heard.flatMap(({ started, ids }) => (ids.includes(actionId) ? [started ? "started" : "changed"] : []));

describe("waits answer from the writers' announcements", () => {
  it("proposeAndWait of an auto-approved action answers executed", async () => {
    const answer = await api.client(tenant.keys.agent).action.proposeAndWait.mutate({ ...notify("ops@example.com"), waitSeconds: 20 });
    expect(answer).toMatchObject({ done: true, action: { status: "executed" } });
  });

  it("a wait answers once a person's approval has run, and a rejection ends another", async () => {
    const agent = api.client(tenant.keys.agent);
    const project = await createTestItem(environment.db, tenant.id, { kind: "project", title: "Website relaunch", data: { status: "active" } });
    const first = await agent.action.propose.mutate({ actionType: "update", targetType: "project", targetId: project.id, parameters: { data: { status: "done" } } });
    const second = await agent.action.propose.mutate({ actionType: "delete", targetType: "project", targetId: project.id, parameters: {} });
    const waits = [agent.action.wait.mutate({ actionId: first.action.id, waitSeconds: 20 }), agent.action.wait.mutate({ actionId: second.action.id, waitSeconds: 20 })];
    await api.client(tenant.keys.approver).action.approve.mutate({ actionId: first.action.id });
    await api.client(tenant.keys.approver).action.reject.mutate({ actionId: second.action.id, reason: "Still in use" });
    expect(await Promise.all(waits)).toMatchObject([
      { done: true, action: { status: "executed" } },
      { done: true, action: { status: "rejected" } },
    ]);
  });

  it("a watch streams an action to its end", async () => {
    const agent = api.client(tenant.keys.agent);
    const project = await createTestItem(environment.db, tenant.id, { kind: "project", title: "Data migration", data: { status: "active" } });
    const { action } = await agent.action.propose.mutate({ actionType: "update", targetType: "project", targetId: project.id, parameters: { data: { status: "done" } } });
    const seen: ActionView["status"][] = [];
    await new Promise<void>((resolve, reject) => {
      agent.action.watch.subscribe(
        { actionId: action.id },
        {
          onData: ({ data }) => {
            seen.push(data.status);
            if (data.status === "pending") void api.client(tenant.keys.approver).action.approve.mutate({ actionId: action.id }).catch(reject);
          },
          onError: reject,
          onComplete: resolve,
        },
      );
    });
    expect(seen[0]).toBe("pending");
    expect(seen.at(-1)).toBe("executed");
  });

  it("announces every attempt: each claim, each retry and the end, executed or failed", async () => {
    const agent = api.client(tenant.keys.agent);
    const [retried, failed] = await Promise.all([
      agent.action.proposeAndWait.mutate({ ...notify("fail-1@example.com"), waitSeconds: 20 }),
      agent.action.proposeAndWait.mutate({ ...notify("fail-always@example.com"), waitSeconds: 20 }),
    ]);
    expect(retried).toMatchObject({ done: true, action: { status: "executed", attempts: 2 } });
    expect(failed).toMatchObject({ done: true, action: { status: "failed", attempts: 2 } });
    // Claimed, retried, claimed, executed; claimed, retried, claimed, failed.
    await waitFor(() => Promise.resolve(announcementsOf(retried.action.id).length >= 4 && announcementsOf(failed.action.id).length >= 4), { what: "every attempt announced" });
    const attempts = ["started", "changed", "started", "changed"];
    expect([announcementsOf(retried.action.id), announcementsOf(failed.action.id)]).toEqual([attempts, attempts]);
  });
});
