import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { mergeIntoLiveItem } from "../src/action-types/item-store.ts";
import { getItem, listItems } from "../src/index.ts";
import { createTestEnvironment, createTestItem, createTestTenant, type TestEnvironment, type TestTenant } from "../src/testing/index.ts";

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

describe("listItems", () => {
  it("lists one tenant's live items newest first, by kind and title, one page at a time", async () => {
    const relaunch = await createTestItem(environment.db, acme.id, { kind: "project", title: "Website relaunch" });
    const portal = await createTestItem(environment.db, acme.id, { kind: "project", title: "Customer portal" });
    const gone = await createTestItem(environment.db, acme.id, { kind: "project", title: "Old website" });
    await environment.db.item.update({ where: { id: gone.id }, data: { deletedAt: new Date() } });
    await createTestItem(environment.db, acme.id, { kind: "person", title: "Grace Hopper" });
    await createTestItem(environment.db, globex.id, { kind: "project", title: "Globex website" });

    const projects = await listItems(environment.deps, { actor: acme.viewer, input: { kind: "project" } });
    expect(projects.items.map((item) => item.title)).toEqual(["Customer portal", "Website relaunch"]);

    const websites = await listItems(environment.deps, { actor: acme.viewer, input: { search: "WEBSITE", includeDeleted: true } });
    expect(websites.items.map((item) => [item.title, item.deletedAt !== null])).toEqual([
      ["Old website", true],
      ["Website relaunch", false],
    ]);

    const search = async (text: string) => (await listItems(environment.deps, { actor: globex.viewer, input: { search: text } })).items.map((item) => item.title);
    await createTestItem(environment.db, globex.id, { kind: "idea", title: "Cut costs by 50%" });
    await createTestItem(environment.db, globex.id, { kind: "idea", title: "rate_limit tuning" });
    // What a person types is looked for as it is: % and _ are no wildcards.
    expect(await search("50%")).toEqual(["Cut costs by 50%"]);
    expect(await search("%")).toEqual(["Cut costs by 50%"]);
    expect(await search("e_l")).toEqual(["rate_limit tuning"]);
    expect(await search("o_e")).toEqual([]);

    const first = await listItems(environment.deps, { actor: acme.viewer, input: { kind: "project", limit: 1 } });
    expect(first.items.map((item) => item.id)).toEqual([portal.id]);
    const second = await listItems(environment.deps, { actor: acme.viewer, input: { kind: "project", limit: 1, cursor: first.nextCursor ?? 0 } });
    expect(second.items.map((item) => item.id)).toEqual([relaunch.id]);
    expect(second.nextCursor).toBeNull();
  });

  it("refuses unknown kinds", async () => {
    await expect(listItems(environment.deps, { actor: acme.viewer, input: { kind: "planet" as "person" } })).rejects.toMatchObject({ code: "INVALID" });
  });
});

describe("getItem", () => {
  it("returns the item, its links both ways and the actions that touched it, newest first", async () => {
    const project = await createTestItem(environment.db, acme.id, { kind: "project", title: "Launch", data: { status: "active" } });
    const person = await createTestItem(environment.db, acme.id, { kind: "person", title: "Ada Lovelace" });
    await environment.db.link.create({ data: { tenantId: acme.id, fromId: person.id, toId: project.id, relation: "works_on" } });
    const base = { tenantId: acme.id, proposerLabel: "agent", status: "executed" as const };
    const update = await environment.db.agentAction.create({
      data: { ...base, actionType: "update", targetType: "project", targetId: project.id, parameters: { data: { status: "done" } } },
    });
    const link = await environment.db.agentAction.create({
      data: { ...base, actionType: "link", targetType: "person", targetId: person.id, parameters: { toType: "project", toId: project.id, relation: "works_on" } },
    });
    await environment.db.agentAction.create({
      data: { ...base, actionType: "notify", parameters: { channel: "email", recipient: "x@y.z", message: "unrelated" } },
    });

    const detail = await getItem(environment.deps, { actor: acme.viewer, input: { itemId: project.id } });
    expect(detail.item).toMatchObject({ id: project.id, kind: "project", title: "Launch", data: { status: "active" }, deletedAt: null });
    expect(detail.links).toEqual([
      expect.objectContaining({ relation: "works_on", direction: "incoming", other: { id: person.id, kind: "person", title: "Ada Lovelace", deleted: false } }),
    ]);
    expect(detail.actions.map((action) => action.id)).toEqual([link.id, update.id]);

    const personDetail = await getItem(environment.deps, { actor: acme.viewer, input: { itemId: person.id } });
    expect(personDetail.links[0]).toMatchObject({ direction: "outgoing", other: { id: project.id, title: "Launch" } });
    expect(personDetail.actions.map((action) => action.id)).toEqual([link.id]);
  });

  it("answers another tenant's item as not found", async () => {
    const secret = await createTestItem(environment.db, globex.id, { kind: "idea", title: "Secret plan" });
    await expect(getItem(environment.deps, { actor: acme.admin, input: { itemId: secret.id } })).rejects.toMatchObject({ code: "NOT_FOUND" });
  });
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
