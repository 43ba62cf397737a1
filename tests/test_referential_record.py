"""``carnet referentiels --json``, field by field: secretariats' scripts read these names, so
each one is pinned (a mutation run found the record's keys and values unguarded)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from grids import Referentials
from tui.cli import main


# Built for each test, not once per module: mutation testing runs, for a mutant, only the tests
# that reached the mutated code, and a cached record would reach it from the first test only.
@pytest.fixture
def records(tmp_path: Path) -> tuple[dict[str, Any], dict[str, Any]]:
    import contextlib
    import io

    # An empty data folder of its own: the versions a user's folder holds are not the test's.
    empty = tmp_path / "donnees"
    empty.mkdir()
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert main(["referentiels", "--json", "--data", str(empty)]) == 0
    conseil, carriere = json.loads(out.getvalue())
    return conseil, carriere


def test_conseil_head_and_rules(records: Any) -> None:
    conseil, _ = records
    # « origin » and « current »: where each version comes from (issue 12, versions published
    # by the secretariat), and whether new candidates get it.
    assert set(conseil) == {"id", "title", "version", "kind", "rules", "blocks", "origin",
                            "current"}  # fmt: skip
    assert conseil["origin"]["kind"] == "integre" and conseil["current"] is True
    assert len(conseil["origin"]["sha256"]) == 64
    assert conseil["id"] == "gestionnaire-conseil"
    assert conseil["title"] == "CQP Gestionnaire conseil de la Sécurité sociale"
    assert conseil["version"] == "1"
    assert conseil["kind"] == "threshold"
    rules = conseil["rules"]
    assert set(rules) == {"competency", "block", "threshold"}
    assert rules["threshold"] == "4/5"
    assert rules["competency"].startswith("La compétence est validée si au minimum 80% ")
    assert rules["block"].startswith("Le bloc de compétences est validé si au minimum 80% ")


def test_conseil_blocks_competencies_and_criteria(records: Any, refs: Referentials) -> None:
    conseil, _ = records
    blocks = conseil["blocks"]
    assert [(b["id"], b["number"]) for b in blocks] == [("gc.b1", 1), ("gc.b2", 2), ("gc.b3", 3)]
    assert blocks[0]["title"] == "Gestion de la relation client"
    for block, source in zip(blocks, refs.conseil.blocks, strict=True):
        assert set(block) == {"id", "number", "title", "evaluation", "evaluators", "competencies"}
        assert block["title"] == source.title
        assert [e["role"] for e in block["evaluators"]] == ["representant_metier", "certificateur"]
        assert [e["independent"] for e in block["evaluators"]] == [True, False]
        for comp, comp_source in zip(block["competencies"], source.competencies, strict=True):
            assert set(comp) == {"id", "title", "criteria"}
            assert (comp["id"], comp["title"]) == (comp_source.id, comp_source.title)
            assert [(k["id"], k["text"]) for k in comp["criteria"]] == [
                (k.id, k.text) for k in comp_source.criteria
            ]
    assert [b["evaluation"]["kind"] for b in blocks] == [
        "observation",
        "presentation",
        "long_observation",
    ]
    first = blocks[0]["evaluation"]
    assert first["letters"] == 5 and first["questioning_minutes"] == 15
    assert [(s["id"], s["minutes"], s["min_interviews"]) for s in first["situations"]] == [
        ("double_ecoute", 20, 2),
        ("accueil_physique", 20, 2),
    ]
    assert "délégué" in blocks[1]["evaluators"][1]["note"]
    assert blocks[2]["evaluation"]["observation_minutes"] == 90


def test_conseil_quirks_carry_their_notes(records: Any) -> None:
    conseil, _ = records
    extra = {
        k["id"]: {key: value for key, value in k.items() if key not in {"id", "text"}}
        for b in conseil["blocks"]
        for c in b["competencies"]
        for k in c["criteria"]
        if set(k) != {"id", "text"}
    }
    assert sorted(extra) == [
        "gc.b1.c3.k5",
        "gc.b1.c3.k6",
        "gc.b3.c5.k1",
        "gc.b3.c5.k2",
        "gc.b3.c5.k3",
    ]
    assert set(extra["gc.b1.c3.k5"]) == {"note"}
    assert "perdu le tiret" in extra["gc.b1.c3.k5"]["note"]
    assert [extra[f"gc.b3.c5.k{i}"] for i in (1, 2, 3)] == [
        {"repeats": f"gc.b3.c4.k{i}"} for i in (1, 2, 3)
    ]


def test_carriere_record(records: Any) -> None:
    _, carriere = records
    assert set(carriere) == {
        "id", "title", "version", "kind", "competencies", "evaluations", "total", "rule",
        "origin", "current",
    }  # fmt: skip
    assert carriere["id"] == "gestionnaire-carriere"
    assert carriere["title"] == "CQP Gestionnaire carrière — Branche retraite"
    assert (carriere["version"], carriere["kind"], carriere["total"]) == ("1", "weighted", 200)
    assert carriere["rule"]["pass_required"] is True
    assert carriere["rule"]["min_average"] == "10"
    assert carriere["rule"]["text"].startswith("Pour être certifiés, les candidats doivent")
    assert set(carriere["rule"]) == {"text", "pass_required", "min_average"}
    competencies = carriere["competencies"]
    assert len(competencies) == 30
    assert competencies[0] == {
        "id": "gk.c01",
        "number": 1,
        "group": "savoirs",
        "title": competencies[0]["title"],
        "certified": True,
        "evaluations": ["cc_interbranche", "cc_carriere", "oral"],
    }
    assert competencies[0]["title"].startswith("Intégrer les principes fondamentaux")
    assert competencies[-1] == {
        "id": "gk.c30",
        "number": 30,
        "group": "savoir_faire_relationnel",
        "title": "Avoir le sens du service public",
        "certified": False,
        "evaluations": [],
    }
    evaluations = {e["id"]: e for e in carriere["evaluations"]}
    assert list(evaluations) == ["cc_interbranche", "cc_carriere", "ecrit", "oral", "apt"]
    assert evaluations["ecrit"] == {
        "id": "ecrit",
        "title": "Epreuve écrite",
        "scale": 20,
        "coefficient": 3,
        "eliminatory_at_or_below": "6",
        "place": "Organisée en centre d'examen (3 heures)",
        "minutes": 180,
    }
    assert evaluations["apt"]["eliminatory_at_or_below"] is None
