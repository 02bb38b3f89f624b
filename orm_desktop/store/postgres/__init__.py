"""The PostgreSQL schema of a team workspace (see schema.py)."""
