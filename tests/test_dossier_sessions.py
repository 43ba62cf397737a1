"""A VAE candidate in a third session: the dossier shows each past session under its own
heading, with what it decided of each certified competency, the competencies it did not decide
(acquired before) said so, and the current session's juries under a heading that names it."""

from __future__ import annotations

from datetime import date

from grids import Referentials
from store.documents.dossier import dossier_script
from store.documents.lookup import dossier_inputs
from store.store import Store
from tests.signing import secret_of
from tests.test_career import _agent
from tests.test_documents import NOW
from tests.test_vae_sessions import _person, second_jury, second_session


def test_a_third_session_lists_what_the_second_left_undecided(
    store: Store, refs: Referentials
) -> None:
    candidate, certified = second_session(store, refs)
    # The second session decides only what the first did not validate: none validated.
    p = second_jury(store, candidate)
    for competency in certified[6:]:
        store.decide_competency(candidate, competency, False, "", p["cnav"],
                                secret_of(store, p["cnav"]))  # fmt: skip
    member, agent = _person(store, "Claire Fonds"), _person(store, "Sam Secrétariat")
    store.propose(candidate, "non_certification", "Rien de nouveau.", member,
                  secret_of(store, member))  # fmt: skip
    store.proclaim(candidate, "aucune_validation", "Pratiquer encore.", date(2026, 9, 1), agent,
                   confirmed_final=True, secret=secret_of(store, agent))  # fmt: skip
    store.start_attempt(candidate, "Troisième session.", _agent(store))
    snap, people = dossier_inputs(store, candidate)
    script = dossier_script(snap, people, station=store.station.id, now=NOW)
    headings = [str(args[0]) for step, args, _ in script.steps if step == "heading"]
    assert "Session 1 — validation partielle" in headings
    assert "Session 2 — aucune validation" in headings
    assert "Session 3 (en cours)" in headings
    assert "Jurys de la session 3 (en cours)" in headings
    # Session 2's decisions: the six acquired in session 1 were not decided again.
    steps = script.steps
    at = next(i for i, (step, args, _) in enumerate(steps)
              if step == "heading" and args[0] == "Session 2 — aucune validation")  # fmt: skip
    table = next(args for step, args, _ in steps[at:] if step == "table")
    decisions = [row[1] for row in table[1]]
    assert decisions == ["acquise auparavant ou non décidée"] * 6 + ["non validée"] * (
        len(certified) - 6
    )
    said = [str(args[0]) for step, args, _ in script.steps if step == "paragraph"]
    assert "Nouvelle session demandée : Troisième session." in said
