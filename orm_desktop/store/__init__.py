"""The only package with SQL. Plain functions over a sqlite3.Connection, one module per data area."""
