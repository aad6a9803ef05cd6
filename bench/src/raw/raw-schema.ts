import type pg from "pg";

/** Tables of the bare-library baseline: what a hand-written pipeline without the framework would keep. */
export async function createRawSchema(client: pg.ClientBase, targetCount: number): Promise<void> {
  await client.query(`
    CREATE TABLE raw_target (id serial PRIMARY KEY, data jsonb NOT NULL, version int NOT NULL DEFAULT 1, updated_at timestamptz(3) NOT NULL DEFAULT now());
    CREATE TABLE raw_action (
      id serial PRIMARY KEY, target_id int NOT NULL, parameters jsonb NOT NULL, status text NOT NULL,
      created_at timestamptz(3) NOT NULL, executed_at timestamptz(3), rollback_data jsonb, result jsonb);
    CREATE INDEX raw_action_status_id_idx ON raw_action (status, id);
    CREATE TABLE raw_audit (id bigserial PRIMARY KEY, action_id int NOT NULL, type text NOT NULL, details jsonb NOT NULL, created_at timestamptz(3) NOT NULL DEFAULT now());
    CREATE INDEX raw_audit_action_id_idx ON raw_audit (action_id);`);
  await client.query(`INSERT INTO raw_target (data) SELECT jsonb_build_object('title', 'Raw item ' || n) FROM generate_series(1, $1) AS n`, [targetCount]);
}

export const RAW_QUEUE_NAME = "raw-actions";
export const RAW_QUEUE_PREFIX = "{leash-bench-raw}";
export const rawJobId = (actionId: number) => `raw-${actionId}`;
