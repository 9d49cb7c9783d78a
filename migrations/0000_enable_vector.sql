-- pgvector must exist before any vector column or HNSW index.
CREATE EXTENSION IF NOT EXISTS vector;
