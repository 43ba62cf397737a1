"""Referential versions distributed by the secretariat (issue 12): published as a registry
event, carried to the stations by the secretariat's bundles, a candidate's verdicts computed
with the version they were registered under (no textual)."""

from __future__ import annotations

import contextlib
import io
import json
from pathlib import Path
from typing import Any

import pytest

from grids import load_referentials
from models.events import Event
from models.referential import document_sha256, referential_document
from models.threshold import CriterionState
from store.authority import AuthorityError
from store.bundle import seal_file
from store.errors import StoreError
from store.referentials import publish
from store.station import set_role
from store.store import REGISTRY, Store
from store.sync import assign, station_key
from tests.test_sync import _export, _id, _import, _trust
from tui.cli import main

V, N = CriterionState.VALIDATED, CriterionState.NOT_VALIDATED
CONSEIL = "gestionnaire-conseil"


def _document(version: str = "2", **rules: int) -> dict[str, Any]:
    """The built-in Gestionnaire conseil referential under another version; ``rules``
    changes the threshold (3/4 instead of 4/5: 3 criteria of 4 then validate a competency)."""
    document = referential_document(load_referentials().builtin_conseil)
    document["version"] = version
    document["rules"] = {**document["rules"], **rules}
    return document


def _file(tmp_path: Path, document: Any, name: str = "v2.json") -> Path:
    path = tmp_path / name
    text = document if isinstance(document, str) else json.dumps(document, ensure_ascii=False)
    path.write_text(text, encoding="utf-8")
    return path


def _secretariat(folder: Path) -> str:
    """A secretariat folder with one agent; returns the agent's id."""
    with Store.open(folder):
        pass
    set_role(folder, "secretariat")
    with Store.open(folder) as store:
        return store.create_person("Sam Secrétariat", "Ucanss", ["secretariat"], "secretariat")


def _publications(folder: Path) -> list[Event]:
    with Store.open(folder, read_only=True) as store:
        return [
            Event.from_stored(raw)
            for raw in store.raw_events(REGISTRY).values()
            if raw["type"] == "referential.published"
        ]


def _four_criteria(store: Store) -> tuple[str, list[str]]:
    """A competency of four criteria, in a block with no situation to choose: 3 of 4 is
    75 %, below 4/5 and at 3/4."""
    for block in store.referentials.builtin_conseil.blocks:
        if getattr(block.evaluation.format, "situations", ()):
            continue
        for comp in block.competencies:
            if len(comp.criteria) == 4:
                return block.id, [k.id for k in comp.criteria]
    raise AssertionError("aucune compétence de quatre critères")


def _competency_status(store: Store, candidate: str, criterion: str) -> str:
    verdict: Any = store.current_verdict(candidate)
    for block in verdict.blocks:
        for comp in block.competencies:
            if criterion.startswith(comp.id + "."):
                return str(comp.status.value)
    raise AssertionError(criterion)


# --- publishing -----------------------------------------------------------------------------


def test_a_secretariat_agent_publishes_a_version_as_a_registry_event(tmp_path: Path) -> None:
    sec = tmp_path / "sec"
    agent = _secretariat(sec)
    with Store.open(sec) as store:
        report = publish(store, _file(tmp_path, _document(numerator=3, denominator=4)), agent)
        assert report.added and (report.referential, report.version) == (CONSEIL, "2")
        # The newest version is what a new candidate gets; version 1 is still held.
        assert store.referentials.get(CONSEIL).version == "2"
        assert store.referentials.conseil.rules.numerator == 3
        assert store.referentials.version(CONSEIL, "1").rules.numerator == 4
        assert set(store.referentials.held()) == {
            (CONSEIL, "1"), (CONSEIL, "2"), ("gestionnaire-carriere", "1"),
        }  # fmt: skip
    (event,) = _publications(sec)
    assert event.author == agent and event.dossier == REGISTRY
    assert event.payload["sha256"] == document_sha256(event.payload["document"])
    assert event.payload["sha256"] == report.sha256
    assert event.payload["document"]["rules"]["numerator"] == 3
    # Reopened, the folder still has it (read from its registry).
    with Store.open(sec, read_only=True) as store:
        assert store.referentials.get(CONSEIL).version == "2"


