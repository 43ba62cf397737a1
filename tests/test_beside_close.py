"""A child working beside whose answer is no longer needed is stopped by ``close``, which never
fails: not even when the child was already reaped elsewhere (a SIGCHLD handler, or another
``waitpid`` of the process, takes any child that ends)."""

from __future__ import annotations

import os

import pytest

from store.beside import can_fork, fork


@pytest.mark.skipif(not can_fork(), reason="fork only")
def test_closing_a_child_already_reaped_elsewhere_is_quiet() -> None:
    child = fork(lambda: 42, wait=5.0)
    assert child is not None
    os.waitpid(child.pid, 0)  # another reaper took it
    child.close()
    child.close()  # and again: nothing left to do


@pytest.mark.skipif(not can_fork(), reason="fork only")
def test_closing_a_child_still_at_work_stops_it() -> None:
    import time

    child = fork(lambda: time.sleep(30), wait=5.0)
    assert child is not None
    child.close()
    with pytest.raises(ChildProcessError):
        os.waitpid(child.pid, os.WNOHANG)  # reaped by close: gone
