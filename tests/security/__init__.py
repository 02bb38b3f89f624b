"""Attacks from issue 13, one test each; every one of them failed before the fix."""