def test_only_a_secretariat_agent_at_the_secretariat_publishes(tmp_path: Path) -> None:
    sec = tmp_path / "sec"
    _secretariat(sec)
    path = _file(tmp_path, _document())
    with Store.open(sec) as store:
        tutor = store.create_person("Paul Tuteur", "CPAM", ["tuteur"], "secretariat")
        with pytest.raises(AuthorityError, match="Règle : une version de référentiel"):
            publish(store, path, tutor)
        with pytest.raises(AuthorityError, match="non identifiée"):
            publish(store, path, "poste")
        assert store.referentials.get(CONSEIL).version == "1"
    station = tmp_path / "poste"
    with Store.open(station) as store:
        agent = store.create_person("Sam", "Ucanss", ["secretariat"], "t")
        with pytest.raises(StoreError, match="n'est pas celui du secrétariat"):
            publish(store, path, agent)
    assert _publications(sec) == [] and _publications(station) == []


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("{ pas du json", "JSON invalide"),
        (json.dumps({**_document(), "rules": "aucune"}), "à « threshold.rules »"),
        (json.dumps(_document(numerator=6, denominator=5)), "le seuil dépasse 100 %"),
        (json.dumps({**_document(), "id": "cqp-inconnu"}), "référentiel inconnu"),
        (json.dumps({**_document(), "blocks": []}), "blocks"),
    ],
)
def test_a_file_that_is_not_a_valid_referential_is_refused(
    tmp_path: Path, content: str, expected: str
) -> None:
    sec = tmp_path / "sec"
    agent = _secretariat(sec)
    with Store.open(sec) as store, pytest.raises(StoreError, match=expected):
        publish(store, _file(tmp_path, content), agent)
    assert _publications(sec) == []


def test_a_referential_of_another_kind_than_its_cqp_is_refused(tmp_path: Path) -> None:
    sec = tmp_path / "sec"
    agent = _secretariat(sec)
    carriere = referential_document(load_referentials().builtin_carriere)
    with Store.open(sec) as store, pytest.raises(StoreError, match="suit la règle « threshold »"):
        publish(store, _file(tmp_path, {**carriere, "id": CONSEIL, "version": "2"}), agent)
    assert _publications(sec) == []


def test_a_version_is_never_replaced_and_the_same_content_adds_nothing(tmp_path: Path) -> None:
    sec = tmp_path / "sec"
    agent = _secretariat(sec)
    with Store.open(sec) as store:
        assert publish(store, _file(tmp_path, _document()), agent).added
        # The same content again, however the file is laid out: nothing added.
        again = json.dumps(_document(), indent=4, sort_keys=True)
        assert not publish(store, _file(tmp_path, again, "encore.json"), agent).added
        # Version 2 with another content: refused.
        other = _file(tmp_path, _document(numerator=3, denominator=4), "autre.json")
        with pytest.raises(StoreError, match="version 2 existe déjà ici avec un autre contenu"):
            publish(store, other, agent)
        # The built-in version 1: the same content adds nothing, another is refused.
        assert not publish(store, _file(tmp_path, _document("1"), "v1.json"), agent).added
        changed = _file(tmp_path, _document("1", numerator=3, denominator=4), "v1bis.json")
        with pytest.raises(StoreError, match="version 1 existe déjà ici"):
            publish(store, changed, agent)
        assert store.referentials.conseil.rules.numerator == 4
    assert len(_publications(sec)) == 1


def test_new_candidates_get_the_newest_version_and_existing_ones_keep_theirs(
    tmp_path: Path,
) -> None:
    sec = tmp_path / "sec"
    agent = _secretariat(sec)
    with Store.open(sec) as store:
        evaluator = store.create_person("Bruno Métier", "CAF", ["representant_metier"], agent)
        certifier = store.create_person("Claire Certif", "Ucanss", ["certificateur"], agent)
        block, criteria = _four_criteria(store)
        before = store.create_candidate("Avant Version", "CPAM", CONSEIL, agent)
        publish(store, _file(tmp_path, _document(numerator=3, denominator=4)), agent)
        after = store.create_candidate("Après Version", "CPAM", CONSEIL, agent)
        for candidate in (before, after):
            grid = store.open_grid(candidate, block, agent, evaluator=evaluator,
                                   certifier=certifier)  # fmt: skip
            marks = [(k, V, "") for k in criteria[:3]] + [(criteria[3], N, "")]
            store.mark_criteria(candidate, grid, marks, agent)
        assert store.summary(before)["referential_version"] == "1"
        assert store.summary(after)["referential_version"] == "2"
        # The same marks, 3 of 4: 75 % fails under 4/5 (version 1), passes under 3/4.
        assert _competency_status(store, before, criteria[0]) == "failed"
        assert _competency_status(store, after, criteria[0]) == "validated"
        assert store.snapshot(after).referential.version == "2"


