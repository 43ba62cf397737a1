"""The layout process started early (store/documents/renderer.py): which one a command takes.

The slow tests/test_renderer.py checks the process itself; here the start, the taking and the
stopping of the one started early, without a process (a single processor: the renderer then
starts none), in this process.
"""

from __future__ import annotations

import os

import pytest

from store.documents import renderer


class _Counted(renderer.Renderer):
    made: list[_Counted] = []

    def __init__(self) -> None:
        super().__init__()
        self.closed = False
        _Counted.made.append(self)

    def close(self) -> None:
        self.closed = True
        super().close()


@pytest.fixture
def counted(monkeypatch: pytest.MonkeyPatch) -> list[_Counted]:
    monkeypatch.setattr(os, "cpu_count", lambda: 1)  # no process: only which one is taken
    monkeypatch.setattr(renderer, "Renderer", _Counted)
    renderer.stop_early()
    _Counted.made.clear()
    yield _Counted.made
    renderer.stop_early()


def test_the_renderer_started_early_is_the_one_taken_once(counted: list[_Counted]) -> None:
    renderer.start_early()
    renderer.start_early()  # started once per command
    assert len(counted) == 1
    assert renderer.take() is counted[0] and not counted[0].closed
    # Taken: the next command's document gets a new one.
    fresh = renderer.take()
    assert fresh is counted[1] and len(counted) == 2


def test_one_started_early_that_no_command_took_is_stopped(counted: list[_Counted]) -> None:
    renderer.start_early()
    renderer.stop_early()
    assert counted[0].closed
    renderer.stop_early()  # nothing left to stop
    assert renderer.take() is not counted[0] and len(counted) == 2


def test_on_one_processor_no_process_is_started(counted: list[_Counted]) -> None:
    renderer.start_early()
    assert counted[0]._process is None  # private: whether a process runs is not shown
