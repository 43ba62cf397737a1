"""The README's walk: the life of a candidate across folders, registered at the tutor's
station, marked on the evaluator's laptop, merged and judged at the secretariat, and back to
every station — through the ``carnet`` commands, with the store's calls standing for what is
done on the app's screens (no textual)."""

from __future__ import annotations

import contextlib
import io
import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from store.store import Store
from tests.signing import secret_of
from tui.cli import main


def carnet(*args: str) -> str:
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        code = main(list(args))
    assert code == 0, out.getvalue()
    return out.getvalue()


def _fingerprint(key_file: Path) -> str:
    found: str = json.loads(key_file.read_bytes())["fingerprint"]
    return found


def _id(key_file: Path) -> str:
    found: str = json.loads(key_file.read_bytes())["station"]
    return found


def _candidate(status: str, name: str) -> dict[str, Any]:
    record: dict[str, Any] = next(c for c in json.loads(status)["candidates"] if c["name"] == name)
    return record


@pytest.mark.slow
def test_a_candidate_goes_from_the_tutor_to_the_evaluator_to_the_secretariat_and_back(
    tmp_path: Path,
) -> None:
    sec, tutor, evaluator = (str(tmp_path / n) for n in ("secretariat", "tuteur", "evaluateur"))
    keys = {n: tmp_path / f"{n}.cle" for n in ("secretariat", "tuteur", "evaluateur")}
    # 1. The folders, their names and keys; each trusts what it must, fingerprint checked.
    carnet("init", "--secretariat", "--data", sec)
    carnet("station", "--data", sec, "--nom", "Secrétariat CQP", "--organisme", "Ucanss",
           "--out", str(keys["secretariat"]))  # fmt: skip
    carnet("station", "--data", tutor, "--nom", "Tutorat Rennes", "--organisme",
           "Carsat Bretagne", "--out", str(keys["tuteur"]))  # fmt: skip
    carnet("station", "--data", evaluator, "--nom", "Portable de l'évaluateur", "--organisme",
           "Carsat Bretagne", "--out", str(keys["evaluateur"]))  # fmt: skip
    for station in (tutor, evaluator):
        key = keys["secretariat"]
        carnet("trust", str(key), "--data", station, "--empreinte", _fingerprint(key))
    for name in ("tuteur", "evaluateur"):
        carnet("trust", str(keys[name]), "--data", sec, "--empreinte", _fingerprint(keys[name]))

    # 2. Registered at the tutor's station (« n » on the home screen), Pass recorded.
    with Store.open(Path(tutor)) as store:
        candidate = store.create_candidate(
            "Jeanne Martin", "Carsat Bretagne", "gestionnaire-carriere", "tuteur",
            route="parcours_formation",
        )  # fmt: skip
        store.record_pass(candidate, True, "tuteur")
    out = carnet("export", "--data", tutor, "--out", str(tmp_path / "tuteur-1.carnet"))
    assert "pour Secrétariat CQP (Ucanss)" in out
    out = carnet("import", "--data", sec, str(tmp_path / "tuteur-1.carnet"))
    assert "Accusé de réception écrit" in out

    # 3. The secretariat gives the candidate to the evaluator's laptop, with its agent who
    # transcribes the marks there (the referential: marks are sent to the secretariat).
    with Store.open(Path(sec)) as store:
        agent = store.create_person("Sam Secrétariat", "Ucanss", ["secretariat"], "secretariat")
    carnet("attribuer", "Jeanne Martin", "--poste", _id(keys["evaluateur"]), "--data", sec)
    carnet("export", "--data", sec, "--pour", _id(keys["evaluateur"]),
           "--out", str(tmp_path / "sec-evaluateur-1.carnet"))  # fmt: skip
    carnet("import", "--data", evaluator, str(tmp_path / "sec-evaluateur-1.carnet"))

    # 4. The evaluator enters the marks (« n » on the candidate's dossier) and sends them.
    with Store.open(Path(evaluator)) as store:
        assert store.candidate_ids() == [candidate]
        for evaluation, mark in (("cc_interbranche", "12"), ("cc_carriere", "14,5"),
                                 ("ecrit", "11"), ("apt", "13")):  # fmt: skip
            store.enter_mark(candidate, evaluation, mark, agent, by=agent)
    carnet("export", "--data", evaluator, "--out", str(tmp_path / "evaluateur-1.carnet"))
    carnet("import", "--data", sec, str(tmp_path / "evaluateur-1.carnet"))

    # 5. The juries, at the secretariat (« j » on the dossier): local jury, oral, proposal,
    # national proclamation.
    with Store.open(Path(sec)) as store:
        cnav = store.create_person("Claire Fonds", "Cnav", ["jury"], "secretariat")
        branch = store.create_person("Rémi Branche", "Carsat Nord", ["jury"], "secretariat")
        expert = store.create_person("Eva Métier", "Carsat Sud", ["jury"], "secretariat")
        store.compose_jury(candidate, [("caisse_nationale", cnav),
                                       ("branche_retraite", branch),
                                       ("expert_metier", expert)], "secretariat")  # fmt: skip
        store.enter_mark(candidate, "oral", "12", "secretariat", by=cnav)
        store.propose(candidate, "certification", "", cnav, secret_of(store, cnav))
        store.proclaim(
            candidate,
            "certifie",
            "",
            date.today(),
            agent,
            confirmed_final=True,
            secret=secret_of(store, agent),
        )
    out = carnet("postes", "--data", sec)
    assert "Tutorat Rennes (Carsat Bretagne)" in out and "Portable de l'évaluateur" in out
    assert "FOURCHE" not in out and "manquent" not in out

    # 6. Back to every station: the secretariat's bundle for each.
    for name, folder in (("tuteur", tutor), ("evaluateur", evaluator)):
        bundle = str(tmp_path / f"sec-{name}-2.carnet")
        carnet("export", "--data", sec, "--pour", _id(keys[name]), "--out", bundle)
        out = carnet("import", "--data", folder, bundle)
        assert "confirmé(s) par le secrétariat" in out
    statuses = [carnet("status", "--data", f, "--json") for f in (sec, tutor, evaluator)]
    records = [_candidate(s, "Jeanne Martin") for s in statuses]
    assert records[0]["final_decision"] == "certifie", records[0]["final_decision"]
    assert records[0]["status"] == "validated"
    assert records[1] == records[0] == records[2]
