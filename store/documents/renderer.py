"""The command line's PDF layout, in a second process started before the store is read.

Importing fpdf2 and loading the two fonts take about 0.3 s, as long as reading the store and
writing the document's script: a ``carnet grille`` or ``carnet dossier`` that did both in turn
spent most of its time waiting on one core while the other stayed idle. The second process
prepares fpdf2 while this one reads; the script (text, numbers, dates) then crosses a pipe.

Only an acceleration: whenever that process cannot start, fails or answers something else, the
document is laid out here, so any error is raised and reported as it would be without it.

The process is started before anything else of the command: this module imports only what
starting it needs (the script's and the document's classes, and pickle, come when the script
is handed over). In the process, fpdf2 is imported without what a text document never uses
(:mod:`store.documents.lean_imports`), the fonts come from their cache
(:mod:`store.documents.font_cache`), and the fonts' tables that writing the PDF reads are read
while the command still reads the store; the garbage collector stays off (the process lives for
one document, then ends without its interpreter's teardown).
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from store.documents.rendered import Rendered
    from store.documents.script import Script

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
        import pickle

        from store.documents.rendered import Rendered
        from store.documents.script import render_pdf

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


def _script_arrived() -> bool:
    """True once the script (or the end of the command's pipe) is there to be read; where a
    pipe cannot be polled, never (the fonts' tables are then all read ahead)."""
    import select

    try:
        return bool(select.select([sys.stdin], [], [], 0)[0])
    except (OSError, ValueError):
        return False


def serve() -> None:
    """The second process: fpdf2 (without what a text document does not use) and the
    fonts first, and the fonts' tables that writing the PDF reads, all while the command
    reads the store; then the script from stdin, the document (pickled) on stdout."""
    import gc

    # fpdf2's modules and the fonts: a few hundred thousand objects, alive until the end.
    gc.disable()
    from store.documents.lean_imports import install

    install()
    import pickle

    from store.documents.pdf_writer import PdfDocument
    from store.documents.script import Script

    document = PdfDocument()
    document.prepare(stop=_script_arrived)
    # Collected again for the document itself (a long one makes much garbage), without
    # going through what was made so far.
    gc.freeze()
    gc.enable()
    script = pickle.load(sys.stdin.buffer)
    if not isinstance(script, Script):
        raise SystemExit(2)
    rendered = document.play(script)
    sys.stdout.buffer.write(pickle.dumps(rendered))
    sys.stdout.buffer.flush()
    # Nothing is left to close or flush: the interpreter's teardown would only delay the
    # command by freeing, one by one, every object fpdf2 and the fonts made.
    os._exit(0)
