import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { join } from "node:path";

import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { defaultMigrationsDir, migrate } from "../src/migrate.ts";
import { createEmptyDatabase } from "../src/testing/index.ts";

// The WASM build of Prisma's schema parser: it reads schema.prisma offline, with no native engine.
const require = createRequire(import.meta.url);
const schemaWasm = require("@prisma/prisma-schema-wasm") as { get_dmmf: (params: string) => string };

interface DmmfField {
  name: string;
  kind: "scalar" | "enum" | "object";
  dbName?: string | null;
  isRequired: boolean;
  isList: boolean;
  type: string;
  nativeType: [string, string[]] | null;
}
interface DmmfModel {
  name: string;
  dbName: string | null;
  fields: DmmfField[];
}
interface DmmfIndex {
  model: string;
  type: "id" | "unique" | "normal" | "fulltext";
  dbName?: string | null;
  fields: { name: string }[];
}
interface Dmmf {
  datamodel: { models: DmmfModel[]; enums: { name: string; values: { name: string }[] }[]; indexes: DmmfIndex[] };
}

const schemaPath = join(defaultMigrationsDir, "..", "schema.prisma");

/**
 * The predicates of the schema's partial indexes (`where: raw("...")`, written as Postgres prints
 * them back), by model, fields and map name: Prisma's DMMF leaves them out.
 */
function partialIndexPredicates(schema: string): Map<string, string> {
  const predicates = new Map<string, string>();
  for (const [, model, body] of schema.matchAll(/^model (\w+) \{\n([\s\S]*?)^\}/gm)) {
    for (const [, fields, rest] of (body ?? "").matchAll(/@@(?:index|unique)\(\[([^\]]*)\](.*)\)$/gm)) {
      const where = /where: raw\(("(?:[^"\\]|\\.)*")\)/.exec(rest ?? "")?.[1];
      if (where === undefined) continue;
      const map = /map: "([^"]+)"/.exec(rest ?? "")?.[1] ?? "";
      predicates.set(`${model} [${fields}] ${map}`, JSON.parse(where) as string);
    }
  }
  return predicates;
}

function expectedColumnType(field: DmmfField): string {
  if (field.kind === "enum") return field.type;
  const native = field.nativeType?.[0];
  switch (field.type) {
    case "String":
      return native === "Uuid" ? "uuid" : "text";
    case "Int":
      return "integer";
    case "BigInt":
      return "bigint";
    case "Boolean":
      return "boolean";
    case "DateTime":
      return native === "Timestamptz" ? "timestamp with time zone" : "timestamp without time zone";
    case "Json":
      return native === "Json" ? "json" : "jsonb";
    default:
      throw new Error(`No mapping for Prisma type ${field.type}`);
  }
}

/** A column's type as information_schema tells it; an array's element type comes from its udt name (`_text` is text[]). */
function columnType(row: { data_type: string; udt_name: string }): string {
  if (row.data_type === "USER-DEFINED") return row.udt_name;
  if (row.data_type === "ARRAY") return `${row.udt_name === "_text" ? "text" : row.udt_name}[]`;
  return row.data_type;
}

