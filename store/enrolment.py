"""Bulk registration (`carnet inscrire`): the lists of people and candidates the secretariat
receives, as a CSV (UTF-8, « ; », a header line) or an XLSX with the columns

    type;nom;organisme;roles;cqp;parcours;entree;tuteur;manager

All or nothing: every line is checked before anything is written, and every bad line is
reported with its number, its column and why. A line already registered (same name and
organisme for a person; same name, organisme and CQP for a candidate) is passed over, so that
running the same file twice adds nothing the second time — and a run cut short (a kill, a
power cut) is completed by running it again.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from models.events import PERSON_ROLES, PersonCreated
from models.people import Organismes, organisme_key
from store.errors import StoreError, os_reason

if TYPE_CHECKING:
    from store.store import Store

COLUMNS = ("type", "nom", "organisme", "roles", "cqp", "parcours", "entree", "tuteur", "manager")
CQPS = ("gestionnaire-conseil", "gestionnaire-carriere")
ROUTES = ("nouvel_embauche", "parcours_formation", "vae")
MAX_TEXT = 200


@dataclass(frozen=True)
class LineError:
    line: int
    column: str
    reason: str

    def __str__(self) -> str:
        return f"ligne {self.line}, colonne « {self.column} » : {self.reason}"


class EnrolmentError(StoreError):
    """The file is refused whole; ``errors`` lists every bad line."""

    def __init__(self, errors: list[LineError]) -> None:
        self.errors = errors
        shown = "\n".join(f"  {e}" for e in errors[:50])
        more = f"\n  … et {len(errors) - 50} autre(s)" if len(errors) > 50 else ""
        super().__init__(
            f"fichier refusé, rien n'est enregistré ({len(errors)} erreur(s)) :\n{shown}{more}"
        )


@dataclass(frozen=True)
class PersonLine:
    line: int
    name: str
    organisme: str
    roles: tuple[str, ...]


@dataclass(frozen=True)
class CandidateLine:
    line: int
    name: str
    organisme: str
    cqp: str
    route: str | None
    started: date | None
    tutor: str  # a name, of the file or the registry ("" when none)
    manager: str


@dataclass
class Plan:
    people: list[PersonLine] = field(default_factory=list)
    candidates: list[CandidateLine] = field(default_factory=list)
    already: int = 0  # lines registered before: passed over
    organismes: list[str] = field(default_factory=list)  # to add to the registry first


@dataclass(frozen=True)
class Report:
    people: int
    candidates: int
    already: int
    organismes: int = 0


def read_rows(path: Path) -> list[dict[str, str]]:
    """The file's lines as column → text, the header checked (numbered from 2)."""
    try:
        if path.suffix.lower() == ".xlsx":
            table = _xlsx_table(path)
        else:
            text = path.read_bytes().decode("utf-8-sig")
            table = list(csv.reader(io.StringIO(text), delimiter=";"))
    except UnicodeDecodeError:
        raise StoreError(f"{path.name} : le fichier n'est pas en UTF-8") from None
    except OSError as exc:
        raise StoreError(f"{path} : lecture impossible ({os_reason(exc)})") from None
    if not table:
        raise StoreError(f"{path.name} : fichier vide (la ligne d'en-tête est attendue)")
    header = [cell.strip().lower() for cell in table[0]]
    if tuple(header[: len(COLUMNS)]) != COLUMNS or any(header[len(COLUMNS) :]):
        raise StoreError(
            f"{path.name} : en-tête attendu « {';'.join(COLUMNS)} », trouvé « {';'.join(header)} »"
        )
    rows = []
    for cells in table[1:]:
        padded = [*cells, *[""] * (len(COLUMNS) - len(cells))]
        rows.append({name: padded[i].strip() for i, name in enumerate(COLUMNS)})
    return rows


def _xlsx_table(path: Path) -> list[list[str]]:
    from openpyxl import load_workbook

    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a file that is not an XLSX
        raise StoreError(f"{path.name} : classeur XLSX illisible ({type(exc).__name__})") from None
    try:
        sheet = book.worksheets[0]
        table = []
        for row in sheet.iter_rows(values_only=True):
            cells = [_xlsx_text(value) for value in row]
            if any(cells):
                table.append(cells)
        return table
    finally:
        book.close()


