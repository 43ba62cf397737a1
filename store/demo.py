"""Fictional demo data: people, and candidates of both CQPs at every stage, with real histories.

Deterministic for a given seed (names, stages, marks), so a training session or a benchmark can be
reproduced; ids and timestamps are the store's own.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass

from models.referential import ThresholdReferential, WeightedReferential
from models.threshold import CriterionState, required
from store.store import Draft, Store, new_id

AUTHOR = "demo"

FIRST_NAMES = (
    "Camille",
    "Léa",
    "Hugo",
    "Chloé",
    "Lucas",
    "Inès",
    "Nathan",
    "Manon",
    "Théo",
    "Zoé",
    "Louis",
    "Jade",
    "Gabriel",
    "Éléonore",
    "Raphaël",
    "Anaïs",
    "Maëlys",
    "Noé",
    "Océane",
    "Sacha",
)
LAST_NAMES = (
    "Martin",
    "Bernard",
    "Dubois",
    "Thomas",
    "Robert",
    "Richard",
    "Petit",
    "Durand",
    "Leroy",
    "Moreau",
    "Simon",
    "Laurent",
    "Lefèvre",
    "Michel",
    "Garcia",
    "David",
    "Bertrand",
    "Roux",
    "Vincent",
    "Fournier",
    "Morel",
    "Girard",
    "André",
    "Lefebvre",
    "Mercier",
    "Dupont",
)
ORGANISMES = (
    "CPAM de la Gironde",
    "Carsat Aquitaine",
    "CAF du Nord",
    "Urssaf Île-de-France",
    "CGSS de la Martinique",
    "CNAV Île-de-France",
    "CPAM du Rhône",
    "Carsat Bretagne",
)
COMMENTS = (
    "Reformulation claire de la demande.",
    "Oubli de la prise de congé.",
    "Recherche dans la base documentaire un peu longue.",
    "Très bonne écoute active.",
    "À revoir : vérification de l'identité incomplète.",
    "",
)
CONSEIL_STAGES = ("validated", "failed", "under_way", "fresh", "validated", "under_way")
CARRIERE_STAGES = ("certified", "eliminated", "pending", "no_pass")


@dataclass(frozen=True)
class DemoSummary:
    people: int
    candidates: int
    events: int


def populate(
    store: Store,
    candidates: int = 12,
    *,
    seed: int = 2026,
    events_per_dossier: int | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> DemoSummary:
    """Writes a registry of people and ``candidates`` dossiers into an open store."""
    rng = random.Random(seed)
    start_seq = store.head.seq
    people = _people(store, rng)
    for index in range(candidates):
        name = f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
        organisme = rng.choice(ORGANISMES)
        tutor = rng.choice(people["tuteur"])
        manager = rng.choice(people["manager"])
        if index % 3 == 2:
            stage = CARRIERE_STAGES[(index // 3) % len(CARRIERE_STAGES)]
            _carriere(store, rng, name, organisme, stage, tutor, manager, events_per_dossier)
        else:
            stage = CONSEIL_STAGES[(index - index // 3) % len(CONSEIL_STAGES)]
            _conseil(store, rng, name, organisme, stage, tutor, manager, events_per_dossier)
        store.forget_all_but_recent()
        if progress is not None:
            progress(index + 1, candidates)
    return DemoSummary(
        people=sum(len(v) for v in people.values()),
        candidates=candidates,
        events=store.head.seq - start_seq,
    )


def _people(store: Store, rng: random.Random) -> dict[str, list[str]]:
    roles = {"tuteur": 4, "manager": 3, "representant_metier": 3, "certificateur": 2, "jury": 3}
    people: dict[str, list[str]] = {role: [] for role in roles}
    drafts = []
    for role, count in roles.items():
        for _ in range(count):
            person = new_id("p")
            people[role].append(person)
            payload = {
                "person": person,
                "name": f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}",
                "organisme": rng.choice(ORGANISMES),
                "roles": [role],
            }
            drafts.append(Draft("person.created", payload))
    store.append("_registry", drafts, AUTHOR)
    return people


def _conseil(
    store: Store,
    rng: random.Random,
    name: str,
    organisme: str,
    stage: str,
    tutor: str,
    manager: str,
    events_per_dossier: int | None,
) -> None:
    ref = store.referentials.conseil
    candidate = store.create_candidate(
        name, organisme, ref.id, AUTHOR, tutor=tutor, manager=manager
    )
    if stage == "fresh":
        if events_per_dossier is None:
            return
        stage = "under_way"  # a benchmark wants every dossier to carry a history
    blocks = ref.blocks if stage != "under_way" else ref.blocks[:1]
    failing_block = rng.randrange(len(ref.blocks)) if stage == "failed" else None
    drafts: list[Draft] = []
    for index, block in enumerate(blocks):
        grid = new_id("g")
        situations = getattr(block.evaluation.format, "situations", ())
        situation = rng.choice(situations).id if situations else None
        drafts.append(
            Draft("grid.opened", {"grid": grid, "block": block.id, "situation": situation})
        )
        failing = (
            set(rng.sample(range(len(block.competencies)), 2)) if index == failing_block else set()
        )
        for c_index, comp in enumerate(block.competencies):
            states = _competency_states(rng, len(comp.criteria), ref, fail=c_index in failing)
            criteria = list(zip(comp.criteria, states, strict=True))
            if stage == "under_way" and c_index >= len(block.competencies) // 2:
                criteria = criteria[: c_index % 2]  # the evaluator has not got this far
            for criterion, state in criteria:
                drafts.append(_mark(grid, criterion.id, state, rng.choice(COMMENTS)))
    if events_per_dossier is not None:
        drafts = _pad(drafts, events_per_dossier - 1, rng)
    store.append(candidate, drafts, AUTHOR)


def _competency_states(
    rng: random.Random, count: int, ref: ThresholdReferential, *, fail: bool
) -> list[CriterionState]:
    """States for one competency's criteria that pass, or fail, the threshold as asked."""
    needed = required(count, ref.rules)
    misses = rng.randint(count - needed + 1, count) if fail else rng.randint(0, count - needed)
    states = [CriterionState.NOT_VALIDATED] * misses + [CriterionState.VALIDATED] * (count - misses)
    rng.shuffle(states)
    return states


