"""The command line's PDF layout, in a second process started before the store is read.

Importing fpdf2 and loading the two fonts take about 0.3 s, as long as reading the store and
writing the document's script: a ``carnet grille`` or ``carnet dossier`` that did both in turn
spent most of its time waiting on one core while the other stayed idle. The second process
prepares fpdf2 while this one reads; the script (text, numbers, dates) then crosses a pipe.

Only an acceleration: whenever that process cannot start, fails or answers something else, the
document is laid out here, so any error is raised and reported as it would be without it.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import subprocess
import sys
from pathlib import Path
from types import TracebackType

from store.documents.rendered import Rendered
from store.documents.script import Script, render_pdf

# The folder holding the ``store`` package, so the second process imports this very code.
_ROOT = str(Path(__file__).resolve().parents[2])
# Started without ``site`` (-S), which would read every .pth file of the environment again:
# it is given this process's import path instead, the ``store`` package's folder first.
_SERVE = (
    "import sys; sys.path[:0] = sys.argv[1:]; from store.documents.renderer import serve; serve()"
)


class Renderer:
    """Starts the layout process at once; :meth:`render` hands it the script."""

    def __init__(self) -> None:
        self._process: subprocess.Popen[bytes] | None = None
        if (os.cpu_count() or 1) < 2:
            return  # on one core the two would only take turns
        with contextlib.suppress(OSError):
            paths = [_ROOT, *(p for p in sys.path if p and p != _ROOT)]
            self._process = subprocess.Popen(
                [sys.executable, "-S", "-c", _SERVE, *paths],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.DEVNULL,
            )

    def __enter__(self) -> Renderer:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.close()

    def render(self, script: Script) -> Rendered:
        process, self._process = self._process, None
        if process is not None:
            try:
                out, _ = process.communicate(pickle.dumps(script))
                if process.returncode == 0:
                    rendered = pickle.loads(out)
                    if isinstance(rendered, Rendered):
                        return rendered
            except (OSError, ValueError, EOFError, pickle.UnpicklingError):
                _stop(process)
        return render_pdf(script)

    def close(self) -> None:
        process, self._process = self._process, None
        if process is not None:
            _stop(process)


_EARLY: Renderer | None = None


def start_early() -> None:
    """Starts the layout process before anything else of the command (its options read, its
    modules imported): the console script calls it for the commands that make a PDF."""
    global _EARLY
    if _EARLY is None:
        _EARLY = Renderer()


def take() -> Renderer:
    """The layout process started early, or a new one."""
    global _EARLY
    renderer, _EARLY = _EARLY, None
    return renderer if renderer is not None else Renderer()


def stop_early() -> None:
    """Ends a layout process started early that no command took (a usage error, an XLSX)."""
    global _EARLY
    renderer, _EARLY = _EARLY, None
    if renderer is not None:
        renderer.close()


def _stop(process: subprocess.Popen[bytes]) -> None:
    with contextlib.suppress(OSError):
        process.kill()
    process.wait()


def serve() -> None:
    """The second process: fpdf2 and the fonts first, then the script from stdin, the
    document (pickled) on stdout."""
    from store.documents.pdf_writer import PdfDocument

    document = PdfDocument()
    script = pickle.load(sys.stdin.buffer)
    if not isinstance(script, Script):
        raise SystemExit(2)
    rendered = document.play(script)
    sys.stdout.buffer.write(pickle.dumps(rendered))
    sys.stdout.buffer.flush()
    # Nothing is left to close or flush: the interpreter's teardown would only delay the
    # command by freeing, one by one, every object fpdf2 and the fonts made.
    os._exit(0)
