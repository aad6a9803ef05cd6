-- The append-only trigger allows the sealer's one update of an event when nothing but the chain
-- columns changes. It compared two jsonb copies of the whole row; comparing the row itself, with
-- the chain columns taken from the new version, says the same (every column, including any added
-- later) at a seventh of the cost: sealing 20,000 events went from 381 to 206 ms, against 177 ms
-- with no trigger at all.
CREATE OR REPLACE FUNCTION "action_event_append_only"() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  sealed "action_event";
BEGIN
  IF TG_OP = 'DELETE' THEN
    IF EXISTS (SELECT 1 FROM "tenant" WHERE "id" = OLD."tenant_id") THEN
      RAISE EXCEPTION 'action_event is append-only: event % cannot be deleted', OLD."id"
        USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    RETURN OLD;
  END IF;
  sealed := OLD;
  sealed."chain_seq" := NEW."chain_seq";
  sealed."prev_hash" := NEW."prev_hash";
  sealed."hash" := NEW."hash";
  IF OLD."chain_seq" IS NULL AND OLD."prev_hash" IS NULL AND OLD."hash" IS NULL
     AND NEW."chain_seq" IS NOT NULL AND NEW."prev_hash" IS NOT NULL AND NEW."hash" IS NOT NULL
     AND NEW IS NOT DISTINCT FROM sealed THEN
    RETURN NEW;
  END IF;
  RAISE EXCEPTION 'action_event is append-only: event % cannot be updated', OLD."id"
    USING ERRCODE = 'integrity_constraint_violation';
END;
$$;
