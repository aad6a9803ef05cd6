import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { transactionWithSql, type DbTransaction } from "@leash/db";

import { findLiveItem, insertItem, linkLiveItems, updateItemIfUnchanged } from "../src/action-types/item-store.ts";
import { notifyAction } from "../src/action-types/notify.ts";
import type { JsonObject } from "../src/actions/json.ts";
import { createTestEnvironment, createTestItem, createTestTenant, type TestEnvironment, type TestTenant } from "../src/testing/index.ts";

/*
 * The execution path's item and notification statements are SQL; each is compared here with what
 * Prisma's model API reads or writes for the same input, row for row.
 */

let environment: TestEnvironment;
let tenant: TestTenant;

beforeAll(async () => {
  environment = await createTestEnvironment();
  tenant = await createTestTenant(environment.db);
});

afterAll(async () => {
  await environment.close();
});

type Row = Record<string, unknown>;

// Identity and clocks differ between two twin rows whoever wrote them.
const varying = new Set(["id", "created_at", "updated_at", "delivered_at", "from_id", "to_id", "action_id"]);
const comparable = (row: Row | undefined) => Object.fromEntries(Object.entries(row ?? {}).filter(([column]) => !varying.has(column)));
const itemRow = async (id: number) => (await environment.db.$queryRaw<Row[]>`SELECT * FROM item WHERE id = ${id}`)[0];
// As the worker runs them: SQL on the transaction's own connection (the model API's side uses the same transaction).
const inTransaction = <T>(run: (tx: DbTransaction) => Promise<T>) => transactionWithSql(environment.db, run);
const twins = () =>
  Promise.all(["raw", "model"].map((side) => createTestItem(environment.db, tenant.id, { kind: "project", title: `Twin ${side}`, data: { status: "new", owner: "Ada" } })));

describe("findLiveItem", () => {
  it("answers the item the model API finds, field for field and type for type", async () => {
    const item = await createTestItem(environment.db, tenant.id, { kind: "person", title: "Grace", data: { role: "admiral" } });
    const found = await inTransaction((tx) => findLiveItem(tx, tenant.id, "person", item.id));
    expect(found).toEqual(await environment.db.item.findFirst({ where: { id: item.id, tenantId: tenant.id } }));
    expect(found.createdAt).toBeInstanceOf(Date);
  });

  it("refuses another tenant's item, another kind and a deleted item as before", async () => {
    const other = await createTestTenant(environment.db);
    const theirs = await createTestItem(environment.db, other.id, { kind: "idea", title: "Theirs" });
    const gone = await createTestItem(environment.db, tenant.id, { kind: "idea", title: "Gone" });
    await environment.db.item.update({ where: { id: gone.id }, data: { deletedAt: new Date() } });
    await expect(inTransaction((tx) => findLiveItem(tx, tenant.id, "idea", theirs.id))).rejects.toThrow(`No idea #${theirs.id}`);
    await expect(inTransaction((tx) => findLiveItem(tx, tenant.id, "person", gone.id))).rejects.toThrow(`No person #${gone.id}`);
    await expect(inTransaction((tx) => findLiveItem(tx, tenant.id, null, gone.id))).rejects.toThrow(`idea #${gone.id} "Gone" has been deleted`);
  });
});

describe("insertItem", () => {
  it("writes the row the model API's create writes", async () => {
    const data = { status: "planned", budget: 12, tags: ["a", "b"], nested: { deep: null } };
    const raw = await inTransaction((tx) => insertItem(tx, { tenantId: tenant.id, kind: "project", title: "Created", data }));
    const model = await environment.db.item.create({ data: { tenantId: tenant.id, kind: "project", title: "Created", data } });
    expect(raw).toEqual({ ...model, id: raw.id, createdAt: raw.createdAt, updatedAt: raw.updatedAt });
    expect(comparable(await itemRow(raw.id))).toEqual(comparable(await itemRow(model.id)));
  });
});

describe("updateItemIfUnchanged", () => {
  const changes: { title?: string; data?: JsonObject; deletedAt?: Date | null }[] = [
    { title: "Renamed" },
    { data: { status: "done" } },
    { deletedAt: new Date("2026-12-05T06:00:00.123Z") },
    { title: "Both", data: {}, deletedAt: null },
  ];
  for (const change of changes) {
    it(`writes what the model API's conditional update writes for ${Object.keys(change).join(", ")}`, async () => {
      const [raw, model] = await twins();
      if (!raw || !model) throw new Error("twins missing");
      const version = await inTransaction((tx) => updateItemIfUnchanged(tx, raw, change));
      const { count } = await environment.db.item.updateMany({ where: { id: model.id, version: model.version }, data: { ...change, version: model.version + 1 } });
      expect([version, count]).toEqual([raw.version + 1, 1]);
      expect(comparable(await itemRow(raw.id))).toEqual({ ...comparable(await itemRow(model.id)), title: change.title ?? "Twin raw" });
    });
  }

  it("refuses, retryable, an item whose version moved on, and writes nothing", async () => {
    const [item] = await twins();
    if (!item) throw new Error("twin missing");
    await environment.db.item.update({ where: { id: item.id }, data: { version: { increment: 1 } } });
    const before = await itemRow(item.id);
    await expect(inTransaction((tx) => updateItemIfUnchanged(tx, item, { title: "Late" }))).rejects.toMatchObject({ code: "CONFLICT", retryable: true });
    expect(await itemRow(item.id)).toEqual(before);
  });
});

