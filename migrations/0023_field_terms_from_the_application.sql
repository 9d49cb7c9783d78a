-- An incident written together with its field terms (the application tokenizes with featureTokens, the same tokens
-- as incident_field_tokens: test/integration/retrieval/hybrid-search.test.ts) is not tokenized again
-- in SQL; every other insert (alerts, imports, seeds) still gets its terms here. OFFSET 0 keeps the filter below the
-- tokenizer, so that incidents already holding terms are never tokenized.
CREATE OR REPLACE FUNCTION incident_field_terms_on_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO incident_field_terms
    SELECT i.id, d.*
    FROM (SELECT r.id, r.title, r.summary, r.resolution FROM inserted_rows r
          WHERE NOT EXISTS (SELECT 1 FROM incident_field_terms f WHERE f.incident_id = r.id) OFFSET 0) i,
         incident_field_document(i.title, i.summary, i.resolution) d
    ORDER BY i.id;
  RETURN NULL;
END
$$;
