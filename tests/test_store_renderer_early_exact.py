"""The layout process started early (store/documents/renderer.py): which one a command takes.

The slow tests/test_renderer.py checks the process itself; here, in this process, the start,
the taking and the stopping of the one started early (a single processor: the renderer then
starts none), and what this side does with the process's answer, the process played by a
stand-in for ``subprocess.Popen``: how it is started, a document taken as it comes, and every
wrong answer leading to the document laid out here, as without the process.
"""

from __future__ import annotations

import os
import pickle
import subprocess
import sys
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from store.documents import renderer
from store.documents import script as script_module
from store.documents.rendered import Rendered
from store.documents.script import Script


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


class _Process:
    """Stands in for the layout process: answers ``out`` with ``code``, or raises."""

    started: list[_Process] = []

    def __init__(self, argv: list[str], **options: Any) -> None:
        self.argv, self.options = argv, options
        self.sent: bytes | None = None
        self.killed = self.waited = False
        self.answer: tuple[bytes, int] | BaseException = (b"", 1)
        _Process.started.append(self)

    def communicate(self, data: bytes) -> tuple[bytes, None]:
        self.sent = data
        if isinstance(self.answer, BaseException):
            raise self.answer
        out, self.returncode = self.answer
        return out, None

    gone = False  # the process ended already: killing it fails

    def kill(self) -> None:
        self.killed = True
        if self.gone:
            raise ProcessLookupError(3, "No such process")

    def wait(self) -> int:
        self.waited = True
        return 0


HERE = Rendered(b"%PDF-mis-en-page-ici")


def _here(script: Script) -> Rendered:
    """Stands in for laying the document out in this process (fpdf2 is slow to start)."""
    assert isinstance(script, Script)
    return HERE


@pytest.fixture
def processes(monkeypatch: pytest.MonkeyPatch) -> list[_Process]:
    monkeypatch.setattr(os, "cpu_count", lambda: 2)
    monkeypatch.setattr(subprocess, "Popen", _Process)
    monkeypatch.setattr(script_module, "render_pdf", _here)
    _Process.started.clear()
    return _Process.started


def _script() -> Script:
    script = Script("essai", datetime(2026, 12, 7, 9, 30))
    script.title("Essai")
    return script


def test_the_layout_process_runs_this_code_without_site_and_with_this_import_path(
    processes: list[_Process],
) -> None:
    renderer.Renderer()
    (process,) = processes
    executable, no_site, dash_c, code, *paths = process.argv
    assert (executable, no_site, dash_c) == (sys.executable, "-S", "-c")
    assert code == (
        "import sys; sys.path[:0] = sys.argv[1:]; from store.documents.renderer import serve; "
        "serve()"
    )
    root = str(Path(renderer.__file__).resolve().parents[2])
    assert paths[0] == root and root not in paths[1:] and "" not in paths
    assert paths[1:] == [p for p in sys.path if p and p != root]
    assert process.options == {
        "stdin": subprocess.PIPE, "stdout": subprocess.PIPE, "stderr": subprocess.DEVNULL
    }  # fmt: skip


def test_the_processs_document_is_taken_as_it_comes(processes: list[_Process]) -> None:
    made = Rendered(b"%PDF-du-processus", ("un avertissement",))
    layout = renderer.Renderer()
    processes[0].answer = (pickle.dumps(made), 0)
    script = _script()
    assert layout.render(script) == made
    assert pickle.loads(processes[0].sent or b"") == script
    assert not processes[0].killed
    # Handed over once: the next document is laid out here.
    assert layout.render(script) == HERE


@pytest.mark.parametrize(
    "answer",
    [
        (pickle.dumps(Rendered(b"%PDF")), 1),  # the process failed
        (pickle.dumps("pas un document"), 0),
        (b"pas du pickle", 0),
        (b"", 0),
        OSError("tube cassé"),
        ValueError("fermé"),
    ],
    ids=["failed", "not-a-document", "garbage", "nothing", "oserror", "valueerror"],
)
def test_whatever_the_process_answers_wrongly_the_document_is_laid_out_here(
    processes: list[_Process], answer: Any
) -> None:
    layout = renderer.Renderer()
    processes[0].answer = answer
    script = _script()
    assert layout.render(script) == HERE
    # A process that could not be read is stopped (and waited for).
    raised = isinstance(answer, BaseException) or answer[0] in (b"pas du pickle", b"")
    assert processes[0].killed is raised and processes[0].waited is raised


def test_a_process_that_cannot_start_leaves_the_work_here(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def cannot(*args: Any, **kwargs: Any) -> None:
        raise OSError("trop de processus")

    monkeypatch.setattr(os, "cpu_count", lambda: 2)
    monkeypatch.setattr(subprocess, "Popen", cannot)
    monkeypatch.setattr(script_module, "render_pdf", _here)
    script = _script()
    with renderer.Renderer() as layout:
        assert layout.render(script) == HERE


def test_closing_stops_a_process_no_document_took(processes: list[_Process]) -> None:
    with renderer.Renderer():
        pass
    assert processes[0].killed and processes[0].waited


def test_a_process_already_gone_is_waited_for_without_error(processes: list[_Process]) -> None:
    layout = renderer.Renderer()
    processes[0].gone = True
    layout.close()
    assert processes[0].killed and processes[0].waited


def test_an_unknown_number_of_processors_counts_as_one(
    processes: list[_Process], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(os, "cpu_count", lambda: None)
    renderer.Renderer()
    assert processes == []
