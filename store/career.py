"""What users do in a Gestionnaire carrière dossier: marks, Pass, the two juries and the VAE
request. Each action checks who may do it against the registry, then appends its event through
the store's one write path; the dossier's own ``apply`` enforces the order of the process."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from models.career import CareerState
from models.events import PersonCreated
from models.jury import JURY_ROLES, JuryError, check_local_jury
from models.people import PersonRecord
from models.referential import Evaluation, WeightedReferential
from models.vae import Period, admissibility, oral_exempt
from models.weighted import parse_mark
from store.authority import (
    RULES,
    AuthorityError,
    person_or_refuse,
    refused,
    require_one_of,
    require_role,
)
from store.draft import Draft
from store.errors import StoreError

if TYPE_CHECKING:
    from models.dossier import DossierState
    from models.events import Event


class JuryWarning(StoreError):
    """A jury the seed allows but advises against: composed only once the warnings are seen."""

    def __init__(self, warnings: list[str]) -> None:
        super().__init__(" ".join(warnings))
        self.warnings = warnings


class CareerActions:
    if TYPE_CHECKING:

        def append(self, dossier: str, drafts: Sequence[Draft], author: str) -> list[Event]: ...
        def people(self) -> dict[str, PersonCreated]: ...
        def _weighted_ref(self, candidate: str) -> WeightedReferential: ...
        def _state(self, candidate: str) -> DossierState: ...
        def _prove(
            self,
            person: str,
            secret: str | None,
            dossier: str,
            type: str,
            payload: dict[str, Any],
        ) -> dict[str, Any]: ...

    def _career(self, candidate: str) -> tuple[WeightedReferential, DossierState, CareerState]:
        ref = self._weighted_ref(candidate)
        state = self._state(candidate)
        return ref, state, state.career

    def _route(self, candidate: str, vae: bool) -> None:
        state = self._state(candidate)
        is_vae = state.candidate is not None and state.candidate.route == "vae"
        if vae and not is_vae:
            raise StoreError("réservé aux candidats en VAE")
        if not vae and is_vae:
            raise StoreError("les candidats en VAE ne passent pas les épreuves notées")

    def _known(self, person: str) -> PersonCreated:
        found = self.people().get(person)
        if found is None:
            raise StoreError(f"personne inconnue : {person}")
        return found

    # --- marks and Pass (training routes) --------------------------------------------------

    def enter_mark(
        self, candidate: str, evaluation: str, typed: str, author: str, by: str | None = None
    ) -> Decimal:
        """A mark /20 as typed, entered by a known person; the oral by a local jury member."""
        ref, _, career = self._career(candidate)
        self._route(candidate, vae=False)
        try:
            spec = ref.evaluation(evaluation)
        except KeyError:
            raise StoreError(f"épreuve inconnue : {evaluation}") from None
        mark = parse_mark(typed, spec.scale)
        by = by or author
        self._may_enter(candidate, spec, career, by)
        payload = {"evaluation": evaluation, "mark": str(mark), "by": by}
        self.append(candidate, [Draft("mark.entered", payload)], by)
        return mark

    def _may_enter(self, candidate: str, spec: Evaluation, career: CareerState, by: str) -> None:
        """The roles the referential declares for this mark (see ``Evaluation.entered_by``)."""
        action = f"saisir la note « {spec.title} »"
        person = person_or_refuse(self.people(), by, action, spec.entered_by_text)
        if spec.entered_by == ("jury",) and by not in career.jury_members():
            raise AuthorityError(
                f"{person.name} ne siège pas au jury local : la note de « {spec.title} » est "
                "attribuée par le jury local"
                + ("" if career.jury else " (composez-le d'abord)")
                + ".",
                spec.entered_by_text,
            )
        for role in spec.entered_by:
            if role == "jury" and by in career.jury_members():
                return
            if role == "tuteur" and "tuteur" in self._state(candidate).related(by, former=False):
                return
            if role == "secretariat" and "secretariat" in person.roles:
                return
        raise refused(person.name, action, spec.entered_by_text)

    def record_pass(self, candidate: str, followed: bool, author: str) -> None:
        self._weighted_ref(candidate)
        self._route(candidate, vae=False)
        self.append(candidate, [Draft("pass.recorded", {"followed": followed})], author)

    # --- juries ------------------------------------------------------------------------------

    def check_jury(self, candidate: str, members: Sequence[tuple[str, str]]) -> list[str]:
        """The warnings for a jury the seed allows; ``JuryError`` for one it refuses."""
        ref, state, _ = self._career(candidate)
        assert state.candidate is not None
        people = self.people()
        for role, person in members:
            found = people.get(person)
            if isinstance(found, PersonRecord) and not found.active:
                raise JuryError(
                    f"{found.name} est désactivé(e) et ne peut plus siéger. Règle : "
                    + RULES["inactive"],
                    role,
                )
            if found is not None and "jury" not in found.roles:
                raise JuryError(f"{found.name} n'est pas déclaré(e) membre de jury.", role)
        return check_local_jury(ref, members, people, state.candidate.organisme)

    def compose_jury(
        self,
        candidate: str,
        members: Sequence[tuple[str, str]],
        author: str,
        *,
        accept_warnings: bool = False,
    ) -> list[str]:
        warnings = self.check_jury(candidate, members)
        if warnings and not accept_warnings:
            raise JuryWarning(warnings)
        order = list(JURY_ROLES)
        seats = sorted(members, key=lambda m: order.index(m[0]))
        payload = {
            "members": [{"role": role, "person": person} for role, person in seats],
            "warnings": warnings,
        }
        self.append(candidate, [Draft("jury.composed", payload)], author)
        return warnings

    def propose(
        self, candidate: str, proposal: str, reasons: str, author: str, secret: str | None = None
    ) -> None:
        """The local jury's proposal, signed by the member who renders it with their secret."""
        _, _, career = self._career(candidate)
        require_one_of(
            self.people(), author, career.jury_members(), "rendre la proposition", RULES["proposal"]
        )
        payload: dict[str, Any] = {"proposal": proposal, "reasons": reasons.strip()}
        payload = self._prove(author, secret, candidate, "jury.proposed", payload)
        self.append(candidate, [Draft("jury.proposed", payload)], author)

    def proclaim(
        self,
        candidate: str,
        decision: str,
        recommendations: str,
        on: date,
        author: str,
        *,
        confirmed_final: bool = False,
        secret: str | None = None,
    ) -> None:
        """The national jury's sovereign decision, recorded by the secretariat: only on a
        complete proposal, with every mark present on the training routes, and once whoever
        records it has confirmed that nothing of the attempt will change after it; the agent
        signs it with their secret, since nothing can correct it afterwards."""
        ref, state, career = self._career(candidate)
        require_role(
            self.people(),
            author,
            ref.juries.national.recorded_by,
            "enregistrer la proclamation du jury national",
            RULES["proclamation"],
        )
        if career.proposal is None:
            raise StoreError(
                "Proclamation refusée : le jury national statue sur l'avis du jury local, "
                "qui n'a pas encore été rendu."
            )
        if state.candidate is not None and state.candidate.route != "vae":
            missing = [e.title for e in ref.evaluations if e.id not in career.marks]
            if missing:
                raise StoreError(
                    "Proclamation refusée : note(s) manquante(s) — "
                    + ", ".join(missing)
                    + ". Le jury national statue sur un dossier complet."
                )
            if career.pass_followed is None:
                raise StoreError(
                    "Proclamation refusée : le suivi du Pass n'est pas renseigné. Le jury "
                    "national statue sur un dossier complet."
                )
        if not confirmed_final:
            raise StoreError(
                "La proclamation est définitive : plus rien de cette session ne pourra être "
                "modifié. Confirmez-la pour l'enregistrer."
            )
        if on > date.today():
            raise StoreError("la date de proclamation ne peut pas être dans le futur")
        payload: dict[str, Any] = {
            "decision": decision,
            "recommendations": recommendations.strip(),
            "on": on.isoformat(),
        }
        payload = self._prove(author, secret, candidate, "jury.proclaimed", payload)
        self.append(candidate, [Draft("jury.proclaimed", payload)], author)

    # --- VAE ---------------------------------------------------------------------------------

    def decide_admissibility(
        self,
        candidate: str,
        *,
        related: bool,
        description: str,
        periods: Sequence[tuple[date, date]],
        comment: str,
        on: date,
        author: str,
    ) -> bool:
        """The certifying body's decision, computed from the rule: an inadmissible request
        keeps the rule's reasons and the comment."""
        ref, _, _ = self._career(candidate)
        self._route(candidate, vae=True)
        require_role(
            self.people(),
            author,
            ref.vae.admissibility_role,
            "décider de la recevabilité",
            RULES["vae_admissibility"],
        )
        for start, end in periods:
            if end < start:
                raise StoreError("une période d'expérience finit avant de commencer")
            if end > on:
                raise StoreError("une période d'expérience ne peut pas finir après la décision")
        result = admissibility(ref, related, [Period(s, e) for s, e in periods])
        reason = ""
        if not result.admissible:
            reason = " ".join(result.explanation.facts)
            if comment.strip():
                reason += f" {comment.strip()}"
        payload: dict[str, Any] = {
            "related": related,
            "description": description.strip(),
            "periods": [{"start": s.isoformat(), "end": e.isoformat()} for s, e in periods],
            "days": result.days,
            "admissible": result.admissible,
            "reason": reason,
            "on": on.isoformat(),
        }
        self.append(candidate, [Draft("vae.admissibility", payload)], author)
        return result.admissible

    def receive_proof(
        self,
        candidate: str,
        *,
        received: date,
        attestation_3a: date | None,
        oral_requested: bool,
        author: str,
    ) -> bool:
        """Records the dossier de preuve; returns whether the candidate presents it orally."""
        ref, _, _ = self._career(candidate)
        self._route(candidate, vae=True)
        if received > date.today():
            raise StoreError("la date de réception ne peut pas être dans le futur")
        oral = oral_requested or not oral_exempt(ref.vae.oral_exemption, attestation_3a)
        payload = {
            "received": received.isoformat(),
            "attestation_3a": attestation_3a.isoformat() if attestation_3a else None,
            "oral": oral,
        }
        self.append(candidate, [Draft("vae.proof_received", payload)], author)
        return oral

    def decide_competency(
        self,
        candidate: str,
        competency: str,
        validated: bool,
        comment: str,
        author: str,
        secret: str | None = None,
    ) -> None:
        """A member of the composed local jury decides one certified competency, signing the
        decision with their secret as for the jury's proposal."""
        ref, _, career = self._career(candidate)
        self._route(candidate, vae=True)
        if career.jury is None:
            raise AuthorityError(
                "Décision refusée : le jury local n'est pas encore composé.", RULES["vae_decision"]
            )
        require_one_of(
            self.people(),
            author,
            career.jury_members(),
            "décider d'une compétence en VAE",
            RULES["vae_decision"],
        )
        if competency not in {line.competency for line in ref.certification}:
            raise StoreError(f"{competency} n'est pas une compétence certifiée")
        payload: dict[str, Any] = {
            "competency": competency,
            "validated": validated,
            "comment": comment.strip(),
        }
        payload = self._prove(author, secret, candidate, "vae.competency_decided", payload)
        self.append(candidate, [Draft("vae.competency_decided", payload)], author)

    def start_attempt(self, candidate: str, reason: str, author: str) -> None:
        self._career(candidate)
        self._route(candidate, vae=True)
        self.append(candidate, [Draft("attempt.started", {"reason": reason.strip()})], author)
