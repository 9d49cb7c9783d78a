CREATE TABLE "incident_field_term_documents" (
	"term" text PRIMARY KEY NOT NULL,
	"documents" integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE "incident_field_term_totals" (
	"id" smallint PRIMARY KEY DEFAULT 1 NOT NULL,
	"documents" bigint DEFAULT 0 NOT NULL,
	"title_length" bigint DEFAULT 0 NOT NULL,
	"description_length" bigint DEFAULT 0 NOT NULL,
	"resolution_length" bigint DEFAULT 0 NOT NULL,
	CONSTRAINT "incident_field_term_totals_one_row" CHECK ("incident_field_term_totals"."id" = 1)
);
--> statement-breakpoint
CREATE TABLE "incident_field_terms" (
	"incident_id" uuid PRIMARY KEY NOT NULL,
	"terms" text[] NOT NULL,
	"title_tf" smallint[] NOT NULL,
	"description_tf" smallint[] NOT NULL,
	"resolution_tf" smallint[] NOT NULL,
	"title_length" integer NOT NULL,
	"description_length" integer NOT NULL,
	"resolution_length" integer NOT NULL
);
--> statement-breakpoint
ALTER TABLE "incident_field_terms" ADD CONSTRAINT "incident_field_terms_incident_id_incidents_id_fk" FOREIGN KEY ("incident_id") REFERENCES "public"."incidents"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "incident_field_terms_gin" ON "incident_field_terms" USING gin ("terms");--> statement-breakpoint
-- The tokens of featureTokens (src/core/correlation/hashing-embedder.ts), in SQL so that triggers can keep them:
-- UUID-like ids folded, identifiers split on . _ $ - and camelCase and also kept whole (prefixed '='), English
-- stopwords and one-letter tokens dropped, numbers folded, a light suffix stem. test/integration/retrieval/hybrid-search.test.ts
-- checks that both give the same tokens.
CREATE OR REPLACE FUNCTION incident_field_tokens(body text) RETURNS text[] LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  WITH chunks AS (
    SELECT whole, array_remove(regexp_split_to_array(
             regexp_replace(regexp_replace(whole, '([a-z0-9])([A-Z])', '\1 \2', 'g'), '([A-Z])([A-Z][a-z])', '\1 \2', 'g'),
             '[._$ -]+'), '') AS parts
    FROM (
      SELECT regexp_replace(chunk, '^[._$-]+|[._$-]+$', '', 'g') AS whole
      FROM regexp_split_to_table(regexp_replace(coalesce(body, ''), '\y[0-9a-f]{8}-[0-9a-f-]{27,}\y', ' idtoken ', 'gi'), '[^A-Za-z0-9_.$-]+') AS chunk
    ) split
    WHERE whole <> ''
  ),
  words AS (
    SELECT lower(part) AS word FROM chunks, unnest(parts) AS part
  )
  SELECT coalesce(array_agg(token), '{}'::text[]) FROM (
    SELECT CASE
             WHEN word = 'idtoken' THEN '<id>'
             WHEN word ~ '^[0-9]+$' THEN '<num>'
             WHEN length(word) <= 4 OR word ~ '[0-9]' THEN word
             WHEN word LIKE '%ies' AND length(word) >= 6 THEN left(word, -3) || 'y'
             WHEN word LIKE '%sses' AND length(word) >= 7 THEN left(word, -4) || 'ss'
             WHEN word LIKE '%ings' AND length(word) >= 7 THEN left(word, -4)
             WHEN word LIKE '%ing' AND length(word) >= 6 THEN left(word, -3)
             WHEN word LIKE '%edly' AND length(word) >= 7 THEN left(word, -4)
             WHEN word LIKE '%ed' AND length(word) >= 5 THEN left(word, -2)
             WHEN word LIKE '%ers' AND length(word) >= 6 THEN left(word, -3) || 'er'
             WHEN word LIKE '%ations' AND length(word) >= 9 THEN left(word, -6) || 'ate'
             WHEN word LIKE '%ation' AND length(word) >= 8 THEN left(word, -5) || 'ate'
             WHEN word LIKE '%ments' AND length(word) >= 8 THEN left(word, -5) || 'ment'
             WHEN word LIKE '%s' AND length(word) >= 4 THEN left(word, -1)
             ELSE word
           END AS token
    FROM words
    WHERE length(word) >= 2 AND NOT word = ANY ('{a,about,above,after,again,against,all,am,an,and,any,are,aren,as,at,be,because,been,before,being,below,between,both,but,by,can,cannot,could,couldn,did,didn,do,does,doesn,doing,don,down,during,each,few,for,from,further,had,hadn,has,hasn,have,haven,having,he,her,here,hers,herself,him,himself,his,how,if,in,into,is,isn,it,its,itself,just,let,me,more,most,mustn,my,myself,no,nor,not,of,off,on,once,only,or,other,ought,our,ours,ourselves,out,over,own,same,shan,she,should,shouldn,so,some,such,than,that,the,their,theirs,them,themselves,then,there,these,they,this,those,through,to,too,under,until,up,very,was,wasn,we,were,weren,what,when,where,which,while,who,whom,why,will,with,won,would,wouldn,you,your,yours,yourself,yourselves,also,via,per,etc,ie,eg}'::text[])
    UNION ALL
    SELECT '=' || lower(whole) FROM chunks WHERE cardinality(parts) > 1 AND length(whole) <= 80
  ) tokens
$$;
--> statement-breakpoint
-- One incident's BM25F document: distinct terms (sorted), each term's count per field, each field's length in tokens.
CREATE OR REPLACE FUNCTION incident_field_document(title text, description text, resolution text)
  RETURNS TABLE (terms text[], title_tf smallint[], description_tf smallint[], resolution_tf smallint[],
                 title_length integer, description_length integer, resolution_length integer)
  LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  WITH tokens AS (
    SELECT token, 1 AS field FROM unnest(incident_field_tokens(title)) AS token
    UNION ALL SELECT token, 2 FROM unnest(incident_field_tokens(left(description, 20000))) AS token
    UNION ALL SELECT token, 3 FROM unnest(incident_field_tokens(resolution)) AS token
  ),
  counted AS (
    SELECT token, least(count(*) FILTER (WHERE field = 1), 32767)::smallint AS t, least(count(*) FILTER (WHERE field = 2), 32767)::smallint AS d,
           least(count(*) FILTER (WHERE field = 3), 32767)::smallint AS r
    FROM tokens GROUP BY token
  )
  SELECT coalesce(array_agg(token ORDER BY token), '{}'), coalesce(array_agg(t ORDER BY token), '{}'),
         coalesce(array_agg(d ORDER BY token), '{}'), coalesce(array_agg(r ORDER BY token), '{}'),
         (SELECT count(*) FROM tokens WHERE field = 1)::integer, (SELECT count(*) FROM tokens WHERE field = 2)::integer,
         (SELECT count(*) FROM tokens WHERE field = 3)::integer
  FROM counted
$$;
--> statement-breakpoint
INSERT INTO incident_field_term_totals (id) VALUES (1);
--> statement-breakpoint
-- Document frequencies and field lengths follow every write to incident_field_terms, one upsert per statement
-- (transition tables), terms locked in sorted order so that writers cannot deadlock (as migration 0006 does).
CREATE OR REPLACE FUNCTION incident_field_stats_on_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM inserted_rows) THEN RETURN NULL; END IF;
  INSERT INTO incident_field_term_documents AS s (term, documents)
    SELECT term, count(*) FROM inserted_rows, unnest(inserted_rows.terms) AS term GROUP BY term ORDER BY term
  ON CONFLICT (term) DO UPDATE SET documents = s.documents + excluded.documents;
  UPDATE incident_field_term_totals SET
      documents = documents + (SELECT count(*) FROM inserted_rows),
      title_length = title_length + (SELECT coalesce(sum(title_length), 0) FROM inserted_rows),
      description_length = description_length + (SELECT coalesce(sum(description_length), 0) FROM inserted_rows),
      resolution_length = resolution_length + (SELECT coalesce(sum(resolution_length), 0) FROM inserted_rows)
    WHERE id = 1;
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION incident_field_stats_on_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM new_rows) THEN RETURN NULL; END IF;
  INSERT INTO incident_field_term_documents AS s (term, documents)
    SELECT term, sum(delta) FROM (
      SELECT unnest(n.terms) AS term, 1 AS delta FROM new_rows n
      UNION ALL
      SELECT unnest(o.terms), -1 FROM old_rows o
    ) changes
    GROUP BY term HAVING sum(delta) <> 0 ORDER BY term
  ON CONFLICT (term) DO UPDATE SET documents = s.documents + excluded.documents;
  UPDATE incident_field_term_totals SET
      title_length = title_length + (SELECT coalesce(sum(title_length), 0) FROM new_rows) - (SELECT coalesce(sum(title_length), 0) FROM old_rows),
      description_length = description_length + (SELECT coalesce(sum(description_length), 0) FROM new_rows)
        - (SELECT coalesce(sum(description_length), 0) FROM old_rows),
      resolution_length = resolution_length + (SELECT coalesce(sum(resolution_length), 0) FROM new_rows)
        - (SELECT coalesce(sum(resolution_length), 0) FROM old_rows)
    WHERE id = 1;
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION incident_field_stats_on_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM old_rows) THEN RETURN NULL; END IF;
  UPDATE incident_field_term_documents AS s SET documents = s.documents - d.n
    FROM (SELECT term, count(*) AS n FROM old_rows, unnest(old_rows.terms) AS term GROUP BY term ORDER BY term) d
    WHERE s.term = d.term;
  UPDATE incident_field_term_totals SET
      documents = documents - (SELECT count(*) FROM old_rows),
      title_length = title_length - (SELECT coalesce(sum(title_length), 0) FROM old_rows),
      description_length = description_length - (SELECT coalesce(sum(description_length), 0) FROM old_rows),
      resolution_length = resolution_length - (SELECT coalesce(sum(resolution_length), 0) FROM old_rows)
    WHERE id = 1;
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER incident_field_terms_stats_insert AFTER INSERT ON incident_field_terms
  REFERENCING NEW TABLE AS inserted_rows FOR EACH STATEMENT EXECUTE FUNCTION incident_field_stats_on_insert();