def _mark(grid: str, criterion: str, state: CriterionState, comment: str) -> Draft:
    payload = {"grid": grid, "criterion": criterion, "state": state.value, "comment": comment}
    return Draft("criterion.marked", payload)


def _pad(drafts: list[Draft], target: int, rng: random.Random) -> list[Draft]:
    """Lengthens a history to ``target`` events with second thoughts that end where it ended.

    Each extra pair marks a criterion otherwise, then back as it was, so the verdict is the one
    the stage asked for while the dossier carries the history size a benchmark needs.
    """
    marks = [d for d in drafts if d.type == "criterion.marked"]
    if not marks:
        return drafts
    padded = list(drafts)
    while len(padded) + 2 <= target:
        last = rng.choice(marks)
        other = (
            CriterionState.NOT_EVALUATED
            if last.payload["state"] != CriterionState.NOT_EVALUATED.value
            else CriterionState.VALIDATED
        )
        padded.append(_mark(last.payload["grid"], last.payload["criterion"], other, "Hésitation."))
        padded.append(last)
    return padded


def _carriere(
    store: Store,
    rng: random.Random,
    name: str,
    organisme: str,
    stage: str,
    tutor: str,
    manager: str,
    events_per_dossier: int | None,
) -> None:
    ref: WeightedReferential = store.referentials.carriere
    route = rng.choice(("nouvel_embauche", "parcours_formation"))
    candidate = store.create_candidate(
        name, organisme, ref.id, AUTHOR, route=route, tutor=tutor, manager=manager
    )
    if stage == "certified":
        # The seed's worked example: exactly 10,00 of average.
        marks = {
            "cc_interbranche": "5.7",
            "cc_carriere": "16.4",
            "ecrit": "12.1",
            "oral": "9",
            "apt": "7.3",
        }
    elif stage == "eliminated":
        marks = {
            "cc_interbranche": "14",
            "cc_carriere": "15.5",
            "ecrit": "13",
            "oral": "6",
            "apt": "16",
        }
    elif stage == "pending":
        marks = {"cc_interbranche": "11.25", "cc_carriere": "12"}
    else:
        marks = {
            "cc_interbranche": "12",
            "cc_carriere": "13",
            "ecrit": "11",
            "oral": "12.5",
            "apt": "14",
        }
    drafts = [Draft("pass.recorded", {"followed": stage != "no_pass"})]
    drafts += [Draft("mark.entered", {"evaluation": e, "mark": m}) for e, m in marks.items()]
    if events_per_dossier is not None:
        # Marks re-entered as the same value: a realistic amount of history, same verdict.
        entered = drafts[1:]
        while len(drafts) + 1 < events_per_dossier:
            drafts.append(rng.choice(entered))
    store.append(candidate, drafts, AUTHOR)
