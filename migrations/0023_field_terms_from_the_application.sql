-- An incident written together with its field terms (the application tokenizes with featureTokens, the same tokens
-- as incident_field_tokens: test/integration/retrieval/hybrid-search.test.ts) is not tokenized again in SQL; every
-- other insert (alerts, imports, seeds) still gets its terms from the trigger, whose OFFSET 0 keeps the filter below
-- the tokenizer, so that incidents already holding terms are never tokenized.
-- The BM25F pool filters on when an incident started (a search never sees its own future). Kept beside the terms, the
-- filter no longer looks up every pooled incident's row in incidents (at 100,000 incidents about half the statement).
ALTER TABLE "incident_field_terms" ADD COLUMN "started_at" timestamp with time zone;
--> statement-breakpoint
-- The terms do not change: the statistics trigger has nothing to count while the column is filled.
ALTER TABLE incident_field_terms DISABLE TRIGGER incident_field_terms_stats_update;
--> statement-breakpoint
UPDATE incident_field_terms f SET started_at = i.started_at FROM incidents i WHERE i.id = f.incident_id;
--> statement-breakpoint
ALTER TABLE incident_field_terms ENABLE TRIGGER incident_field_terms_stats_update;
--> statement-breakpoint
ALTER TABLE "incident_field_terms" ALTER COLUMN "started_at" SET NOT NULL;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION incident_field_terms_on_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO incident_field_terms (incident_id, terms, title_tf, description_tf, resolution_tf, title_length, description_length,
                                    resolution_length, started_at)
    SELECT i.id, d.*, i.started_at
    FROM (SELECT r.id, r.title, r.summary, r.resolution, r.started_at FROM inserted_rows r
          WHERE NOT EXISTS (SELECT 1 FROM incident_field_terms f WHERE f.incident_id = r.id) OFFSET 0) i,
         incident_field_document(i.title, i.summary, i.resolution) d
    ORDER BY i.id;
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION incident_field_terms_on_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  -- A new start time alone is written without tokenizing again.
  UPDATE incident_field_terms f SET started_at = n.started_at
    FROM new_rows n JOIN old_rows o USING (id)
    WHERE f.incident_id = n.id AND n.started_at IS DISTINCT FROM o.started_at
      AND (n.title, n.summary, n.resolution) IS NOT DISTINCT FROM (o.title, o.summary, o.resolution);
  IF NOT EXISTS (
    SELECT 1 FROM new_rows n JOIN old_rows o USING (id)
    WHERE (n.title, n.summary, n.resolution) IS DISTINCT FROM (o.title, o.summary, o.resolution)
  ) THEN
    RETURN NULL;
  END IF;
  INSERT INTO incident_field_terms AS f (incident_id, terms, title_tf, description_tf, resolution_tf, title_length, description_length,
                                         resolution_length, started_at)
    SELECT n.id, d.*, n.started_at FROM new_rows n JOIN old_rows o USING (id), incident_field_document(n.title, n.summary, n.resolution) d
    WHERE (n.title, n.summary, n.resolution) IS DISTINCT FROM (o.title, o.summary, o.resolution)
    ORDER BY n.id
  ON CONFLICT (incident_id) DO UPDATE SET
    terms = excluded.terms, title_tf = excluded.title_tf, description_tf = excluded.description_tf, resolution_tf = excluded.resolution_tf,
    title_length = excluded.title_length, description_length = excluded.description_length, resolution_length = excluded.resolution_length,
    started_at = excluded.started_at;
  RETURN NULL;
END
$$;