# --- distribution through the secretariat's bundles ------------------------------------------


@pytest.fixture
def walk(tmp_path: Path) -> dict[str, Any]:
    """A secretariat that published version 2 (threshold 3/4) and registered a candidate
    under it, given to a station with its evaluators; both trust each other."""
    sec, station = tmp_path / "sec", tmp_path / "poste"
    agent = _secretariat(sec)
    with Store.open(station):
        pass
    _trust(sec, station)
    _trust(station, sec)
    with Store.open(sec) as store:
        evaluator = store.create_person("Bruno Métier", "CAF", ["representant_metier"], agent)
        certifier = store.create_person("Claire Certif", "Ucanss", ["certificateur"], agent)
        publish(store, _file(tmp_path, _document(numerator=3, denominator=4)), agent)
        candidate = store.create_candidate("Jeanne Martin", "CPAM", CONSEIL, agent)
        assign(store, candidate, _id(station), [evaluator, certifier], agent)
    return {"sec": sec, "station": station, "agent": agent, "candidate": candidate,
            "evaluator": evaluator, "certifier": certifier}  # fmt: skip


def _own_bundle(folder: Path, name: str, types: set[str], announced: str = "1") -> Path:
    """A bundle of the folder's own events of these types only, its header announcing
    version ``announced`` of Gestionnaire conseil: what a folder that lacks the publication
    would receive (the release before wrote such plain bundles)."""
    with Store.open(folder) as store:
        raws = [
            raw
            for dossier in (REGISTRY, *store.candidate_ids())
            for raw in store.raw_events(dossier).values()
            if raw["type"] in types
        ]
        raws.sort(key=lambda r: int(r["seq"]))
        refs = {CONSEIL: announced, "gestionnaire-carriere": "1"}
        data = seal_file("bundle", store.station.id, station_key(store), 99, raws,
                         count=len(raws), referentials=refs)  # fmt: skip
    path = folder.parent / name
    path.write_bytes(data)
    return path


def test_a_candidate_under_a_published_version_goes_to_a_station_and_back(walk: Any) -> None:
    sec, station, candidate = walk["sec"], walk["station"], walk["candidate"]
    # Before the version reaches the station, what was recorded under it is refused, named.
    premature = _own_bundle(sec, "avant.carnet", {"person.created", "candidate.created"})
    report = _import(station, premature)
    (refused,) = report.rejected
    assert "référentiel inconnu ici : gestionnaire-conseil version 2" in str(refused.error)
    announced = _own_bundle(sec, "annonce.carnet", {"person.created"}, announced="2")
    assert "version 2" in str(_import(station, announced).rejected[0].error)
    with Store.open(station) as store:
        assert store.candidate_ids() == [] and store.referentials.get(CONSEIL).version == "1"

    # The secretariat's bundle carries the publication with the registry, then the dossier.
    bundle = _export(sec, "sec-1.carnet", pour=station)
    report = _import(station, bundle)
    assert not report.rejected and report.new_events > 0
    with Store.open(station) as store:
        assert store.candidate_ids() == [candidate]
        assert store.referentials.get(CONSEIL).version == "2"
        assert store.summary(candidate)["referential_version"] == "2"
        (published,) = store.referentials.published
        assert published.by == walk["agent"] and published.station == _id(sec)
        # Marks made at the station, under version 2: 3 of 4 validate the competency.
        block, criteria = _four_criteria(store)
        grid = store.open_grid(candidate, block, walk["evaluator"],
                               evaluator=walk["evaluator"], certifier=walk["certifier"])  # fmt: skip
        marks = [(k, V, "") for k in criteria[:3]] + [(criteria[3], N, "")]
        store.mark_criteria(candidate, grid, marks, walk["evaluator"])
        assert _competency_status(store, candidate, criteria[0]) == "validated"
        at_station = store.summary(candidate)
    # The same premature bundle is accepted now that the version is held.
    assert not _import(station, premature).rejected

    back = _import(sec, _export(station, "poste-1.carnet"))
    assert not back.rejected and back.new_events > 0
    with Store.open(sec) as store:
        assert store.summary(candidate) == at_station
        assert _competency_status(store, candidate, criteria[0]) == "validated"


