"""Feed ingestion: OPML, fetch, parse, sanitize, match, dedupe, pipeline (no Qt)."""
