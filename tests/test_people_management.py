"""People and candidates managed by the secretariat (issue 11): edits and deactivations are new
events naming the agent, refused with the rule named and nothing recorded, and what the app,
the documents and ``status --json`` show follows the latest edit."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from models.people import Organismes, PersonRecord
from store.authority import AuthorityError
from store.errors import StoreError
from store.layout import REGISTRY, REGISTRY_FILE
from store.store import Store
from tests.signing import secret_of

DAY = date(2026, 3, 2)


def _setup(store: Store) -> dict[str, str]:
    p = {
        "sec": store.create_person("Sam Secrétariat", "Ucanss", ["secretariat"], "t"),
        "tutor": store.create_person("Tom Tuteur", "Carsat Bretagne", ["tuteur"], "t"),
        "tutor2": store.create_person("Olga Tutrice", "Carsat Bretagne", ["tuteur"], "t"),
        "manager": store.create_person(
            "Mona Manager", "Carsat Bretagne", ["manager", "tuteur"], "t"
        ),
    }
    p["cand"] = store.create_candidate(
        "Jeanne Martn",
        "Carsat Bretagne",
        "gestionnaire-conseil",
        "t",
        tutor=p["tutor"],
        manager=p["manager"],
        started=date(2026, 1, 5),
    )
    return p


def _registry_lines(store: Store) -> int:
    return len((store.folder / REGISTRY_FILE).read_bytes().splitlines())


def test_an_agent_edits_a_person_as_a_new_event_with_its_history(store: Store) -> None:
    p = _setup(store)
    before = (store.folder / REGISTRY_FILE).read_bytes()
    store.edit_person(
        p["tutor"],
        p["sec"],
        name="Tom Tuteur-Leroy",
        organisme="Carsat Bretagne",
        roles=["tuteur", "jury"],
        reason="nom d'usage",
    )
    # Append-only: what was stored is still there, byte for byte, at the start of the file.
    assert (store.folder / REGISTRY_FILE).read_bytes().startswith(before.rstrip(b"\n"))
    person = store.people()[p["tutor"]]
    assert (person.name, person.roles) == ("Tom Tuteur-Leroy", ("tuteur", "jury"))
    (change,) = store.person_history(p["tutor"])
    assert change.by == p["sec"] and change.reason == "nom d'usage"
    assert {(c.field, c.before, c.after) for c in change.changes} == {
        ("name", "Tom Tuteur", "Tom Tuteur-Leroy"),
        ("roles", "tuteur", "tuteur,jury"),
    }
    # The candidate's record names the tutor as they now are.
    (record,) = store.summaries().records
    assert record["tutor_name"] == "Tom Tuteur-Leroy"


def test_the_edit_survives_reopening_the_folder(tmp_path: Path) -> None:
    with Store.open(tmp_path / "d") as store:
        p = _setup(store)
        store.summaries()  # the index caches the old tutor name
        store.edit_person(
            p["tutor"], p["sec"], name="Tom Neuf", organisme="Carsat Bretagne", roles=["tuteur"]
        )
    with Store.open(tmp_path / "d") as store:
        assert store.people()[p["tutor"]].name == "Tom Neuf"
        assert store.summaries().records[0]["tutor_name"] == "Tom Neuf"
        assert len(store.person_history(p["tutor"])) == 1


@pytest.mark.parametrize("author", ["t", "tutor"])
def test_only_a_secretariat_agent_edits_or_deactivates(store: Store, author: str) -> None:
    p = _setup(store)
    who = p.get(author, author)
    lines = _registry_lines(store)
    with pytest.raises(AuthorityError, match="Règle : les personnes et les candidats"):
        store.edit_person(p["tutor"], who, name="X", organisme="Carsat Bretagne", roles=["tuteur"])
    with pytest.raises(AuthorityError, match="agent du secrétariat"):
        store.deactivate_person(p["tutor"], "a quitté l'organisme", who)
    events = len(store.snapshot(p["cand"]).events)
    with pytest.raises(AuthorityError, match="Règle : les personnes"):
        store.edit_candidate(
            p["cand"], who, name="Jeanne Martin", started=None, tutor=None, manager=None
        )
    with pytest.raises(AuthorityError, match="Règle : les personnes"):
        store.deactivate_candidate(p["cand"], "abandon", who)
    assert _registry_lines(store) == lines
    assert len(store.snapshot(p["cand"]).events) == events


def test_a_candidate_name_typo_is_fixed_and_followed_everywhere(store: Store) -> None:
    p = _setup(store)
    store.edit_candidate(
        p["cand"],
        p["sec"],
        name="Jeanne Martin",
        started=date(2026, 1, 6),
        tutor=p["tutor"],
        manager=p["manager"],
    )
    snap = store.snapshot(p["cand"])
    assert snap.state.candidate is not None
    assert (snap.state.candidate.name, snap.state.candidate.started) == (
        "Jeanne Martin",
        date(2026, 1, 6),
    )
    (change,) = snap.state.candidate_history
    assert change.by == p["sec"]
    assert {(c.field, c.before, c.after) for c in change.changes} == {
        ("name", "Jeanne Martn", "Jeanne Martin"),
        ("started", "2026-01-05", "2026-01-06"),
    }
    # The creation event is as it was: the edit is one more event.
    assert snap.events[0].payload["name"] == "Jeanne Martn"
    assert snap.events[-1].type == "candidate.edited"
    (record,) = store.summaries().records
    assert (record["name"], record["started"], record["edits"]) == (
        "Jeanne Martin",
        "2026-01-06",
        1,
    )


def test_a_new_tutor_takes_effect_with_a_date_and_a_reason(store: Store) -> None:
    p = _setup(store)

    def change(**kw: object) -> None:
        store.edit_candidate(
            p["cand"],
            p["sec"],
            name="Jeanne Martn",
            started=date(2026, 1, 5),
            tutor=p["tutor2"],
            manager=p["manager"],
            **kw,  # type: ignore[arg-type]
        )

    with pytest.raises(StoreError) as caught:
        change(reason="mutation du tuteur")
    assert str(caught.value) == "Un changement de tuteur ou de manager prend effet à une date."
    with pytest.raises(StoreError, match="motivé"):
        change(effective=DAY)
    with pytest.raises(StoreError, match="avant l'entrée en formation ou en VAE"):
        change(effective=date(2025, 12, 31), reason="mutation du tuteur")
    change(effective=DAY, reason="mutation du tuteur")
    state = store.snapshot(p["cand"]).state
    assert state.candidate is not None and state.candidate.tutor == p["tutor2"]
    (entry,) = state.candidate_history
    assert (entry.effective, entry.reason) == ("2026-03-02", "mutation du tuteur")
    # The former tutor no longer signs the logbook, but is still no independent evaluator.
    assert state.related(p["tutor"], former=False) == []
    assert state.related(p["tutor"]) == ["tuteur"]
    with pytest.raises(StoreError, match="n'est pas déclaré"):
        store.sign_attestation(
            p["cand"], "gc.b1.c1", "tuteur", p["tutor"], "accueil", secret_of(store, p["tutor"])
        )
    store.sign_attestation(
        p["cand"], "gc.b1.c1", "tuteur", p["tutor2"], "accueil", secret_of(store, p["tutor2"])
    )


def test_tutor_and_manager_stay_two_people_on_an_edit(store: Store) -> None:
    p = _setup(store)
    events = len(store.snapshot(p["cand"]).events)
    with pytest.raises(AuthorityError, match="deux personnes différentes"):
        store.edit_candidate(
            p["cand"],
            p["sec"],
            name="Jeanne Martn",
            started=None,
            tutor=p["manager"],
            manager=p["manager"],
            effective=DAY,
            reason="réorganisation",
        )
    assert len(store.snapshot(p["cand"]).events) == events


def test_a_deactivated_person_signs_no_more_and_is_chosen_no_more(store: Store) -> None:
    p = _setup(store)
    secret = secret_of(store, p["tutor"])
    store.sign_attestation(p["cand"], "gc.b1.c1", "tuteur", p["tutor"], "accueil", secret)
    store.deactivate_person(p["tutor"], "a quitté l'organisme", p["sec"])
    tutor = store.people()[p["tutor"]]
    assert isinstance(tutor, PersonRecord) and not tutor.active
    events = len(store.snapshot(p["cand"]).events)
    with pytest.raises(AuthorityError, match=r"désactivé.*Règle : une personne désactivée"):
        store.sign_attestation(p["cand"], "gc.b1.c2", "tuteur", p["tutor"], "accueil", secret)
    assert len(store.snapshot(p["cand"]).events) == events
    with pytest.raises(AuthorityError, match="désactivé"):
        store.create_candidate(
            "Paul", "Carsat Bretagne", "gestionnaire-conseil", "t", tutor=p["tutor"]
        )
    with pytest.raises(AuthorityError, match="désactivé"):
        store.edit_person(
            p["tutor"], p["sec"], name="Tom", organisme="Carsat Bretagne", roles=["tuteur"]
        )
    # The signature made before stays in force and verified.
    state = store.snapshot(p["cand"]).state
    assert state.attestations["gc.b1.c1"]["tuteur"].person == p["tutor"]
    assert list(store.signature_states(p["cand"]).values()) == [None]  # None: it verifies
    (change,) = store.person_history(p["tutor"])
    assert (change.kind, change.reason, change.by) == (
        "deactivated",
        "a quitté l'organisme",
        p["sec"],
    )


def test_a_deactivated_agent_loses_their_authority(store: Store) -> None:
    p = _setup(store)
    other = store.create_person("Sue Secrétariat", "Ucanss", ["secretariat"], "t")
    store.deactivate_person(p["sec"], "départ en retraite", other)
    with pytest.raises(AuthorityError, match="Sam Secrétariat est désactivé"):
        store.deactivate_candidate(p["cand"], "abandon", p["sec"])
    # Nor is anything else recorded in their name, even where no rule names a person.
    events = len(store.snapshot(p["cand"]).events)
    with pytest.raises(AuthorityError, match="ne peut pas enregistrer"):
        store.declare_link(p["cand"], p["tutor2"], "superieur", p["sec"])
    assert len(store.snapshot(p["cand"]).events) == events


def test_a_deactivated_candidate_takes_no_more_entries_and_says_so(store: Store) -> None:
    p = _setup(store)
    store.deactivate_candidate(p["cand"], "a quitté le parcours", p["sec"])
    (record,) = store.summaries().records
    assert record["active"] is False
    assert record["deactivated"]["reason"] == "a quitté le parcours"
    assert record["deactivated"]["by"] == p["sec"]
    assert record["status"] == "pending"  # the existing fields stay
    assert record["edits"] == 0  # a deactivation is not an edit
    events = len(store.snapshot(p["cand"]).events)
    with pytest.raises(StoreError, match="désactivé"):
        store.declare_link(p["cand"], p["tutor2"], "superieur", p["sec"])
    assert len(store.snapshot(p["cand"]).events) == events


def test_an_edit_must_change_something_and_name_a_known_organisme(store: Store) -> None:
    p = _setup(store)
    lines = _registry_lines(store)
    with pytest.raises(StoreError, match="Aucune modification"):
        store.edit_person(
            p["tutor"], p["sec"], name="Tom Tuteur", organisme="Carsat Bretagne", roles=["tuteur"]
        )
    with pytest.raises(StoreError, match="Organisme inconnu du registre"):
        store.edit_person(
            p["tutor"], p["sec"], name="Tom Tuteur", organisme="Carsat Bretgne", roles=["tuteur"]
        )
    with pytest.raises(StoreError, match="Aucune modification"):  # the same roles, reordered
        store.edit_person(
            p["manager"],
            p["sec"],
            name="Mona Manager",
            organisme="carsat bretagne",
            roles=["tuteur", "manager"],
        )
    assert _registry_lines(store) == lines


@pytest.mark.slow
async def test_edit_a_candidate_from_the_dossier(tmp_path: Path) -> None:
    """« e » on the dossier: tutor = manager is refused under the manager's field with nothing
    written; a new tutor with its date and reason is recorded, shown in the identity line and
    in the history with who, before → after and why."""
    from textual.widgets import Input

    from tests.conftest import ready, until
    from tests.screen_text import screen_text
    from tui.app import build_app
    from tui.modals.candidate_edit import CandidateEditForm
    from tui.screens.dossier import DossierScreen
    from tui.screens.history import HistoryScreen
    from tui.text import Select

    folder = tmp_path / "data"
    with Store.open(folder) as store:
        p = _setup(store)
    app = build_app(folder)
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(app.screen.loaded)  # type: ignore[attr-defined]
        app.operator = p["sec"]
        dossier = DossierScreen(p["cand"])
        app.push_screen(dossier)
        await ready(dossier.loaded, "le dossier")
        await pilot.press("e")
        await until(lambda: isinstance(app.screen, CandidateEditForm), "le formulaire", pilot)
        form = app.screen
        form.query_one("#tutor", Select).value = p["manager"]
        await pilot.press("ctrl+s")
        await until(
            lambda: "deux personnes" in str(form.query_one("#error-manager").render()),
            "le refus sous le champ",
            pilot,
        )
        with Store.open(folder, read_only=True) as store:
            assert store.snapshot(p["cand"]).state.candidate_history == []
        form.query_one("#tutor", Select).value = p["tutor2"]
        form.query_one("#effective", Input).value = "02/03/2026"
        form.query_one("#reason", Input).value = "mutation du tuteur"
        await pilot.press("ctrl+s")
        await until(lambda: app.screen is dossier, "le retour au dossier", pilot)
        await until(lambda: "tuteur : Olga Tutrice" in screen_text(app), "le tuteur", pilot)
        await pilot.press("h")
        await until(lambda: isinstance(app.screen, HistoryScreen), "l'historique", pilot)
        await pilot.press("down")
        # The highlighted event's detail, in full (the screen wraps it at 80 columns).
        text = str(app.screen.query_one("#history-detail").render())
        assert "Candidat modifié" in text
        assert "par Sam Secrétariat" in text
        assert "« Tom Tuteur » → « Olga Tutrice »" in text
        assert "motif : mutation du tuteur" in text
    with Store.open(folder, read_only=True) as store:
        state = store.snapshot(p["cand"]).state
    assert state.candidate is not None and state.candidate.tutor == p["tutor2"]


# --- the organismes registry ------------------------------------------------------------

FIXTURES = Path(__file__).parent / "fixtures" / "release1"


def test_an_agent_registers_an_organisme_once_whatever_its_spelling(store: Store) -> None:
    p = _setup(store)
    with pytest.raises(AuthorityError, match="Règle : les personnes"):
        store.register_organisme("Carsat Rhône-Alpes", p["tutor"])
    assert store.register_organisme("Carsat  Rhône-Alpes", p["sec"]) == "Carsat Rhône-Alpes"
    lines = _registry_lines(store)
    for typo in ("Carsat Rhône Alpes", "CARSAT rhone-alpes", "carsat rhône.alpes"):
        with pytest.raises(StoreError, match="déjà au registre sous le nom « Carsat Rhône-Alpes »"):
            store.register_organisme(typo, p["sec"])
    assert _registry_lines(store) == lines
    # A form's spelling is the registry's entry; an unknown one is refused, nothing written.
    person = store.create_person(
        "Ugo", "carsat rhone alpes", ["jury"], p["sec"], strict_organisme=True
    )
    assert store.people()[person].organisme == "Carsat Rhône-Alpes"
    with pytest.raises(StoreError, match="Organisme inconnu du registre"):
        store.create_person("Vera", "Carsat Rhône", ["jury"], p["sec"], strict_organisme=True)
    with pytest.raises(StoreError, match="Organisme inconnu du registre"):
        store.create_candidate(
            "Ana", "Carsat Rhône", "gestionnaire-conseil", p["sec"], strict_organisme=True
        )
    assert store.organismes().count("Carsat Rhône-Alpes") == 1


def test_the_jury_rule_compares_registry_entries(store: Store) -> None:
    """« Carsat Rhône Alpes » (free text of an earlier release) is the candidate's own
    « Carsat Rhône-Alpes »: refused as the pension branch's representative."""
    from models.jury import JuryError

    members = {
        "caisse_nationale": store.create_person("Claire Fonds", "Cnav", ["jury"], "t"),
        "branche_retraite": store.create_person("Rémi", "Carsat Rhône Alpes", ["jury"], "t"),
        "expert_metier": store.create_person("Eva Métier", "Carsat Sud", ["jury"], "t"),
    }
    candidate = store.create_candidate(
        "Jeanne", "Carsat Rhône-Alpes", "gestionnaire-carriere", "t", route="parcours_formation"
    )
    with pytest.raises(JuryError, match="autre organisme"):
        store.check_jury(candidate, list(members.items()))


