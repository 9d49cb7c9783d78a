-- An incident's row is updated after it is written (its Slack thread, then its lifecycle). An update that finds no room
-- on the row's page writes the new version elsewhere and enters it in every index of incidents, the HNSW graph of the
-- embeddings included (≈ 0.4–3 ms each, and a graph that grows with every update); one that finds room and changes no
-- indexed column (the thread's place, texts, times) stays on the page and touches no index. Pages written from now on
-- keep 30 % free for that.
ALTER TABLE "incidents" SET (fillfactor = 70);
