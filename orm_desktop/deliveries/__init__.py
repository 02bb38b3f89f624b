"""Deliveries (issue 16): mail through SMTP and chat webhooks, through an outbox, and the
operating-system job that runs `orm-desktop run-scheduled` while the app is closed.

No Qt here: the scheduled run is headless (the weekly PDF is rendered by reports/, which uses
QtGui without widgets).
"""
