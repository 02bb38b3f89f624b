"""Forward-only schema migrations: modules ``mNNN_name.py`` with ``apply(conn)``, numbered 1..N.

Each runs in one transaction together with its ``PRAGMA user_version`` bump. Never edit a
migration that has shipped; add the next number instead.
"""
