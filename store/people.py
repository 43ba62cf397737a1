"""People and candidates managed by the secretariat: edits, deactivations and the organismes
registry (issue 11). Every change is a new event naming the agent who made it; the events
that created a person or a candidate are never rewritten, so the history shows each change
with what it replaced, and signatures made before stay valid."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import TYPE_CHECKING, Any

from models.events import PERSON_ROLES, PersonCreated
from models.people import Organismes, RegistryState, is_active, organisme_key
from store.authority import RULES, AuthorityError, check_active, require_role
from store.draft import Draft
from store.errors import StoreError
from store.layout import REGISTRY

if TYPE_CHECKING:
    from models.dossier import DossierState
    from models.events import Event
    from store.store import Listing


class PeopleActions:
    if TYPE_CHECKING:
        _reg: RegistryState

        def append(self, dossier: str, drafts: Sequence[Draft], author: str) -> list[Event]: ...
        def people(self) -> dict[str, PersonCreated]: ...
        def _state(self, candidate: str) -> DossierState: ...
        def summaries(self) -> Listing: ...
        def rows(self) -> Listing: ...

    def _agent(self, author: str, action: str) -> None:
        """Only a secretariat agent manages people and candidates (checked here, whatever
        screen or script asks)."""
        require_role(self.people(), author, "secretariat", action, RULES["people"])

    def known_organismes(self) -> Organismes:
        """The registry's organismes and, read-time mapping for folders written before the
        registry, those named only by a candidate's creation (each its own entry unless a
        spelling of one already there)."""
        known = self._reg.organismes.copy()
        for record in self.rows().records:
            if record.get("organisme"):
                known.add(str(record["organisme"]))
        return known

    def organisme_choices(self) -> list[str]:
        """What the forms offer: every organisme, by its canonical name, in French order."""
        return self.known_organismes().sorted()

    def canonical_organisme(self, organisme: str, known: Organismes | None = None) -> str:
        """The registry's spelling of ``organisme``; an organisme the registry does not hold
        is refused: the secretariat adds it explicitly (``register_organisme``), so that a
        typo never makes a second organisme."""
        text = " ".join(organisme.split())
        if not text:
            raise StoreError("L'organisme est obligatoire.")
        found = (known or self._reg.organismes).canonical(text)
        if found is None:
            raise StoreError(
                f"Organisme inconnu du registre : « {text} ». Choisissez-le dans la liste, ou "
                "un agent du secrétariat l'ajoute d'abord (« o » dans Personnes)."
            )
        return found

    def register_organisme(self, name: str, author: str) -> str:
        """Adds an organisme under its canonical name; a spelling of one already registered
        (case, accents, hyphens aside) is refused, naming the one it would duplicate."""
        if any("secretariat" in p.roles and is_active(p) for p in self.people().values()):
            self._agent(author, "ajouter un organisme au registre")
        # Otherwise the folder's first use: no agent exists yet to add the first organismes
        # (the first people, the agents among them, are created the same way).
        text = " ".join(name.split())
        if not organisme_key(text):
            raise StoreError("Le nom de l'organisme est obligatoire.")
        known = self._reg.organismes.canonical(text)
        if known is not None:
            raise StoreError(f"« {text} » est déjà au registre sous le nom « {known} ».")
        self.append(REGISTRY, [Draft("organisme.registered", {"name": text})], author)
        return text

    def organisme_or_register(self, name: str, author: str) -> str:
        """What a form's « nouvel organisme » field means: the registry's entry when the
        name is a spelling of one (no second organisme by a typo), else a new entry added
        explicitly by the agent at the keyboard."""
        found = self.known_organismes().canonical(name)
        return found if found is not None else self.register_organisme(name, author)

    # --- people --------------------------------------------------------------------------

    def edit_person(
        self,
        person: str,
        author: str,
        *,
        name: str,
        organisme: str,
        roles: Sequence[str],
        reason: str = "",
    ) -> None:
        self._agent(author, "modifier une personne")
        current = self.people().get(person)
        if current is None:
            raise StoreError(f"personne inconnue : {person}")
        check_active(current, "être modifié(e)")
        name = " ".join(name.split())
        if not name:
            raise StoreError("Le nom est obligatoire.")
        roles = [r for r in PERSON_ROLES if r in set(roles)]
        if not roles:
            raise StoreError("Cochez au moins un rôle.")
        if set(roles) == set(current.roles):
            roles = list(current.roles)  # the same roles: not a change of their order
        organisme = self.canonical_organisme(organisme, self.known_organismes())
        if (name, organisme, tuple(roles)) == (current.name, current.organisme, current.roles):
            raise StoreError("Aucune modification : rien n'est enregistré.")
        payload = {
            "person": person,
            "name": name,
            "organisme": organisme,
            "roles": roles,
            "reason": reason.strip(),
        }
        self.append(REGISTRY, [Draft("person.edited", payload)], author)

    def deactivate_person(self, person: str, reason: str, author: str) -> None:
        self._agent(author, "désactiver une personne")
        current = self.people().get(person)
        if current is None:
            raise StoreError(f"personne inconnue : {person}")
        check_active(current, "être désactivé(e) une seconde fois")
        if len(reason.strip()) < 3:
            raise StoreError("Le motif est obligatoire (au moins 3 caractères).")
        payload = {"person": person, "reason": reason.strip()}
        self.append(REGISTRY, [Draft("person.deactivated", payload)], author)

    # --- candidates ----------------------------------------------------------------------

    def edit_candidate(
        self,
        candidate: str,
        author: str,
        *,
        name: str,
        started: date | None,
        tutor: str | None,
        manager: str | None,
        effective: date | None = None,
        reason: str = "",
    ) -> None:
        """The candidate's name, entry date, tutor and manager as they should now stand. A
        new tutor or manager needs the date it takes effect and a reason; tutor and manager
        stay two people, each active and holding that role."""
        self._agent(author, "modifier un candidat")
        state = self._state(candidate)
        current = state.candidate
        if current is None:
            raise StoreError(f"dossier sans candidat : {candidate}")
        name = " ".join(name.split())
        if not name:
            raise StoreError("Le nom est obligatoire.")
        if tutor is not None and tutor == manager:
            raise AuthorityError(
                "Le tuteur et le manager doivent être deux personnes différentes.",
                RULES["tutor_manager"],
            )
        people = self.people()
        for role, chosen, before in (
            ("tuteur", tutor, current.tutor),
            ("manager", manager, current.manager),
        ):
            if chosen is None or chosen == before:
                continue
            found = people.get(chosen)
            if found is None:
                raise StoreError(f"personne inconnue : {chosen}")
            check_active(found, f"devenir {role} d'un candidat")
            if role not in found.roles:
                raise StoreError(f"{found.name} n'est pas déclaré(e) {role}.")
        changed = (tutor, manager) != (current.tutor, current.manager)
        if changed and effective is None:
            raise StoreError("Un changement de tuteur ou de manager prend effet à une date.")
        if changed and len(reason.strip()) < 3:
            raise StoreError("Un changement de tuteur ou de manager est motivé.")
        begun = started or current.started
        if changed and effective is not None and begun is not None and effective < begun:
            raise StoreError(
                "Le changement ne peut prendre effet avant l'entrée en formation ou en VAE "
                f"({begun.strftime('%d/%m/%Y')})."
            )
        if not changed and (name, started) == (current.name, current.started):
            raise StoreError("Aucune modification : rien n'est enregistré.")
        payload: dict[str, Any] = {
            "name": name,
            "started": started.isoformat() if started else None,
            "tutor": tutor,
            "manager": manager,
            "effective": effective.isoformat() if changed and effective else None,
            "reason": reason.strip(),
        }
        self.append(candidate, [Draft("candidate.edited", payload)], author)

    def deactivate_candidate(self, candidate: str, reason: str, author: str) -> None:
        self._agent(author, "désactiver un candidat")
        if len(reason.strip()) < 3:
            raise StoreError("Le motif est obligatoire (au moins 3 caractères).")
        self.append(candidate, [Draft("candidate.deactivated", {"reason": reason.strip()})], author)
