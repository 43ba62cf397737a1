"""The command line lays PDFs out in a second process started before the store is read (issue
14's budget for a grid's PDF): what it writes is what this process would write, and whenever
that process cannot start or fails, the document is still made, here."""

from __future__ import annotations

import io
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pypdf
import pytest

from store.documents.renderer import Renderer
from store.documents.script import Script, render_pdf
from store.store import Store
from tui.cli import main

ROOT = Path(__file__).resolve().parent.parent
NOW = datetime(2026, 12, 7, 9, 30, tzinfo=UTC)
pytestmark = pytest.mark.slow  # each test starts python processes that import fpdf2


def _script() -> Script:
    script = Script("Grille — Nguyễn Thị Ánh", created=NOW)
    script.title("Grille — Nguyễn Thị Ánh")
    script.heading("Compétence 1.1 [bold]pas du balisage[/]")
    script.paragraph("Commentaire : « très bien »\x0b avec un caractère de contrôle", indent=4)
    script.paragraph("王 absent de la police", bold=True)
    script.space(3)
    script.table(["Critère", "État"], [["Accueille", "validé"], ["محمد علي", "non validé"]],
                 [0.7, 0.3], strong=frozenset({0}))  # fmt: skip
    return script


def _text(pdf: bytes) -> str:
    return " ".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(pdf)).pages)


def test_the_second_process_writes_what_this_one_would() -> None:
    script = _script()
    here = render_pdf(script)
    with Renderer() as renderer:
        there = renderer.render(script)
    assert there.warnings == here.warnings
    assert any("U+000B" in w for w in there.warnings)
    assert any("U+738B" in w for w in there.warnings)
    assert _text(there.data) == _text(here.data)
    assert "[bold]pas du balisage[/]" in _text(there.data)


@pytest.mark.parametrize("python", ["/nonexistent/python3", "/bin/false"])
def test_a_second_process_that_cannot_start_or_fails_leaves_the_document_to_this_one(
    monkeypatch: pytest.MonkeyPatch, python: str
) -> None:
    monkeypatch.setattr(sys, "executable", python)
    script = _script()
    with Renderer() as renderer:
        rendered = renderer.render(script)
    assert _text(rendered.data) == _text(render_pdf(script).data)
    assert rendered.warnings == render_pdf(script).warnings


def test_an_unknown_step_is_refused() -> None:
    script = _script()
    script.steps.append(("render", (), {}))
    with pytest.raises(ValueError, match="étape de document inconnue : render"):
        render_pdf(script)


def test_the_command_never_loads_fpdf2_itself(tmp_path: Path) -> None:
    """The layout happens in the second process: the command's own process reads the store
    and writes the script, and never pays for importing fpdf2."""
    folder = tmp_path / "data"
    assert main(["demo", "--data", str(folder), "--candidates", "2", "--seed", "3"]) == 0
    out = tmp_path / "grille.pdf"
    probe = (
        "import sys\n"
        "from tui.cli import main\n"
        "code = main(sys.argv[1:])\n"
        "print('fpdf' in sys.modules, code)\n"
    )
    with Store.open(folder, read_only=True) as store:
        with_grid = next(c for c in store.candidate_ids() if store.snapshot(c).state.grids)
    result = subprocess.run(
        [sys.executable, "-c", probe, "grille", with_grid, "1", "--data", str(folder),
         "--out", str(out)],
        cwd=ROOT, capture_output=True, text=True, check=True,
    )  # fmt: skip
    assert result.stdout.split()[-2:] == ["False", "0"]
    assert "Grille d'évaluation — bloc 1" in _text(out.read_bytes())


def test_the_console_script_keeps_the_exit_code_and_every_line(tmp_path: Path) -> None:
    """The commands that end without the interpreter's teardown still print everything and
    exit with their code."""
    folder = tmp_path / "data"
    assert main(["demo", "--data", str(folder), "--candidates", "3", "--seed", "5"]) == 0
    run = "from tui.cli import run; run()"
    listed = subprocess.run(
        [sys.executable, "-c", run, "status", "--data", str(folder), "--json"],
        cwd=ROOT, capture_output=True, text=True,
    )  # fmt: skip
    assert listed.returncode == 0
    assert listed.stdout.count('"id"') >= 3 and listed.stdout.rstrip().endswith("]}")
    missing = subprocess.run(
        [sys.executable, "-c", run, "grille", "Personne", "1", "--data", str(tmp_path / "rien"),
         "--out", str(tmp_path / "g.pdf")],
        cwd=ROOT, capture_output=True, text=True,
    )  # fmt: skip
    assert missing.returncode == 1
    assert "n'existe pas" in missing.stderr