describe("migrations agree with schema.prisma", () => {
  let database: { url: string; drop: () => Promise<void> };
  let client: pg.Client;
  let dmmf: Dmmf;
  let predicates: Map<string, string>;

  beforeAll(async () => {
    database = await createEmptyDatabase();
    const first = await migrate({ connectionString: database.url });
    expect(first.applied.length).toBeGreaterThan(0);
    client = new pg.Client({ connectionString: database.url });
    await client.connect();
    const schema = await readFile(schemaPath, "utf8");
    dmmf = JSON.parse(schemaWasm.get_dmmf(JSON.stringify({ prismaSchema: [["schema.prisma", schema]] }))) as Dmmf;
    predicates = partialIndexPredicates(schema);
  });

  afterAll(async () => {
    await client.end();
    await database.drop();
  });

  const tableOf = (model: DmmfModel) => model.dbName ?? model.name;
  const columnOf = (model: DmmfModel, fieldName: string) => {
    const field = model.fields.find((candidate) => candidate.name === fieldName);
    if (!field) throw new Error(`${model.name}.${fieldName} not found`);
    return field.dbName ?? field.name;
  };

  it("records every migration in _prisma_migrations as Prisma does, and a second run applies nothing", async () => {
    const again = await migrate({ connectionString: database.url });
    expect(again.applied).toEqual([]);
    const { rows } = await client.query<{ migration_name: string; checksum: string; finished_at: Date | null; applied_steps_count: number }>(
      `SELECT migration_name, checksum, finished_at, applied_steps_count FROM "_prisma_migrations" ORDER BY migration_name`,
    );
    expect(rows.map((row) => row.migration_name)).toEqual(again.alreadyApplied);
    for (const row of rows) {
      const sql = await readFile(join(defaultMigrationsDir, row.migration_name, "migration.sql"));
      expect(row.checksum).toBe(createHash("sha256").update(sql).digest("hex"));
      expect(row.finished_at).not.toBeNull();
      expect(row.applied_steps_count).toBe(1);
    }
  });

  it("has exactly the schema's tables", async () => {
    const { rows } = await client.query<{ table_name: string }>(
      `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_name <> '_prisma_migrations'`,
    );
    expect(rows.map((row) => row.table_name).sort()).toEqual(dmmf.datamodel.models.map(tableOf).sort());
  });

  it("has exactly the schema's columns, with the same types and nullability", async () => {
    const { rows } = await client.query<{ table_name: string; column_name: string; data_type: string; udt_name: string; is_nullable: string }>(
      `SELECT table_name, column_name, data_type, udt_name, is_nullable FROM information_schema.columns
       WHERE table_schema = 'public' AND table_name <> '_prisma_migrations'`,
    );
    const actual = rows
      .map((row) => `${row.table_name}.${row.column_name} ${columnType(row)} ${row.is_nullable === "YES" ? "null" : "not null"}`)
      .sort();
    const expected = dmmf.datamodel.models
      .flatMap((model) =>
        model.fields
          .filter((field) => field.kind !== "object")
          // Prisma creates scalar lists (`String[]`) as nullable arrays (`TEXT[]`), required or not.
          .map((field) => `${tableOf(model)}.${field.dbName ?? field.name} ${expectedColumnType(field)}${field.isList ? "[]" : ""} ${field.isRequired && !field.isList ? "not null" : "null"}`),
      )
      .sort();
    expect(actual).toEqual(expected);
  });

  it("has exactly the schema's enums and values", async () => {
    const { rows } = await client.query<{ typname: string; labels: string[] }>(
      `SELECT t.typname, array_agg(e.enumlabel::text ORDER BY e.enumsortorder) AS labels
       FROM pg_type t JOIN pg_enum e ON e.enumtypid = t.oid GROUP BY t.typname`,
    );
    const actual = Object.fromEntries(rows.map((row) => [row.typname, row.labels]));
    const expected = Object.fromEntries(dmmf.datamodel.enums.map((value) => [value.name, value.values.map((v) => v.name)]));
    expect(actual).toEqual(expected);
  });

  it("has exactly the schema's indexes (primary, unique, plain and partial)", async () => {
    const { rows } = await client.query<{ table_name: string; columns: string[]; is_unique: boolean; is_primary: boolean; predicate: string | null }>(
      `SELECT t.relname AS table_name, ix.indisunique AS is_unique, ix.indisprimary AS is_primary,
              pg_get_expr(ix.indpred, ix.indrelid) AS predicate,
              array_agg(a.attname::text ORDER BY k.ordinality) AS columns
       FROM pg_index ix
       JOIN pg_class t ON t.oid = ix.indrelid
       JOIN pg_namespace n ON n.oid = t.relnamespace
       JOIN LATERAL unnest(ix.indkey) WITH ORDINALITY AS k(attnum, ordinality) ON true
       JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum
       WHERE n.nspname = 'public' AND t.relname <> '_prisma_migrations'
       GROUP BY t.relname, ix.indexrelid, ix.indisunique, ix.indisprimary, ix.indpred, ix.indrelid`,
    );
    const kind = (row: { is_unique: boolean; is_primary: boolean }) => (row.is_primary ? "id" : row.is_unique ? "unique" : "normal");
    const where = (predicate: string | null | undefined) => (predicate ? ` WHERE ${predicate}` : "");
    const actual = rows.map((row) => `${row.table_name} ${kind(row)} (${row.columns.join(", ")})${where(row.predicate)}`).sort();
    const expected = dmmf.datamodel.indexes
      .map((index) => {
        const model = dmmf.datamodel.models.find((candidate) => candidate.name === index.model);
        if (!model) throw new Error(`index on unknown model ${index.model}`);
        const predicate = predicates.get(`${model.name} [${index.fields.map((field) => field.name).join(", ")}] ${index.dbName ?? ""}`);
        return `${tableOf(model)} ${index.type} (${index.fields.map((field) => columnOf(model, field.name)).join(", ")})${where(predicate)}`;
      })
      .sort();
    expect(actual).toEqual(expected);
  });
});
