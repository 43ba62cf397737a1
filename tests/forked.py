"""Helpers for the tests of work done beside, in a forked child (``store.beside``)."""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from typing import Any

import pytest

from store import beside


def count_children(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Lets ``store.beside`` fork whatever the machine, and returns the pids it starts."""
    started: list[int] = []
    fork = beside.fork

    def counted(*args: Any, **kwargs: Any) -> Any:
        child = fork(*args, **kwargs)
        if child is not None:
            started.append(child.pid)
        return child

    monkeypatch.setattr(beside, "can_fork", lambda: True)
    monkeypatch.setattr(beside, "fork", counted)
    return started


def reaped(pid: int) -> bool:
    """Whether a child is gone and waited for (no zombie left behind)."""
    try:
        os.waitpid(pid, os.WNOHANG)
    except ChildProcessError:
        return True
    return False


def failing_in_child(function: Callable[..., Any], how: str) -> Callable[..., Any]:
    """``function``, except in a forked child, where it crashes, raises or hangs (``how``).
    Tests replace a private function with it: no public way makes a forked child fail at a
    chosen point."""
    parent = os.getpid()

    def replaced(*args: Any) -> Any:
        if os.getpid() != parent:
            if how == "crash":
                os._exit(3)
            if how == "raise":
                raise RuntimeError("boom")
            time.sleep(60)
        return function(*args)

    return replaced