--> statement-breakpoint
CREATE TRIGGER incident_field_terms_stats_update AFTER UPDATE ON incident_field_terms
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION incident_field_stats_on_update();
--> statement-breakpoint
CREATE TRIGGER incident_field_terms_stats_delete AFTER DELETE ON incident_field_terms
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION incident_field_stats_on_delete();
--> statement-breakpoint
-- The field terms follow the incidents' text: written with each insert (imports included), rewritten when the
-- title, summary or resolution changes; deleted with the incident (foreign key cascade).
CREATE OR REPLACE FUNCTION incident_field_terms_on_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO incident_field_terms
    SELECT i.id, d.* FROM inserted_rows i, incident_field_document(i.title, i.summary, i.resolution) d ORDER BY i.id;
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION incident_field_terms_on_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NOT EXISTS (
    SELECT 1 FROM new_rows n JOIN old_rows o USING (id)
    WHERE (n.title, n.summary, n.resolution) IS DISTINCT FROM (o.title, o.summary, o.resolution)
  ) THEN
    RETURN NULL;
  END IF;
  INSERT INTO incident_field_terms AS f
    SELECT n.id, d.* FROM new_rows n JOIN old_rows o USING (id), incident_field_document(n.title, n.summary, n.resolution) d
    WHERE (n.title, n.summary, n.resolution) IS DISTINCT FROM (o.title, o.summary, o.resolution)
    ORDER BY n.id
  ON CONFLICT (incident_id) DO UPDATE SET
    terms = excluded.terms, title_tf = excluded.title_tf, description_tf = excluded.description_tf, resolution_tf = excluded.resolution_tf,
    title_length = excluded.title_length, description_length = excluded.description_length, resolution_length = excluded.resolution_length;
  RETURN NULL;
END
$$;
--> statement-breakpoint
INSERT INTO incident_field_terms SELECT i.id, d.* FROM incidents i, incident_field_document(i.title, i.summary, i.resolution) d;
--> statement-breakpoint
CREATE TRIGGER incidents_field_terms_insert AFTER INSERT ON incidents
  REFERENCING NEW TABLE AS inserted_rows FOR EACH STATEMENT EXECUTE FUNCTION incident_field_terms_on_insert();
--> statement-breakpoint
CREATE TRIGGER incidents_field_terms_update AFTER UPDATE ON incidents
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION incident_field_terms_on_update();
