"""Fictional demo data: people, and candidates of both CQPs at every stage, with real histories.

Deterministic for a given seed (names, stages, marks, dates), so a training session or a
benchmark can be reproduced; ids are the store's own. Histories are dated in the weeks before
``today``: logbook signatures, grids with their timed phases, letters, signatures.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any
from weakref import WeakKeyDictionary

from models.grid import phases
from models.referential import (
    Block,
    LongObservationFormat,
    ObservationFormat,
    PresentationFormat,
    ThresholdReferential,
    WeightedReferential,
)
from models.threshold import CriterionState, required
from store.credentials import KdfParams, unlock
from store.errors import StoreError
from store.layout import REGISTRY
from store.store import Draft, Store, new_id

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

AUTHOR = "demo"
DEMO_SECRET = "246813"  # every demo person's secret (README, « Using the app »)
DEMO_KDF = KdfParams(memory_cost=8 * 1024, iterations=1, lanes=1)

FIRST_NAMES = (
    "Camille", "Léa", "Hugo", "Chloé", "Lucas", "Inès", "Nathan", "Manon", "Théo", "Zoé",
    "Louis", "Jade", "Gabriel", "Éléonore", "Raphaël", "Anaïs", "Maëlys", "Noé", "Océane", "Sacha",
)  # fmt: skip
LAST_NAMES = (
    "Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand", "Leroy",
    "Moreau", "Simon", "Laurent", "Lefèvre", "Michel", "Garcia", "David", "Bertrand", "Roux",
    "Vincent", "Fournier", "Morel", "Girard", "André", "Lefebvre", "Mercier", "Dupont",
)  # fmt: skip
ORGANISMES = (
    "CPAM de la Gironde", "Carsat Aquitaine", "CAF du Nord", "Urssaf Île-de-France",
    "CGSS de la Martinique", "CNAV Île-de-France", "CPAM du Rhône", "Carsat Bretagne",
)  # fmt: skip
COMMENTS = (
    "Reformulation claire de la demande.",
    "Oubli de la prise de congé.",
    "Recherche dans la base documentaire un peu longue.",
    "Très bonne écoute active.",
    "À revoir : vérification de l'identité incomplète.",
    "",
)
SITUATIONS = (
    "Appel d'un assuré sur le délai de paiement de ses indemnités journalières.",
    "Accueil d'une allocataire venue déclarer un changement de situation.",
    "Traitement d'une réclamation écrite sur un trop-perçu.",
    "Étude d'un dossier de régularisation de carrière incomplet.",
)
LETTER_REASONS = (
    "Demande d'attestation",
    "Changement d'adresse",
    "Contestation d'un indu",
    "Demande de remboursement",
    "Réclamation sur un délai",
)
QUESTIONS = (
    ("Pourquoi avoir demandé une pièce complémentaire ?", "Le justificatif de revenus manquait."),
    ("Comment avez-vous vérifié l'identité ?", "Numéro d'immatriculation et date de naissance."),
    ("À qui transmettez-vous un dossier hors délégation ?", "Au référent technique du service."),
)
CONSEIL_STAGES = ("validated", "failed", "under_way", "fresh", "validated", "under_way")
CARRIERE_STAGES = (
    "certified", "vae_partial", "eliminated", "vae_under_way", "pending", "no_pass",
)  # fmt: skip
# The first three jury members come from organismes no demo candidate belongs to.
# The fourth is from a candidates' organisme: the app must refuse them on those dossiers.
JURY_ORGANISMES = ("Cnav", "Carsat Nord-Est", "Carsat Centre-Val de Loire", "Carsat Bretagne")
TODAY = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)


@dataclass(frozen=True)
class DemoSummary:
    people: int
    candidates: int
    events: int


@dataclass
class _History:
    """Drafts dated as they happened, each a little after the one before."""

    at: datetime
    drafts: list[Draft] = field(default_factory=list)

    def add(
        self, type: str, payload: dict[str, Any], after: timedelta, by: str | None = None
    ) -> None:
        self.at += after
        self.drafts.append(Draft(type, payload, at=self.at, by=by))


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
    _credentials(store, [p for group in people.values() for p in group])
    for index in range(candidates):
        name = f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
        organisme = rng.choice(ORGANISMES)
        tutor = people["tuteur"][index % len(people["tuteur"])]
        manager = people["manager"][index % len(people["manager"])]
        begun = TODAY - timedelta(days=90 - (index % 60), hours=index % 7)
        if index % 3 == 2:
            stage = CARRIERE_STAGES[(index // 3) % len(CARRIERE_STAGES)]
            _carriere(
                store, rng, name, organisme, stage, people, (tutor, manager), begun,
                events_per_dossier,
            )  # fmt: skip
        else:
            stage = CONSEIL_STAGES[(index - index // 3) % len(CONSEIL_STAGES)]
            _conseil(
                store, rng, name, organisme, stage, people, (tutor, manager), begun,
                events_per_dossier,
            )  # fmt: skip
        store.forget_all_but_recent()
        if progress is not None:
            progress(index + 1, candidates)
    return DemoSummary(
        people=sum(len(v) for v in people.values()),
        candidates=candidates,
        events=store.head.seq - start_seq,
    )


def _people(store: Store, rng: random.Random) -> dict[str, list[str]]:
    roles = {
        "tuteur": 4,
        "manager": 3,
        "representant_metier": 3,
        "certificateur": 2,
        "jury": 4,
        "secretariat": 2,
    }
    people: dict[str, list[str]] = {role: [] for role in roles}
    drafts = []
    for role, count in roles.items():
        for _ in range(count):
            person = new_id("p")
            people[role].append(person)
            payload = {
                "person": person,
                "name": f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}",
                "organisme": JURY_ORGANISMES[len(people[role]) - 1]
                if role == "jury"
                else rng.choice(ORGANISMES),
                "roles": [role],
            }
            drafts.append(Draft("person.created", payload, at=TODAY - timedelta(days=120)))
    store.append(REGISTRY, drafts, AUTHOR)
    return people


def _credentials(store: Store, people: list[str]) -> None:
    """Every demo person can sign with the demo secret (README); lighter KDF parameters, stored
    with each credential, keep ``carnet --demo`` quick to start."""
    production = store.kdf_params
    store.kdf_params = DEMO_KDF
    try:
        for person in people:
            if store.credential_state(person) == "none":
                store.set_secret(person, DEMO_SECRET)
    finally:
        store.kdf_params = production


def _conseil(
    store: Store,
    rng: random.Random,
    name: str,
    organisme: str,
    stage: str,
    people: dict[str, list[str]],
    tutor_manager: tuple[str, str],
    begun: datetime,
    events_per_dossier: int | None,
) -> None:
    ref = store.referentials.conseil
    tutor, manager = tutor_manager
    candidate = new_id("c")
    history = _History(begun)
    history.add("candidate.created", _candidate_payload(candidate, name, organisme, ref.id,
                                                         ref.version, None, tutor, manager,
                                                         begun.date().isoformat()),
                timedelta(0))  # fmt: skip
    # One evaluator trained this candidate: the app must refuse them on this dossier.
    trainer = people["representant_metier"][0]
    history.add("link.declared", {"person": trainer, "relation": "formateur"}, timedelta(hours=1))
    if stage == "fresh" and events_per_dossier is None:
        _write(store, candidate, history)
        return
    if stage == "fresh":
        stage = "under_way"  # a benchmark wants every dossier to carry a history
    competencies = [c for b in ref.blocks for c in b.competencies]
    attested = competencies if stage != "under_way" else competencies[: len(competencies) // 3]
    for comp in attested:
        situation = rng.choice(SITUATIONS)
        history.add("attestation.signed", {"competency": comp.id, "role": "tuteur",
                                           "person": tutor, "situation": situation},
                    timedelta(days=1, hours=rng.randint(0, 5)))  # fmt: skip
        history.add("attestation.signed", {"competency": comp.id, "role": "manager",
                                           "person": manager, "situation": situation},
                    timedelta(hours=rng.randint(1, 30)))  # fmt: skip
    evaluator = rng.choice(people["representant_metier"][1:])
    certifier = rng.choice(people["certificateur"])
    blocks = ref.blocks if stage != "under_way" else ref.blocks[:1]
    failing_block = rng.randrange(len(ref.blocks)) if stage == "failed" else None
    pad_to = events_per_dossier
    for index, block in enumerate(blocks):
        finished = stage != "under_way"
        _grid(history, rng, ref, block, evaluator, certifier,
              fail=index == failing_block, finished=finished, pad_to=pad_to)  # fmt: skip
        pad_to = None  # the first grid carries the padding
    _write(store, candidate, history)


def _grid(
    history: _History,
    rng: random.Random,
    ref: ThresholdReferential,
    block: Block,
    evaluator: str,
    certifier: str,
    *,
    fail: bool,
    finished: bool,
    pad_to: int | None,
) -> None:
    grid = new_id("g")
    fmt = block.evaluation.format
    situation = rng.choice(fmt.situations).id if isinstance(fmt, ObservationFormat) else None
    history.add("grid.opened", {"grid": grid, "block": block.id, "situation": situation,
                                "evaluator": evaluator, "certifier": certifier,
                                "declarations": [evaluator, certifier]},
                timedelta(days=7, hours=rng.randint(0, 3)))  # fmt: skip
    steps = phases(block, situation)
    first = steps[0]
    history.add("timer.started", {"grid": grid, "phase": first.id}, timedelta(minutes=2))
    if isinstance(fmt, ObservationFormat):
        history.add("interviews.counted", {"grid": grid, "count": 1}, timedelta(minutes=8))
        if finished:
            history.add("interviews.counted", {"grid": grid, "count": 2}, timedelta(minutes=7))
        for number in range(1, (fmt.letters if finished else 2) + 1):
            history.add("letter.recorded", {"grid": grid, "index": number, "processed": True,
                                            "reason": LETTER_REASONS[(number - 1) % 5]},
                        timedelta(seconds=30))  # fmt: skip
    elif isinstance(fmt, PresentationFormat):
        covered = rng.sample([c.id for c in block.competencies], 3)
        for competency in covered:
            payload = {"grid": grid, "competency": competency, "covered": True}
            history.add("coverage.marked", payload, timedelta(minutes=2))
        history.add("no_document.noted", {"grid": grid, "confirmed": True}, timedelta(seconds=5))
    elif isinstance(fmt, LongObservationFormat):
        for number, (question, answer) in enumerate(QUESTIONS, start=1):
            history.add("question.recorded", {"grid": grid, "index": number,
                                              "question": question, "answer": answer},
                        timedelta(minutes=20))  # fmt: skip
    failing = set(rng.sample(range(len(block.competencies)), 2)) if fail else set()
    marks = []
    for c_index, comp in enumerate(block.competencies):
        states = _competency_states(rng, len(comp.criteria), ref, fail=c_index in failing)
        criteria = list(zip(comp.criteria, states, strict=True))
        if not finished and c_index >= len(block.competencies) // 2:
            criteria = criteria[: c_index % 2]  # the evaluator has not got this far
        for criterion, state in criteria:
            marks.append(_mark(grid, criterion.id, state, rng.choice(COMMENTS)))
    if pad_to is not None:
        marks = _pad(marks, pad_to - len(history.drafts) - (6 if finished else 1), rng)
    for draft in marks:
        history.add(draft.type, draft.payload, timedelta(seconds=20))
    if not finished:
        history.add("timer.paused", {"grid": grid, "phase": first.id}, timedelta(minutes=1))
        return
    # The first phase ran its full time before it was paused.
    started = next(
        d.at for d in history.drafts if d.type == "timer.started" and d.payload["grid"] == grid
    )
    if started is not None:
        history.at = max(history.at, started + timedelta(minutes=first.minutes, seconds=5))
    history.add("timer.paused", {"grid": grid, "phase": first.id}, timedelta(0))
    for step in steps[1:]:
        history.add("timer.started", {"grid": grid, "phase": step.id}, timedelta(minutes=1))
        history.add("timer.paused", {"grid": grid, "phase": step.id},
                    timedelta(minutes=step.minutes, seconds=10))  # fmt: skip
    history.add(
        "grid.closed", {"grid": grid, "shortfalls": [], "reason": None}, timedelta(minutes=1)
    )
    history.add("grid.signed", {"grid": grid, "person": evaluator, "role": "representant_metier"},
                timedelta(minutes=2))  # fmt: skip
    history.add("grid.signed", {"grid": grid, "person": certifier, "role": "certificateur"},
                timedelta(minutes=1))  # fmt: skip


def _candidate_payload(
    candidate: str, name: str, organisme: str, cqp: str, version: str,
    route: str | None, tutor: str, manager: str, started: str,
) -> dict[str, Any]:  # fmt: skip
    return {
        "candidate": candidate,
        "name": name,
        "organisme": organisme,
        "cqp": cqp,
        "referential_version": version,
        "route": route,
        "tutor": tutor,
        "manager": manager,
        "started": started,
    }


def _write(store: Store, candidate: str, history: _History) -> None:
    """Writes the history; each signature in it is made by its signer with their own key (the
    dossier shows them verified), and names them as its author. A grid's signature covers the
    grid as it stands, so what comes before it is written first."""
    pending: list[Draft] = []
    jury: list[str] = []
    for draft in history.drafts:
        if draft.type == "jury.composed":
            jury = [seat["person"] for seat in draft.payload["members"]]
        if draft.type not in _SIGNED:
            pending.append(draft)
            continue
        if draft.type == "grid.signed":
            if pending:
                store.append(candidate, pending, AUTHOR)
                pending = []
            signer = draft.payload["person"]
            payload = store.grid_signature(candidate, draft.payload["grid"], signer)
        else:
            # Named in the history (the agent recording a proclamation), or the person the
            # payload names, or else the jury's first member (its proposal, its decisions).
            signer = draft.by or draft.payload.get("person") or jury[0]
            payload = draft.payload
        signed = store.prove_with(signer, _key(store, signer), candidate, draft.type, payload)
        pending.append(Draft(draft.type, signed, at=draft.at, by=signer))
    if pending:
        store.append(candidate, pending, AUTHOR)


_SIGNED = {
    "attestation.signed",
    "grid.signed",
    "jury.proposed",
    "vae.competency_decided",
    "jury.proclaimed",
}
_UNLOCKED: WeakKeyDictionary[Store, dict[str, Ed25519PrivateKey]] = WeakKeyDictionary()


def _key(store: Store, person: str) -> Ed25519PrivateKey:
    """The person's signing key, unlocked once by the demo secret."""
    cache = _UNLOCKED.setdefault(store, {})
    if person not in cache:
        credential = store.keystore.get(person)
        private = unlock(credential, DEMO_SECRET) if credential is not None else None
        if private is None:
            raise StoreError(f"démo : pas de clé personnelle pour {person}")
        cache[person] = private
    return cache[person]


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
    """Lengthens a list of marks to ``target`` with second thoughts that end where it ended.

    Each extra pair marks a criterion otherwise, then back as it was, so the verdict is the one
    the stage asked for while the dossier carries the history size a benchmark needs.
    """
    if not drafts:
        return drafts
    padded = list(drafts)
    while len(padded) + 2 <= target:
        last = rng.choice(drafts)
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
    people: dict[str, list[str]],
    tutor_manager: tuple[str, str],
    begun: datetime,
    events_per_dossier: int | None,
) -> None:
    ref: WeightedReferential = store.referentials.carriere
    vae = stage.startswith("vae")
    route = "vae" if vae else rng.choice(("nouvel_embauche", "parcours_formation"))
    candidate = new_id("c")
    history = _History(begun)
    history.add("candidate.created", _candidate_payload(candidate, name, organisme, ref.id,
                                                         ref.version, route, *tutor_manager,
                                                         begun.date().isoformat()),
                timedelta(0))  # fmt: skip
    jury = people["jury"]
    seats = [
        {"role": "caisse_nationale", "person": jury[0]},
        {"role": "branche_retraite", "person": jury[1]},
        {"role": "expert_metier", "person": jury[2]},
    ]
    if vae:
        _vae(history, rng, ref, stage, seats, events_per_dossier, people["secretariat"][0])
        _write(store, candidate, history)
        return
    history.add("jury.composed", {"members": seats, "warnings": []}, timedelta(days=1))
    if stage == "certified":
        # The seed's worked example: exactly 10,00 of average.
        marks = {"cc_interbranche": "5.7", "cc_carriere": "16.4", "ecrit": "12.1", "oral": "9",
                 "apt": "7.3"}  # fmt: skip
    elif stage == "eliminated":
        marks = {"cc_interbranche": "14", "cc_carriere": "15.5", "ecrit": "13", "oral": "6",
                 "apt": "16"}  # fmt: skip
    elif stage == "pending":
        marks = {"cc_interbranche": "11.25", "cc_carriere": "12"}
    else:
        marks = {"cc_interbranche": "12", "cc_carriere": "13", "ecrit": "11", "oral": "12.5",
                 "apt": "14"}  # fmt: skip
    history.add("pass.recorded", {"followed": stage != "no_pass"}, timedelta(days=3))
    # Who enters each mark, as the referential declares it (store/authority.py).
    by = {"oral": jury[0], "apt": tutor_manager[0]}
    agent = people["secretariat"][0]
    entered = [
        Draft("mark.entered", {"evaluation": e, "mark": m, "by": by.get(e, agent)})
        for e, m in marks.items()
    ]
    if events_per_dossier is not None:
        # Marks re-entered as the same value: a realistic amount of history, same verdict.
        while len(entered) + 5 < events_per_dossier:
            entered.append(rng.choice(entered[: len(marks)]))
    for number, draft in enumerate(entered):
        history.add(
            draft.type,
            draft.payload,
            timedelta(days=2) if number < len(marks) else timedelta(minutes=1),
        )
    if stage == "certified":
        history.add(
            "jury.proposed", {"proposal": "certification", "reasons": ""}, timedelta(days=2)
        )
        history.add("jury.proclaimed", {"decision": "certifie", "recommendations": "",
                                        "on": history.at.date().isoformat()}, timedelta(days=5),
                    by=agent)  # fmt: skip
    elif stage == "eliminated":
        history.add("jury.proposed", {"proposal": "non_certification",
                                      "reasons": "Note éliminatoire à l'épreuve orale."},
                    timedelta(days=2))  # fmt: skip
        history.add("jury.proclaimed", {"decision": "non_certifie",
                                        "recommendations": "Reprendre l'analyse de situations "
                                        "professionnelles avec le tuteur avant une nouvelle session.",
                                        "on": history.at.date().isoformat()}, timedelta(days=5),
                    by=agent)  # fmt: skip
    _write(store, candidate, history)


