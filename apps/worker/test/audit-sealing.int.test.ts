import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { getAction, proposeAction, setPreference, verifyAuditChain } from "@leash/core";
import {
  createTestEnvironment,
  createTestTenant,
  waitFor,
  type TestEnvironment,
  type TestTenant,
} from "@leash/core/testing";

import type { WorkerRuntime } from "../src/worker-runtime.ts";
import { startTestWorker } from "./support.ts";

let environment: TestEnvironment;
let tenant: TestTenant;
let workers: WorkerRuntime[];

beforeAll(async () => {
  environment = await createTestEnvironment();
  tenant = await createTestTenant(environment.db);
  // Two workers: both run the sealer, and one pass at a time must still give one unbroken chain.
  workers = await Promise.all([startTestWorker(environment), startTestWorker(environment)]);
});

afterAll(async () => {
  await Promise.all(workers.map((worker) => worker.close()));
  await environment.close();
});

describe("the worker seals the audit trail", () => {
  it("links every event of executed actions into the tenant's hash chain shortly after they happen", async () => {
    await setPreference(environment.deps, {
      actor: tenant.admin,
      input: { actionType: "notify", autoApprove: true },
    });
    const proposals = await Promise.all(
      Array.from({ length: 20 }, (_, index) =>
        proposeAction(environment.deps, {
          actor: tenant.agent,
          input: {
            actionType: "notify",
            parameters: { channel: "email", recipient: "dana@example.com", message: `deploy ${index}` },
          },
        }),
      ),
    );
    for (const { action } of proposals) {
      await waitFor(
        async () =>
          (await getAction(environment.deps, { actor: tenant.viewer, input: { actionId: action.id } }))
            .status === "executed",
        {
          what: `action #${action.id} executed`,
        },
      );
    }
    const events = await environment.db.actionEvent.count({ where: { tenantId: tenant.id } });
    const result = await waitFor(
      async () => {
        const verification = await verifyAuditChain(environment.deps, { tenantId: tenant.id });
        return verification.unsealed === 0 && verification.checked === events ? verification : undefined;
      },
      { what: "every event sealed" },
    );
    expect(result.broken).toBeNull();
  });
});