def _xlsx_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    return str(value)


def plan(
    rows: list[dict[str, str]],
    people: Mapping[str, PersonCreated],
    candidates: Iterable[tuple[str, str, str]],
    organismes: Organismes | None = None,
    *,
    new_organismes: bool = False,
) -> Plan:
    """Checks every line against the file and the registry; raises EnrolmentError listing
    every bad line, or returns what is to be written. Each organisme is the registry's
    entry it spells (« Carsat Rhône Alpes » is « Carsat Rhône-Alpes » if registered so); one
    the registry does not hold is a bad line unless ``new_organismes`` (the secretariat adds
    them explicitly). Without ``organismes`` the file's spellings are taken as they are."""
    errors: list[LineError] = []
    result = Plan()
    known = organismes.copy() if organismes is not None else None
    if known is not None:
        for person in people.values():
            known.add(person.organisme)
    registered = {(p.name, organisme_key(p.organisme)) for p in people.values()}
    known_candidates = {(n, organisme_key(o), c) for n, o, c in candidates}

    def resolve(number: int, row: dict[str, str], bad: list[LineError]) -> None:
        """The line's organisme as the registry spells it (or a bad line)."""
        if known is None or not row["organisme"] or bad:
            return
        found = known.canonical(row["organisme"])
        if found is None and new_organismes:
            known.add(row["organisme"])
            result.organismes.append(row["organisme"])
            found = row["organisme"]
        if found is None:
            bad.append(
                LineError(
                    number,
                    "organisme",
                    f"« {row['organisme']} » : organisme inconnu du registre (un agent du "
                    "secrétariat l'ajoute : « o » dans Personnes, ou --nouveaux-organismes "
                    "en ligne de commande)",
                )
            )
        else:
            row["organisme"] = found

    names: dict[str, list[tuple[str, ...]]] = {}
    for person in people.values():
        names.setdefault(person.name, []).append(tuple(person.roles))
    seen_people: dict[tuple[str, str], int] = {}
    seen_candidates: dict[tuple[str, str, str], int] = {}
    pending: list[tuple[int, dict[str, str]]] = []
    for number, row in enumerate(rows, 2):
        if not any(row.values()):
            continue
        bad = _check_common(number, row)
        resolve(number, row, bad)
        kind = row["type"].lower()
        if kind == "personne":
            roles = tuple(r.strip() for r in row["roles"].split(",") if r.strip())
            unknown = [r for r in roles if r not in PERSON_ROLES]
            if not roles:
                bad.append(LineError(number, "roles", "au moins un rôle est attendu"))
            elif unknown:
                bad.append(
                    LineError(
                        number,
                        "roles",
                        f"rôle inconnu « {unknown[0]} » (attendus : {', '.join(PERSON_ROLES)})",
                    )
                )
            for column in ("cqp", "parcours", "entree", "tuteur", "manager"):
                if row[column]:
                    bad.append(LineError(number, column, "sans objet pour une personne"))
            key = (row["nom"], row["organisme"])
            seen_key = (row["nom"], organisme_key(row["organisme"]))
            if seen_key in seen_people:
                bad.append(
                    LineError(number, "nom", f"en double avec la ligne {seen_people[seen_key]}")
                )
            seen_people.setdefault(seen_key, number)
            if not bad:
                if seen_key in registered:
                    result.already += 1
                else:
                    result.people.append(PersonLine(number, key[0], key[1], roles))
                    names.setdefault(key[0], []).append(roles)
        elif kind == "candidat":
            pending.append((number, row))
        else:
            bad.append(LineError(number, "type", "« personne » ou « candidat » est attendu"))
        errors.extend(bad)
    # Candidates last: their tutor and manager may be people of the same file.
    for number, row in pending:
        bad = _check_common(number, row)
        resolve(number, row, bad)
        cqp, route, started = row["cqp"], row["parcours"] or None, None
        if cqp not in CQPS:
            bad.append(LineError(number, "cqp", f"CQP inconnu (attendus : {', '.join(CQPS)})"))
        elif cqp == "gestionnaire-carriere" and route not in ROUTES:
            bad.append(
                LineError(number, "parcours", f"voie d'accès attendue : {', '.join(ROUTES)}")
            )
        elif cqp == "gestionnaire-conseil" and route is not None:
            bad.append(
                LineError(number, "parcours", "la voie d'accès ne concerne que le CQP carrière")
            )
        if row["roles"]:
            bad.append(LineError(number, "roles", "sans objet pour un candidat"))
        if row["entree"]:
            try:
                started = datetime.strptime(row["entree"], "%d/%m/%Y").date()
            except ValueError:
                shaped = re.fullmatch(r"\d{1,2}/\d{1,2}/\d{4}", row["entree"])
                why = "cette date n'existe pas" if shaped else "date JJ/MM/AAAA attendue"
                bad.append(LineError(number, "entree", f"« {row['entree']} » : {why}"))
        for column, role in (("tuteur", "tuteur"), ("manager", "manager")):
            name = row[column]
            if not name:
                continue
            holders = names.get(name)
            if holders is None:
                bad.append(LineError(number, column, f"« {name} » : personne inconnue"))
            elif len(holders) > 1:
                bad.append(
                    LineError(number, column, f"« {name} » : plusieurs personnes portent ce nom")
                )
            elif role not in holders[0]:
                bad.append(LineError(number, column, f"« {name} » n'a pas le rôle {role}"))
        if row["tuteur"] and row["tuteur"] == row["manager"]:
            bad.append(
                LineError(number, "manager", "le tuteur et le manager doivent être deux personnes")
            )
        ckey = (row["nom"], row["organisme"], cqp)
        seen_ckey = (row["nom"], organisme_key(row["organisme"]), cqp)
        if seen_ckey in seen_candidates:
            bad.append(
                LineError(number, "nom", f"en double avec la ligne {seen_candidates[seen_ckey]}")
            )
        seen_candidates.setdefault(seen_ckey, number)
        if not bad:
            if seen_ckey in known_candidates:
                result.already += 1
            else:
                result.candidates.append(
                    CandidateLine(
                        number, ckey[0], ckey[1], cqp, route, started, row["tuteur"], row["manager"]
                    )
                )
        errors.extend(bad)
    if errors:
        raise EnrolmentError(sorted(errors, key=lambda e: (e.line, COLUMNS.index(e.column))))
    return result


