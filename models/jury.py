"""Who may sit on a Gestionnaire carrière local jury.

The seed: one representative of the national fund (or its delegate), one representative of the
pension branch from another organisme than the candidate's, one business expert from another
organisme than the candidate's; "preferably" all from different organismes, so sharing an
organisme is a warning, not a refusal.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Protocol

from models.errors import CarnetError
from models.people import organisme_key
from models.referential import JuryMemberRole, WeightedReferential

JURY_ROLES = {
    "caisse_nationale": "Représentant de la Caisse nationale ou délégataire",
    "branche_retraite": "Représentant de la Branche retraite",
    "expert_metier": "Expert métier",
}


class JuryError(CarnetError):
    """A local jury that the seed does not allow."""

    def __init__(self, message: str, role: str | None = None) -> None:
        super().__init__(message)
        self.role = role


class Member(Protocol):
    @property
    def name(self) -> str: ...

    @property
    def organisme(self) -> str: ...


def same_organisme(a: str, b: str) -> bool:
    """Whether two organismes are one registry entry: the registry holds one entry per
    ``organisme_key`` (« Carsat Rhône-Alpes », « CARSAT  rhone alpes » and « Carsat Rhône
    Alpes » are one), so comparing keys compares entries, for earlier free-text data too."""
    return organisme_key(a) == organisme_key(b)


def check_local_jury(
    ref: WeightedReferential,
    members: Sequence[tuple[str, str]],
    people: Mapping[str, Member],
    candidate_organisme: str,
) -> list[str]:
    """Refuses a jury the seed forbids (``JuryError`` naming the role); returns the warnings."""
    roles = [role for role, _ in members]
    for spec in ref.juries.local.members:
        if roles.count(spec.role) != 1:
            raise JuryError(f"Il faut un et un seul membre : {spec.text}.", spec.role)
    if len(members) != len(ref.juries.local.members):
        raise JuryError("Le jury local compte exactement trois membres.")
    persons = [person for _, person in members]
    if len(set(persons)) != len(persons):
        raise JuryError("Une même personne ne peut pas tenir deux places dans le jury.")
    specs: dict[str, JuryMemberRole] = {spec.role: spec for spec in ref.juries.local.members}
    for role, person in members:
        found = people.get(person)
        if found is None:
            raise JuryError(f"Personne inconnue : {person}.", role)
        if specs[role].other_organisme_required and same_organisme(
            found.organisme, candidate_organisme
        ):
            raise JuryError(
                f"{found.name} ({found.organisme}) ne peut pas siéger comme "
                f"« {JURY_ROLES[role].lower()} » : ce membre doit venir d'un autre organisme "
                "que celui du candidat.",
                role,
            )
    warnings = []
    for index, person_a in enumerate(persons):
        for person_b in persons[index + 1 :]:
            a, b = people[person_a], people[person_b]
            if same_organisme(a.organisme, b.organisme):
                warnings.append(
                    f"{a.name} et {b.name} sont du même organisme ({a.organisme}) : "
                    f"{ref.juries.local.distinct_organismes_text}"
                )
    return warnings
