"""Imported by the refresh's fork server (pipeline._worker_pool): importing it loads what every
refresh worker needs (the pipeline, the default sentiment engine, the language model, the topic
patterns), once, in the server; the workers forked from it share it."""

from orm_desktop.ingest.pipeline import _preload

_preload()