def _check_common(number: int, row: dict[str, str]) -> list[LineError]:
    bad = []
    for column in ("nom", "organisme"):
        if not row[column]:
            bad.append(LineError(number, column, "obligatoire"))
        elif len(row[column]) > MAX_TEXT:
            bad.append(LineError(number, column, f"{MAX_TEXT} caractères au plus"))
        elif any(ord(c) < 32 for c in row[column]):
            bad.append(LineError(number, column, "caractère de contrôle"))
    return bad


def enrol(store: Store, path: Path, author: str, *, new_organismes: bool = False) -> Report:
    """Reads, checks and registers the file; nothing is written if any line is bad. The
    organismes the registry lacks are added first, by the agent, with ``new_organismes``."""
    rows = read_rows(path)
    existing = [(r["name"], r["organisme"], r["cqp"]) for r in store.rows().records if "name" in r]
    todo = plan(
        rows,
        store.people(),
        existing,
        store.known_organismes(),
        new_organismes=new_organismes,
    )
    for name in todo.organismes:
        store.register_organisme(name, author)
    by_name = {p.name: pid for pid, p in store.people().items()}
    for person in todo.people:
        by_name[person.name] = store.create_person(
            person.name, person.organisme, person.roles, author
        )
    for cand in todo.candidates:
        store.create_candidate(
            cand.name,
            cand.organisme,
            cand.cqp,
            author,
            route=cand.route,
            tutor=by_name[cand.tutor] if cand.tutor else None,
            manager=by_name[cand.manager] if cand.manager else None,
            started=cand.started,
        )
    return Report(len(todo.people), len(todo.candidates), todo.already, len(todo.organismes))