describe("linkLiveItems", () => {
  const linkRow = async (id: number) => (await environment.db.$queryRaw<Row[]>`SELECT * FROM link WHERE id = ${id}`)[0];

  it("writes the link the model API writes and answers both items as findLiveItem does", async () => {
    const person = await createTestItem(environment.db, tenant.id, { kind: "person", title: "Ada" });
    const project = await createTestItem(environment.db, tenant.id, { kind: "project", title: "Engine" });
    const raw = await inTransaction((tx) =>
      linkLiveItems(tx, { tenantId: tenant.id, from: { kind: "person", id: person.id }, to: { kind: "project", id: project.id }, relation: "works on" }),
    );
    const model = await environment.db.link.create({ data: { tenantId: tenant.id, fromId: person.id, toId: project.id, relation: "works on (model)" } });
    expect(raw.from).toEqual(person);
    expect(raw.to).toEqual(project);
    expect({ ...(await linkRow(raw.linkId)), relation: "works on (model)" }).toEqual({ ...(await linkRow(model.id)), id: raw.linkId, created_at: (await linkRow(raw.linkId))?.created_at });
  });

  it("refuses a missing or deleted item, a wrong kind and an existing link with findLiveItem's words, and writes nothing", async () => {
    const person = await createTestItem(environment.db, tenant.id, { kind: "person", title: "Alan" });
    const project = await createTestItem(environment.db, tenant.id, { kind: "project", title: "Bombe" });
    const gone = await createTestItem(environment.db, tenant.id, { kind: "project", title: "Gone" });
    await environment.db.item.update({ where: { id: gone.id }, data: { deletedAt: new Date() } });
    await environment.db.link.create({ data: { tenantId: tenant.id, fromId: person.id, toId: project.id, relation: "built" } });
    const before = await environment.db.link.count({ where: { tenantId: tenant.id } });
    // Each refusal is checked in the transaction it ran in: the statement itself wrote nothing.
    const link = (from: { kind: "person" | null; id: number }, to: { kind: "project" | "idea"; id: number }, relation = "works on") =>
      inTransaction(async (tx) => {
        const refusal: unknown = await linkLiveItems(tx, { tenantId: tenant.id, from, to, relation }).catch((error: unknown) => error);
        expect(await tx.link.count({ where: { tenantId: tenant.id } })).toBe(before);
        throw refusal;
      });

    await expect(link({ kind: "person", id: 0 }, { kind: "project", id: project.id })).rejects.toMatchObject({ code: "NOT_FOUND", message: "No person #0" });
    await expect(link({ kind: "person", id: project.id }, { kind: "project", id: project.id })).rejects.toMatchObject({ code: "NOT_FOUND", message: `No person #${project.id}` });
    await expect(link({ kind: "person", id: person.id }, { kind: "idea", id: project.id })).rejects.toMatchObject({ code: "NOT_FOUND", message: `No idea #${project.id}` });
    await expect(link({ kind: null, id: person.id }, { kind: "project", id: gone.id })).rejects.toMatchObject({ code: "CONFLICT", message: `project #${gone.id} "Gone" has been deleted` });
    await expect(link({ kind: "person", id: person.id }, { kind: "project", id: project.id }, "built")).rejects.toMatchObject({ code: "CONFLICT", message: "Alan is already linked (built) to Bombe" });
  });
});

describe("the notify handler's notification row", () => {
  it("is the row the model API's create writes, delivered as before", async () => {
    const notificationRow = async (id: number) => (await environment.db.$queryRaw<Row[]>`SELECT * FROM notification WHERE id = ${id}`)[0];
    const item = await createTestItem(environment.db, tenant.id, { kind: "project", title: "Told about" });
    const parameters = { channel: "in_app" as const, recipient: tenant.inbox, subject: "Hello", message: "A message" };
    const services = { delivery: environment.deps.delivery };
    const ran = await inTransaction((tx) =>
      notifyAction.execute({ tx, tenantId: tenant.id, actionId: 1, attempt: 1, targetType: "project", targetId: item.id, parameters, now: new Date(), services }),
    );
    const model = await inTransaction(async (tx) => {
      const notification = await tx.notification.create({
        data: { tenantId: tenant.id, actionId: 2, itemId: item.id, channel: "in_app", recipient: tenant.inbox, subject: "Hello", message: "A message" },
      });
      return environment.deps.delivery?.deliver(tx, notification);
    });
    const id = (ran.result as { notificationId: number }).notificationId;
    expect(comparable(await notificationRow(id))).toEqual(comparable(await notificationRow(model?.notificationId ?? 0)));
    expect(ran.result).toEqual({ ...model, notificationId: id, deliveredAt: (ran.result as { deliveredAt: string }).deliveredAt });
  });
});
