"""The ``carnet`` command: contracts of its JSON, French one-line errors, no tracebacks."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tui.cli import main

ROOT = Path(__file__).parent.parent


def _run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture(scope="module")
def demo_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("demo")
    assert main(["demo", "--data", str(folder), "--candidates", "12"]) == 0
    return folder


def test_status_json_contract(demo_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(capsys, "status", "--data", str(demo_dir), "--json")
    assert code == 0
    candidates = json.loads(out)["candidates"]
    assert len(candidates) == 12
    statuses = {"validated", "failed", "pending"}
    seen = set()
    for c in candidates:
        assert {"id", "name", "cqp", "status", "blocks"} <= c.keys()
        assert c["status"] in statuses
        seen.add((c["cqp"], c["status"]))
        if c["cqp"] == "gestionnaire-conseil":
            assert [b["id"] for b in c["blocks"]] == ["gc.b1", "gc.b2", "gc.b3"]
            for block in c["blocks"]:
                assert {"id", "status", "validated", "total", "competencies"} <= block.keys()
                assert block["status"] in statuses
                for comp in block["competencies"]:
                    assert {"id", "status", "validated", "total"} <= comp.keys()
                    assert 0 <= comp["validated"] <= comp["total"]
        else:
            assert c["cqp"] == "gestionnaire-carriere"
            assert {"juries", "final_decision", "route"} <= c.keys()
            if c["route"] == "vae":
                vae = c["vae"]
                assert {"admissibility", "proof", "acquired", "validated", "outcome"} <= vae.keys()
                continue
            assert isinstance(c["marks"], dict)
            assert all(isinstance(m, str) for m in c["marks"].values())
            assert c["average"] is None or len(c["average"].split(".")[1]) == 2
            assert all({"evaluation", "mark", "by", "at"} <= e.keys() for e in c["mark_entries"])
    # The demo shows every stage of both CQPs.
    for cqp in ("gestionnaire-conseil", "gestionnaire-carriere"):
        assert {s for q, s in seen if q == cqp} == statuses
    certified = [
        c for c in candidates if c["cqp"] == "gestionnaire-carriere" and c["status"] == "validated"
    ]
    assert certified[0]["average"] == "10.00"
    assert certified[0]["marks"]["oral"] == "9.00"
    assert certified[0]["final_decision"] == "certifie"
    assert certified[0]["juries"]["local"]["proposal"] == "certification"
    partial = [c for c in candidates if c.get("vae", {}).get("outcome") == "partielle"]
    assert partial and partial[0]["final_decision"] == "validation_partielle"


def test_status_text(demo_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(capsys, "status", "--data", str(demo_dir))
    assert code == 0
    lines = out.splitlines()
    assert len(lines) == 12
    assert any(line.startswith("✔") for line in lines) and any(
        line.startswith("✘") for line in lines
    )
    assert "moyenne 10,00" in out


def test_referentiels_json_contract(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    # No data folder yet (the user's is not the test's): the built-in referentials only.
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    code, out, _ = _run(capsys, "referentiels", "--json")
    assert code == 0
    conseil, carriere = json.loads(out)
    assert conseil["id"] == "gestionnaire-conseil" and conseil["version"] == "1"
    assert [len(b["competencies"]) for b in conseil["blocks"]] == [6, 5, 5]
    first = conseil["blocks"][0]["competencies"][0]["criteria"][0]
    assert first == {"id": "gc.b1.c1.k1", "text": first["text"]} and first["text"].startswith(
        "Identifie"
    )
    assert sum(1 for c in carriere["competencies"] if c["certified"]) == 15
    assert [e["coefficient"] for e in carriere["evaluations"]] == [1, 1, 3, 3, 2]
    assert carriere["evaluations"][2]["eliminatory_at_or_below"] == "6"


def test_referentiels_text(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    code, out, _ = _run(capsys, "referentiels")
    assert (
        code == 0
        and "Bloc 3 : Gestion des droits de l'utilisateur — 5 compétences, 23 critères" in out
    )


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["status", "--data", "/nonexistent/carnet"], "n'existe pas"),
        (["frobnicate"], "choix invalide"),
        (["demo"], "arguments obligatoires manquants"),
        (["demo", "--data", "/tmp/x", "--candidates", "zéro"], "n'est pas un nombre entier"),
        (["demo", "--data", "/tmp/x", "--candidates", "0"], "supérieur ou égal à 1"),
        (["--demo", "--data", "/tmp/x"], "n'indiquez pas --data"),
    ],
)
def test_errors_are_one_french_line(
    args: list[str], expected: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = _run(capsys, *args)
    assert code != 0 and out == ""
    assert err.count("\n") == 1 and err.startswith("carnet : ") and expected in err
    assert "Traceback" not in err


def test_demo_refuses_a_folder_with_dossiers(
    demo_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = _run(capsys, "demo", "--data", str(demo_dir))
    assert code == 1 and "contient déjà des dossiers" in err


def test_second_instance_is_refused_from_the_command(
    demo_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from store.store import Store

    with Store.open(demo_dir):
        # A reader is welcome (tests/test_readers.py); a second writer is not.
        code, _, err = _run(capsys, "recover", "--data", str(demo_dir))
    assert code == 3 and "Une autre instance de carnet" in err


def test_corrupt_dossier_then_recover(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["demo", "--data", str(tmp_path), "--candidates", "3"]) == 0
    victim = sorted((tmp_path / "dossiers").glob("c-*.json"))[0]
    half = len(victim.read_bytes()) // 2
    victim.write_bytes(victim.read_bytes()[:half])
    code, _, err = _run(capsys, "status", "--data", str(tmp_path))
    assert code == 1 and "illisible" in err and "carnet recover" in err and "Traceback" not in err
    assert str(victim) in err
    # Nothing was touched by the refusal.
    assert len(victim.read_bytes()) == half
    code, out, _ = _run(capsys, "recover", "--data", str(tmp_path))
    assert code == 0 and f"Réparé : {victim}" in out and "événement(s) perdu(s)" in out
    code, out, _ = _run(capsys, "status", "--data", str(tmp_path), "--json")
    assert code == 0 and len(json.loads(out)["candidates"]) == 3


@pytest.mark.slow  # a subprocess
def test_console_script_runs_without_traceback(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "tui.cli", "status", "--data", str(tmp_path / "nope")],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )
    assert result.returncode == 1
    assert result.stderr.startswith("carnet : ") and "Traceback" not in result.stderr


@pytest.mark.slow  # a subprocess
def test_status_does_not_import_textual(demo_dir: Path) -> None:
    code = (
        "import sys; from tui.cli import main; main(['status', '--data', sys.argv[1], '--json']); "
        "sys.stderr.write(str(any(m.partition('.')[0] == 'textual' for m in sys.modules)))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code, str(demo_dir)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=True,
    )
    assert result.stderr == "False"


def test_data_given_before_the_command_is_used(
    demo_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """« carnet --data DIR status » as « carnet status --data DIR » (the command's own absent
    --data hid the one before it, and the default folder was said not to exist)."""
    assert main(["status", "--data", str(demo_dir), "--json"]) == 0
    after = capsys.readouterr().out
    assert main(["--data", str(demo_dir), "status", "--json"]) == 0
    assert capsys.readouterr().out == after
    assert main(["--data", str(demo_dir / "absent"), "verify"]) == 1
    assert f"{demo_dir / 'absent'} n'existe pas" in capsys.readouterr().err
