"""A pass over the command line and the reports as a new user and as an adversary (branch
clipass): each test is a defect it found. Cheap: in-process where the entry point allows it."""

from __future__ import annotations

import os
import stat

import pytest

from orm_desktop.atomic import atomic_write
from orm_desktop.errors import KnownError


def test_an_output_that_is_a_pipe_is_written_through_not_replaced_by_a_file(tmp_path):
    # `report --out /dev/null` as root replaced the device node /dev/null with a regular file
    # (a rename over it); a FIFO shows the same without touching /dev
    fifo = tmp_path / "out.pdf"
    os.mkfifo(fifo)
    reader = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)  # a reader is there before the write
    try:
        atomic_write(fifo, b"%PDF-1.4 report")
        assert os.read(reader, 100) == b"%PDF-1.4 report"
    finally:
        os.close(reader)
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)
    assert [p.name for p in tmp_path.iterdir()] == ["out.pdf"]  # no temporary file left


def test_a_pipe_nobody_reads_is_refused_at_once(tmp_path):
    fifo = tmp_path / "out.pdf"
    os.mkfifo(fifo)
    with pytest.raises(KnownError, match="no process is reading"):
        atomic_write(fifo, b"x")
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)
