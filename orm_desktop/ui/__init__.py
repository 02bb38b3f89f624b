"""Qt widgets, models and workers. Calls orm_desktop.service only, never SQL."""
