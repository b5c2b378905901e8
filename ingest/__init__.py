"""The ingestion job: knowledge files -> validated records -> chunks -> Chroma."""
