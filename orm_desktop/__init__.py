"""ORM Desktop: local-first online reputation management."""

__version__ = "0.1.0"
