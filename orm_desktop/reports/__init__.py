"""Offline reports: data (pure functions over the service) and PDF/print rendering (QtGui)."""