def test_a_publication_and_what_needs_it_import_together_in_order(walk: Any) -> None:
    sec, station = walk["sec"], walk["station"]
    premature = _own_bundle(sec, "avant.carnet", {"person.created", "candidate.created"})
    bundle = _export(sec, "sec-1.carnet", pour=station)
    # One import: the secretariat's bundle first, then the one that needs its version.
    report = _import(station, bundle, premature)
    assert not report.rejected, [f.error for f in report.rejected]


def test_a_version_held_already_is_fine_and_a_conflicting_one_is_refused(
    walk: Any, tmp_path: Path
) -> None:
    sec, station = walk["sec"], walk["station"]
    assert not _import(station, _export(sec, "sec-1.carnet", pour=station)).rejected
    # Everything again, the publication included: nothing to add, nothing refused.
    again = _import(station, _export(sec, "sec-2.carnet", everything=True, pour=station))
    assert not again.rejected and again.new_events == 0
    # Another secretariat publishes a version 2 of its own, with another content.
    other = tmp_path / "autre"
    agent = _secretariat(other)
    with Store.open(other) as store:
        publish(store, _file(tmp_path, _document(numerator=2, denominator=3), "v2b.json"), agent)
    _trust(station, other)
    _trust(other, station)
    before = _publications(station)
    report = _import(station, _export(other, "autre-1.carnet", pour=station))
    (refused,) = report.rejected
    assert "version 2 publiée avec un autre contenu que celle détenue ici" in str(refused.error)
    assert "rien n'est remplacé" in str(refused.error)
    assert _publications(station) == before
    with Store.open(station) as store:
        assert store.referentials.conseil.rules.numerator == 3
        assert store.candidate_ids() == [walk["candidate"]]
        assert "Sam Secrétariat" in {p.name for p in store.people().values()}


# --- the command line ------------------------------------------------------------------------


