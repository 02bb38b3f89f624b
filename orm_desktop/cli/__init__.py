"""`orm-desktop` command line (placeholder, replaced by the foundation CLI)."""


def main(argv: list[str] | None = None) -> int:
    return 0