def test_a_folder_of_the_previous_release_derives_its_organismes(tmp_path: Path) -> None:
    """Free-text organismes written before the registry are its entries when read (people's
    and candidates'); forms and edits work on them, nothing is rewritten."""
    import shutil

    folder = tmp_path / "st"
    shutil.copytree(FIXTURES / "st", folder)
    with Store.open(folder) as store:
        choices = store.organisme_choices()
        assert {"Carsat Bretagne", "CPAM du Rhône", "Cnav", "CNAV Île-de-France"} <= set(choices)
        assert len(choices) == len(set(choices))
        # A read-time mapping: no event is written to derive them.
        types = {e["type"] for e in store.raw_events(REGISTRY).values()}
        assert "organisme.registered" not in types
        # That release had no secretariat agent: the folder's first one is created.
        agent = store.create_person("Sam Secrétariat", "Cnav", ["secretariat"], "t")
        tutor = next(pid for pid, p in store.people().items() if "tuteur" in p.roles)
        store.edit_person(
            tutor,
            agent,
            name=store.people()[tutor].name,
            organisme="cpam du rhone",
            roles=["tuteur"],
            reason="mutation",
        )
        assert store.people()[tutor].organisme == "CPAM du Rhône"
        (record,) = store.summaries().records
        assert record["active"] is True and record["status"] in {"validated", "failed", "pending"}
    with Store.open(folder) as store:
        assert store.people()[tutor].organisme == "CPAM du Rhône"


