"""The local jury's procès-verbal for a VAE candidate: the jury's decision on each certified
competency (validated, not validated, still to decide, or acquired at an earlier session, with
the jury's comment) and the outcome they give."""

from __future__ import annotations

from grids import Referentials
from store.documents.jury import local_jury_script
from store.documents.lookup import dossier_inputs
from store.store import Store
from tests.test_documents import NOW
from tests.test_vae_sessions import _candidate, _decided


def _decisions(store: Store, candidate: str) -> tuple[list[list[str]], list[str]]:
    snap, people = dossier_inputs(store, candidate)
    script = local_jury_script(snap, people, NOW)
    steps = script.steps
    at = next(i for i, (step, args, _) in enumerate(steps)
              if step == "heading" and args[0] == "Décisions sur les compétences certifiées")  # fmt: skip
    step, (header, rows, _), _ = steps[at + 1]
    assert step == "table" and list(header) == ["Compétence", "Décision", "Commentaire"]
    said = [str(args[0]) for step, args, _ in steps if step == "paragraph"]
    return [list(row) for row in rows], said


def test_the_vae_jury_record_gives_each_competencys_decision(
    store: Store, refs: Referentials
) -> None:
    candidate = _candidate(store, "vae")
    certified = _decided(store, refs, candidate, validated=6)
    rows, said = _decisions(store, candidate)
    titles = [
        f"{refs.carriere.competency(c).number}. {refs.carriere.competency(c).title}"
        for c in certified
    ]
    assert [row[0] for row in rows] == titles
    assert [row[1] for row in rows] == ["validée"] * 6 + ["non validée"] * (len(certified) - 6)
    assert "Résultat : validation partielle" in said


def test_a_second_sessions_record_names_what_was_acquired_and_what_is_to_decide(
    store: Store, refs: Referentials
) -> None:
    from tests.signing import secret_of
    from tests.test_vae_sessions import second_jury, second_session

    candidate, certified = second_session(store, refs)
    p = second_jury(store, candidate)
    secret = secret_of(store, p["cnav"])
    store.decide_competency(candidate, certified[6], True, "Vu en situation.", p["cnav"], secret)
    store.decide_competency(candidate, certified[7], False, "À reprendre.", p["cnav"], secret)
    rows, _ = _decisions(store, candidate)
    assert [row[1:] for row in rows] == [
        *[["acquise (session antérieure)", ""]] * 6,
        ["validée", "Vu en situation."],
        ["non validée", "À reprendre."],
        *[["à décider", ""]] * (len(certified) - 8),
    ]