def _carnet(*args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(list(args))
    return code, out.getvalue(), err.getvalue()


def test_carnet_referentiels_publier_and_the_listing(tmp_path: Path) -> None:
    sec = tmp_path / "sec"
    _secretariat(sec)
    path = str(_file(tmp_path, _document(numerator=3, denominator=4)))
    code, _, err = _carnet("referentiels", "publier", path, "--par", "Personne", "--data", str(sec))
    assert code == 1 and "« Personne » n'est pas un agent du secrétariat" in err
    code, out, _ = _carnet("referentiels", "publier", path, "--par", "Sam Secrétariat",
                           "--data", str(sec))  # fmt: skip
    assert code == 0 and "gestionnaire-conseil version 2 publiée" in out
    code, out, _ = _carnet("referentiels", "--data", str(sec), "publier", path,
                           "--par", "Sam Secrétariat")  # fmt: skip
    assert code == 0 and "déjà détenu ici, rien n'est ajouté" in out
    assert len(_publications(sec)) == 1
    bad = str(_file(tmp_path, "[1, 2", "mauvais.json"))
    code, _, err = _carnet("referentiels", "publier", bad, "--par", "Sam Secrétariat",
                           "--data", str(sec))  # fmt: skip
    assert code == 1 and "JSON invalide" in err and "mauvais.json" in err

    code, out, _ = _carnet("referentiels", "--json", "--data", str(sec))
    records = json.loads(out)
    assert [(r["id"], r["version"]) for r in records] == [
        (CONSEIL, "1"), ("gestionnaire-carriere", "1"), (CONSEIL, "2"),
    ]  # fmt: skip
    assert [r["current"] for r in records] == [False, True, True]
    assert records[0]["origin"]["kind"] == "integre"
    published = records[2]["origin"]
    assert published["kind"] == "publie" and published["by_name"] == "Sam Secrétariat"
    assert published["station"] == _id(sec) and published["at"].endswith("Z")
    assert records[2]["rules"]["threshold"] == "3/4"
    code, out, _ = _carnet("referentiels", "--data", str(sec))
    heads = [line for line in out.splitlines() if not line.startswith(" ")]
    assert heads[0].endswith("(version 1) — intégrée à carnet")
    assert heads[2].startswith("CQP Gestionnaire conseil de la Sécurité sociale (version 2) — "
                               "publiée par Sam Secrétariat le ")  # fmt: skip
    assert heads[2].endswith(" · version des nouveaux candidats")
    code, _, err = _carnet("referentiels", "--data", str(tmp_path / "absent"))
    assert code == 1 and "n'existe pas" in err


def test_referentiels_publier_help_is_french(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["referentiels", "publier", "--help"])
    out = capsys.readouterr().out
    assert out.startswith("utilisation : ") and "--par NOM" in out and "FICHIER" in out


# --- the event and the loader ------------------------------------------------------------------


def test_a_publication_whose_document_does_not_match_its_sha_or_names_is_refused() -> None:
    from models.events import ReferentialPublished

    document = _document()
    sha = document_sha256(document)
    good = {"referential": CONSEIL, "version": "2", "sha256": sha, "document": document}
    assert ReferentialPublished.model_validate(good).sha256 == sha
    altered = {**document, "title": "Un autre titre"}
    with pytest.raises(ValueError, match="ne correspond pas à son empreinte"):
        ReferentialPublished.model_validate({**good, "document": altered})
    with pytest.raises(ValueError, match="pas le référentiel et la version annoncés"):
        ReferentialPublished.model_validate({**good, "version": "3"})


def test_a_second_publication_of_a_version_held_never_replaces_it() -> None:
    from grids import Published, parse_document

    base = load_referentials()
    first = parse_document(_document(numerator=3, denominator=4))
    second = parse_document(_document(numerator=2, denominator=3))
    builtin = parse_document(_document("1", numerator=1, denominator=2))
    refs = base.with_published(
        Published(ref, document_sha256(referential_document(ref)), "p", "t", "s", str(i))
        for i, ref in enumerate((builtin, first, second))
    )
    assert refs.version(CONSEIL, "1").rules.numerator == 4  # the built-in one stands
    assert refs.version(CONSEIL, "2").rules.numerator == 3  # the first publication stands
    assert refs.get(CONSEIL).version == "2" and len(refs.published) == 1
    with pytest.raises(Exception, match="version 9 absent de ce dossier"):
        refs.version(CONSEIL, "9")


def test_the_consolidated_table_names_each_competency_as_its_candidates_version(
    tmp_path: Path,
) -> None:
    from store.documents.table import competency_sheet

    sec = tmp_path / "sec"
    agent = _secretariat(sec)
    reworded = _document()
    first = reworded["blocks"][0]["competencies"][0]
    first["title"] = "Intitulé reformulé par l'organisme certificateur"
    with Store.open(sec) as store:
        before = store.create_candidate("Avant Version", "CPAM", CONSEIL, agent)
        publish(store, _file(tmp_path, reworded), agent)
        after = store.create_candidate("Après Version", "CPAM", CONSEIL, agent)
        sheet = competency_sheet(store.summaries().records, store.referentials)
    titles = {(row[0], row[5]): row[6] for row in sheet.rows}
    assert titles[(after, first["id"])] == "Intitulé reformulé par l'organisme certificateur"
    assert (
        titles[(before, first["id"])]
        == load_referentials().builtin_conseil.blocks[0].competencies[0].title
    )


def test_a_station_passes_the_version_on_to_the_evaluators_laptop(
    walk: Any, tmp_path: Path
) -> None:
    sec, station, candidate = walk["sec"], walk["station"], walk["candidate"]
    laptop = tmp_path / "portable"
    with Store.open(laptop):
        pass
    _trust(laptop, sec, station)
    _trust(station, laptop)
    assert not _import(station, _export(sec, "sec-1.carnet", pour=station)).rejected
    # The tutor's station forwards the dossier, and the registry with the publication in it.
    report = _import(laptop, _export(station, "poste-portable.carnet", pour=laptop))
    assert not report.rejected, [f.error for f in report.rejected]
    with Store.open(laptop) as store:
        assert store.candidate_ids() == [candidate]
        assert store.referentials.conseil.rules.numerator == 3
        assert store.snapshot(candidate).referential.version == "2"


def test_a_documents_hash_is_that_of_its_canonical_json() -> None:
    # Any station or script must find the same hash: sorted keys, no spaces, UTF-8 as written.
    import hashlib

    document = {"title": "Gestionnaire carrière", "blocks": [{"id": "b1", "n": 1}]}
    canonical = '{"blocks":[{"id":"b1","n":1}],"title":"Gestionnaire carrière"}'
    assert document_sha256(document) == hashlib.sha256(canonical.encode()).hexdigest()