_WORDS = st.lists(
    st.text(alphabet="abcdeéèêîôçrstuAÉRST", min_size=1, max_size=8), min_size=1, max_size=4
)


@given(_WORDS, st.lists(st.sampled_from([" ", "-", "  ", " - ", "."]), min_size=3, max_size=3))
def test_spellings_differing_by_case_accents_or_separators_are_one_entry(
    words: list[str], separators: list[str]
) -> None:
    """However an organisme is spelt (case, accents, hyphens, dots, spaces), the registry
    holds it once, under the spelling registered first."""
    import unicodedata

    plain = " ".join(words)
    variant = "".join(
        w.upper() if i % 2 else unicodedata.normalize("NFD", w)
        for i, w in enumerate(words)
        for w in (w + separators[i % 3],)
    )
    organismes = Organismes()
    organismes.add(plain)
    organismes.add(variant)
    assert organismes.sorted() == [plain]
    assert organismes.canonical(variant) == plain


def test_carnet_status_says_a_candidate_is_deactivated(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from tui.cli import main

    folder = tmp_path / "d"
    with Store.open(folder) as store:
        p = _setup(store)
        store.deactivate_candidate(p["cand"], "a quitté le parcours", p["sec"])
    assert main(["status", "--data", str(folder)]) == 0
    out = capsys.readouterr().out
    assert "Jeanne Martn" in out and out.rstrip().endswith("(désactivé)")


def test_the_dossier_document_names_people_as_they_now_are(store: Store) -> None:
    import io
    from datetime import UTC, datetime

    import pypdf

    from store.documents.dossier import dossier_pdf
    from store.documents.lookup import dossier_inputs

    p = _setup(store)
    store.edit_candidate(
        p["cand"],
        p["sec"],
        name="Jeanne Martin",
        started=date(2026, 1, 5),
        tutor=p["tutor"],
        manager=p["manager"],
    )
    store.edit_person(
        p["tutor"], p["sec"], name="Tom Leroy", organisme="Carsat Bretagne", roles=["tuteur"]
    )
    snap, people = dossier_inputs(store, p["cand"])
    pdf = dossier_pdf(snap, people, station="s", now=datetime(2026, 12, 7, tzinfo=UTC)).data
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    text = " ".join(" ".join(page.extract_text().split()) for page in reader.pages)
    assert "Jeanne Martin" in text and "Jeanne Martn" not in text
    assert "Tom Leroy" in text and "Tom Tuteur" not in text


PEOPLE_RULE = (
    "Règle : les personnes et les candidats sont modifiés ou désactivés, et les organismes "
    "ajoutés au registre, par un agent du secrétariat."
)


@pytest.mark.parametrize(
    ("action", "said"),
    [
        ("edit_person", f"ne peut pas modifier une personne. {PEOPLE_RULE}"),
        ("deactivate_person", f"ne peut pas désactiver une personne. {PEOPLE_RULE}"),
        ("edit_candidate", f"ne peut pas modifier un candidat. {PEOPLE_RULE}"),
        ("deactivate_candidate", f"ne peut pas désactiver un candidat. {PEOPLE_RULE}"),
        ("register_organisme", f"ne peut pas ajouter un organisme au registre. {PEOPLE_RULE}"),
        (
            "reset_secret",
            "ne peut pas réinitialiser un secret. Règle : un secret verrouillé ou oublié est "
            "réinitialisé par un agent du secrétariat, avec un motif.",
        ),
    ],
)
def test_a_refusal_names_the_person_the_action_and_the_rule_word_for_word(
    store: Store, action: str, said: str
) -> None:
    p = _setup(store)
    tutor = p["tutor"]
    calls = {
        "edit_person": lambda: store.edit_person(
            p["tutor2"], tutor, name="X", organisme="Carsat Bretagne", roles=["tuteur"]
        ),
        "deactivate_person": lambda: store.deactivate_person(p["tutor2"], "départ", tutor),
        "edit_candidate": lambda: store.edit_candidate(
            p["cand"], tutor, name="X", started=None, tutor=None, manager=None
        ),
        "deactivate_candidate": lambda: store.deactivate_candidate(p["cand"], "abandon", tutor),
        "register_organisme": lambda: store.register_organisme("Caf du Nord", tutor),
        "reset_secret": lambda: store.reset_secret(p["tutor2"], "oubli", tutor),
    }
    with pytest.raises(AuthorityError) as caught:
        calls[action]()
    assert str(caught.value) == f"Tom Tuteur (non déclaré(e) agent du secrétariat) {said}"


def test_a_new_manager_is_checked_even_when_the_tutor_stays(store: Store) -> None:
    p = _setup(store)
    # The tutor is kept as is: the new manager must still hold the manager's role.
    with pytest.raises(StoreError) as caught:
        store.edit_candidate(
            p["cand"], p["sec"], name="Jeanne Martn", started=date(2026, 1, 5),
            tutor=p["tutor"], manager=p["tutor2"], effective=DAY, reason="mutation",
        )  # fmt: skip
    assert str(caught.value) == "Olga Tutrice n'est pas déclaré(e) manager."


def test_a_date_given_with_a_mere_name_fix_is_not_recorded(store: Store) -> None:
    p = _setup(store)
    store.edit_candidate(
        p["cand"], p["sec"], name="Jeanne Martin", started=date(2026, 1, 5),
        tutor=p["tutor"], manager=p["manager"], effective=DAY, reason="faute de frappe",
    )  # fmt: skip
    # No tutor or manager changed: « prend effet le » would say something that did not happen.
    assert store.snapshot(p["cand"]).events[-1].payload["effective"] is None


def test_the_list_read_before_the_store_opens_names_the_tutor(tmp_path: Path) -> None:
    from store.roster import read_roster

    folder = tmp_path / "d"
    with Store.open(folder) as store:
        p = _setup(store)
        store.summaries()  # writes the index and, with it, the roster the home screen reads
    rows, complete = read_roster(folder)
    assert complete
    (row,) = rows
    assert (row["id"], row["name"], row["tutor_name"]) == (p["cand"], "Jeanne Martn", "Tom Tuteur")
    assert row["active"] is True


def test_a_new_organisme_typed_as_a_known_one_is_the_known_one(store: Store) -> None:
    """A form's « nouvel organisme » field: a spelling of one already registered (case,
    accents, spaces aside) is that one, with nothing added; another name is registered."""
    p = _setup(store)
    before = store.organismes()
    assert store.organisme_or_register("  carsat  BRETAGNE ", p["sec"]) == "Carsat Bretagne"
    assert store.organismes() == before
    assert store.organisme_or_register("CAF du Nord", p["sec"]) == "CAF du Nord"
    assert sorted(store.organismes()) == sorted([*before, "CAF du Nord"])
