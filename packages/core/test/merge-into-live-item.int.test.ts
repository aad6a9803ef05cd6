import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { mergeIntoLiveItem } from "../src/actions/items.ts";
import {
  createTestEnvironment,
  createTestItem,
  createTestTenant,
  type TestEnvironment,
  type TestTenant,
} from "../src/testing/index.ts";

let environment: TestEnvironment;
let acme: TestTenant;
let globex: TestTenant;
const now = new Date("2026-11-26T10:00:00.000Z");

beforeAll(async () => {
  environment = await createTestEnvironment();
  acme = await createTestTenant(environment.db, "acme");
  globex = await createTestTenant(environment.db, "globex");
});

afterAll(async () => {
  await environment.close();
});

const stored = (id: number) => environment.db.item.findUniqueOrThrow({ where: { id } });

describe("mergeIntoLiveItem", () => {
  it("merges fields into the data, removes those set to null, keeps the title unless given, and answers the item as it was", async () => {
    const item = await createTestItem(environment.db, acme.id, {
      kind: "project",
      title: "Launch",
      data: { status: "planned", owner: "Ada", budget: 10 },
    });
    const before = await stored(item.id);

    const merged = await environment.db.$transaction((tx) =>
      mergeIntoLiveItem(
        tx,
        { tenantId: acme.id, kind: "project", id: item.id },
        { title: undefined, changes: { status: "active", owner: null, due: "2026-12-01" }, now },
      ),
    );

    expect(merged.before).toEqual(before);
    expect(merged.after).toEqual({
      title: "Launch",
      data: { status: "active", budget: 10, due: "2026-12-01" },
      version: before.version + 1,
    });
    expect(await stored(item.id)).toMatchObject({
      title: "Launch",
      data: { status: "active", budget: 10, due: "2026-12-01" },
      version: before.version + 1,
      updatedAt: now,
    });

    const retitled = await environment.db.$transaction((tx) =>
      mergeIntoLiveItem(
        tx,
        { tenantId: acme.id, kind: null, id: item.id },
        { title: "Launch v2", changes: { status: null, budget: null, due: null }, now },
      ),
    );
    expect(retitled.after).toEqual({ title: "Launch v2", data: {}, version: before.version + 2 });
  });

  it("refuses a missing, deleted, other tenant's or other kind's item and writes nothing", async () => {
    const item = await createTestItem(environment.db, acme.id, {
      kind: "project",
      title: "Portal",
      data: { status: "planned" },
    });
    const gone = await createTestItem(environment.db, acme.id, { kind: "project", title: "Old site" });
    await environment.db.item.update({ where: { id: gone.id }, data: { deletedAt: now } });
    const merge = (target: { tenantId: string; kind: "project" | "person"; id: number }) =>
      environment.db.$transaction((tx) =>
        mergeIntoLiveItem(tx, target, { title: "Changed", changes: { status: "done" }, now }),
      );

    await expect(merge({ tenantId: acme.id, kind: "person", id: item.id })).rejects.toMatchObject({
      code: "NOT_FOUND",
      message: `No person #${item.id}`,
    });
    await expect(merge({ tenantId: globex.id, kind: "project", id: item.id })).rejects.toMatchObject({
      code: "NOT_FOUND",
    });
    await expect(merge({ tenantId: acme.id, kind: "project", id: 2_000_000_000 })).rejects.toMatchObject({
      code: "NOT_FOUND",
    });
    await expect(merge({ tenantId: acme.id, kind: "project", id: gone.id })).rejects.toMatchObject({
      code: "CONFLICT",
      message: `project #${gone.id} "Old site" has been deleted`,
    });

    expect(await stored(item.id)).toMatchObject({ title: "Portal", data: { status: "planned" }, version: 1 });
    expect(await stored(gone.id)).toMatchObject({ title: "Old site", version: 1 });
  });
});
