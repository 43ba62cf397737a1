"""The command line in French: help for every option (argparse's own words too), usage
errors exit 2, ``--version``."""

from __future__ import annotations

import re

import pytest

from tui.cli import build_parser, main

COMMANDS = ["", "demo", "status", "referentiels", "referentiels publier", "recover", "station", "init", "trust",
            "export", "import", "dossier", "tableau"]  # fmt: skip


@pytest.mark.parametrize("command", COMMANDS)
def test_every_help_is_french_and_explains_every_option(
    command: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exit_:
        main([*command.split(), "--help"])
    assert exit_.value.code == 0
    out = capsys.readouterr().out
    for english in ("usage", "show this help", "options:\n  -h, --help  show", "positional"):
        assert english not in out
    assert out.startswith("utilisation : ")
    # Each option line has its explanation (a line that ends with the option alone has none).
    for line in out.splitlines():
        if re.match(r"^  -", line):
            assert re.match(r"^  \S.*\S {2,}\S", line) or _continued(out, line), line


def _continued(out: str, line: str) -> bool:
    """An option too long for its column has its help on the next line."""
    lines = out.splitlines()
    after = lines[lines.index(line) + 1]
    return after.startswith(" " * 10) and bool(after.strip())


def test_usage_errors_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["demo"]) == 2
    assert main(["--nope"]) == 2
    err = capsys.readouterr().err
    assert "obligatoire" in err and "carnet --help" in err


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        build_parser().parse_args(["--version"])
    assert exit_.value.code == 0
    assert re.match(r"carnet \d+\.\d+", capsys.readouterr().out)


def test_an_invalid_choice_is_said_in_french(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["nimportequoi"]) == 2
    err = capsys.readouterr().err
    assert "choix invalide: 'nimportequoi'" in err and "invalidee" not in err


def test_the_usage_line_names_arguments_in_french(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["grille", "--help"])
    out = capsys.readouterr().out
    assert "CANDIDAT BLOC" in out and "--data DOSSIER" in out and "--out FICHIER" in out
    assert "candidate" not in out and "DATA" not in out
    assert main(["dossier"]) == 2
    assert "arguments obligatoires manquants: CANDIDAT, --out" in capsys.readouterr().err
