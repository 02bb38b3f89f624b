"""Placeholder: owned by the analysis work (replaced there)."""


def apply(conn) -> None:
    pass
