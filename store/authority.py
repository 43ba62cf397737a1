"""Who may do what, by the seeds: checked by the store, whatever screen or script asks.

Each refusal names the rule it applies, in French, so that the person refused knows why and
who may do it instead. The rules come from the seeds (see DOMAIN.md, « Who may do what ») and,
where they concern the referential, from its JSON (which role enters which mark, who speaks
for the certifying body on VAE admissibility).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from models.events import PERSON_ROLES, PersonCreated
from models.people import PersonRecord
from store.errors import ConflictError


class AuthorityError(ConflictError):
    """Refused because the author is not the person the rule names."""

    def __init__(self, message: str, rule: str) -> None:
        super().__init__(f"{message} Règle : {rule}")
        self.rule = rule


def refused(who: str, action: str, rule: str) -> AuthorityError:
    return AuthorityError(f"{who} ne peut pas {action}.", rule)


def person_or_refuse(
    people: Mapping[str, PersonCreated], author: str, action: str, rule: str
) -> PersonCreated:
    """The registry entry of the author; an event made by no known person is refused."""
    found = people.get(author)
    if found is None:
        raise refused("Une personne non identifiée (« " + author[:40] + " »)", action, rule)
    check_active(found, action)
    return found


def check_active(person: PersonCreated, action: str) -> None:
    """A deactivated person acts, signs and is chosen no more; the refusal gives the rule and
    the reason they were deactivated. What they signed before stays valid."""
    if isinstance(person, PersonRecord) and not person.active:
        why = f" ({person.deactivation})" if person.deactivation else ""
        raise AuthorityError(
            f"{person.name} est désactivé(e){why} et ne peut pas {action}.", RULES["inactive"]
        )


def require_role(
    people: Mapping[str, PersonCreated], author: str, role: str, action: str, rule: str
) -> PersonCreated:
    found = person_or_refuse(people, author, action, rule)
    if role not in found.roles:
        raise refused(f"{found.name} (non déclaré(e) {PERSON_ROLES[role].lower()})", action, rule)
    return found


def require_one_of(
    people: Mapping[str, PersonCreated],
    author: str,
    allowed: Iterable[str],
    action: str,
    rule: str,
) -> PersonCreated:
    found = person_or_refuse(people, author, action, rule)
    if author not in set(allowed):
        raise refused(found.name, action, rule)
    return found


RULES = {
    "amend": "une grille signée ne se corrige, par avenant, que par l'un de ses deux "
    "évaluateurs (le représentant métier et le certificateur ou délégataire qui l'ont signée).",
    "proposal": "la proposition de certification ou l'avis argumenté de non-certification "
    "est rendu par un membre du jury local composé pour ce candidat.",
    "vae_decision": "le jury local, composé pour ce candidat, décide de chaque compétence "
    "certifiée en VAE ; la décision est prise par l'un de ses membres.",
    "vae_admissibility": "la recevabilité de la demande de VAE est étudiée par l'organisme "
    "certificateur (l'Ucanss).",
    "proclamation": "la proclamation du jury paritaire national est enregistrée par un agent "
    "du secrétariat.",
    "conflict": "un conflit entre deux postes est tranché par un agent du secrétariat.",
    "people": "les personnes et les candidats sont modifiés ou désactivés, et les organismes "
    "ajoutés au registre, par un agent du secrétariat.",
    "inactive": "une personne désactivée ne signe plus et n'est plus choisie pour un rôle ; "
    "ses signatures passées restent valables.",
    "tutor_manager": "le carnet de suivi est attesté par le tuteur et par le manager : deux "
    "personnes différentes.",
}
