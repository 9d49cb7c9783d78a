-- Embeddings stored before embedding_model existed came from the v1 local embedder.
UPDATE incidents SET embedding_model = 'local-hashing' WHERE embedding IS NOT NULL;
--> statement-breakpoint
INSERT INTO incident_search_totals (id, documents, lexemes)
  SELECT 1, count(*), coalesce(sum(length(search_vector)), 0) FROM incidents;
--> statement-breakpoint
INSERT INTO incident_search_terms (term, documents)
  SELECT term, count(*) FROM incidents, unnest(tsvector_to_array(search_vector)) AS term GROUP BY term;
--> statement-breakpoint
-- Document frequencies follow every write to incidents. Statement-level with transition
-- tables: one upsert per statement; terms are locked in sorted order so writers cannot deadlock.
CREATE OR REPLACE FUNCTION incident_search_stats_on_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM inserted_rows) THEN RETURN NULL; END IF;
  INSERT INTO incident_search_terms AS s (term, documents)
    SELECT term, count(*) FROM inserted_rows, unnest(tsvector_to_array(inserted_rows.search_vector)) AS term
    GROUP BY term ORDER BY term
  ON CONFLICT (term) DO UPDATE SET documents = s.documents + excluded.documents;
  UPDATE incident_search_totals
    SET documents = documents + (SELECT count(*) FROM inserted_rows),
        lexemes = lexemes + (SELECT coalesce(sum(length(search_vector)), 0) FROM inserted_rows)
    WHERE id = 1;
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION incident_search_stats_on_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  -- Most updates (status, Slack ts, embedding) leave the text alone: nothing to count.
  IF NOT EXISTS (SELECT 1 FROM new_rows n JOIN old_rows o USING (id) WHERE n.search_vector IS DISTINCT FROM o.search_vector) THEN
    RETURN NULL;
  END IF;
  INSERT INTO incident_search_terms AS s (term, documents)
    SELECT term, sum(delta) FROM (
      SELECT unnest(tsvector_to_array(n.search_vector)) AS term, 1 AS delta
        FROM new_rows n JOIN old_rows o USING (id) WHERE n.search_vector IS DISTINCT FROM o.search_vector
      UNION ALL
      SELECT unnest(tsvector_to_array(o.search_vector)), -1
        FROM new_rows n JOIN old_rows o USING (id) WHERE n.search_vector IS DISTINCT FROM o.search_vector
    ) changes
    GROUP BY term HAVING sum(delta) <> 0 ORDER BY term
  ON CONFLICT (term) DO UPDATE SET documents = s.documents + excluded.documents;
  UPDATE incident_search_totals
    SET lexemes = lexemes + (SELECT coalesce(sum(length(search_vector)), 0) FROM new_rows) - (SELECT coalesce(sum(length(search_vector)), 0) FROM old_rows)
    WHERE id = 1;
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION incident_search_stats_on_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM old_rows) THEN RETURN NULL; END IF;
  UPDATE incident_search_terms AS s SET documents = s.documents - d.n
    FROM (SELECT term, count(*) AS n FROM old_rows, unnest(tsvector_to_array(old_rows.search_vector)) AS term GROUP BY term ORDER BY term) d
    WHERE s.term = d.term;
  UPDATE incident_search_totals
    SET documents = documents - (SELECT count(*) FROM old_rows),
        lexemes = lexemes - (SELECT coalesce(sum(length(search_vector)), 0) FROM old_rows)
    WHERE id = 1;
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER incidents_search_stats_insert AFTER INSERT ON incidents
  REFERENCING NEW TABLE AS inserted_rows FOR EACH STATEMENT EXECUTE FUNCTION incident_search_stats_on_insert();
--> statement-breakpoint
CREATE TRIGGER incidents_search_stats_update AFTER UPDATE ON incidents
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION incident_search_stats_on_update();
--> statement-breakpoint
CREATE TRIGGER incidents_search_stats_delete AFTER DELETE ON incidents
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION incident_search_stats_on_delete();