def _vae(
    history: _History,
    rng: random.Random,
    ref: WeightedReferential,
    stage: str,
    seats: list[dict[str, str]],
    events_per_dossier: int | None,
    agent: str,
) -> None:
    """A VAE request: admissible, proof received, decisions per competency; the partial one
    is proclaimed by the national jury."""
    first = history.at.date() - timedelta(days=3 * 365)
    last = history.at.date() - timedelta(days=30)
    history.add("vae.admissibility", {
        "related": True,
        "description": "Technicien(ne) retraite : régularisation de carrière et liquidation.",
        "periods": [{"start": first.isoformat(), "end": last.isoformat()}],
        "days": (last - first).days + 1,
        "admissible": True,
        "reason": "",
        "on": history.at.date().isoformat(),
    }, timedelta(hours=2))  # fmt: skip
    history.add("vae.proof_received", {
        "received": (history.at + timedelta(days=10)).date().isoformat(),
        "attestation_3a": "2014-06-30" if stage == "vae_partial" else None,
        "oral": stage != "vae_partial",
    }, timedelta(days=10))  # fmt: skip
    history.add("jury.composed", {"members": seats, "warnings": []}, timedelta(days=5))
    certified = [line.competency for line in ref.certification]
    decided = certified if stage == "vae_partial" else certified[:6]
    drafts = [
        {"competency": c, "validated": number < 10, "comment": ""}
        for number, c in enumerate(decided)
    ]
    if events_per_dossier is not None:
        while len(drafts) + 10 < events_per_dossier:
            drafts.append(rng.choice(drafts))  # a decision confirmed again: same outcome
    for payload in drafts:
        history.add("vae.competency_decided", payload, timedelta(minutes=3))
    if stage != "vae_partial":
        return
    history.add("jury.proposed", {"proposal": "non_certification",
                                  "reasons": "Cinq compétences relationnelles restent à démontrer."},
                timedelta(days=1))  # fmt: skip
    history.add("jury.proclaimed", {"decision": "validation_partielle",
                                    "recommendations": "Module de formation sur l'accueil et "
                                    "l'entretien, puis nouvelle présentation.",
                                    "on": history.at.date().isoformat()}, timedelta(days=7),
                by=agent)  # fmt: skip
