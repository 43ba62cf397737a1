"""The consolidated table for the national jury, from every candidate's status record (the
``carnet status --json`` contract) and the people registry.

Two tables: candidates × competencies, and the candidates' summary (the five marks, eliminatory
marks, Pass, the local jury's members and proposal, the national decision and its date, the
session, the organisme, open conflicts). Values are typed here (int, Decimal, date, datetime)
so the XLSX holds numbers and dates, and the CSV prints them the French way.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from grids import Referentials
from models.career import PROCLAMATION_LABELS, PROPOSAL_LABELS
from models.jury import JURY_ROLES
from models.referential import ThresholdReferential, WeightedReferential
from models.status import Status, cqp_label
from models.timing import parse_ts
from store.documents.wording import ROUTES, People

Cell = str | int | Decimal | date | datetime | None


@dataclass(frozen=True)
class Column:
    title: str
    # "text", "int", "mark" (two decimals), "date", "datetime"
    kind: str = "text"
    width: int = 14


@dataclass(frozen=True)
class Sheet:
    name: str
    columns: tuple[Column, ...]
    rows: list[list[Cell]]


COMPETENCY_COLUMNS = (
    Column("Identifiant", width=14), Column("Candidat", width=26), Column("Organisme", width=24),
    Column("CQP", width=22), Column("Bloc ou groupe", width=10), Column("Compétence", width=12),
    Column("Intitulé", width=50), Column("Statut", width=12),
    Column("Critères validés", "int", 9), Column("Critères", "int", 9),
    Column("Détail", width=30),
)  # fmt: skip
VAE_STATUS = {"acquired": "acquise", "validated": "validée", "not_validated": "non validée",
              "undecided": "à décider"}  # fmt: skip


def competency_sheet(records: Sequence[Mapping[str, Any]], refs: Referentials) -> Sheet:
    rows: list[list[Cell]] = []
    for r in records:
        base: list[Cell] = [r["id"], r["name"], r["organisme"], cqp_label(r["cqp"])]
        # The titles of the version the candidate was registered under (a version published
        # since may reword them).
        ref = refs.version(r["cqp"], r.get("referential_version") or "1")
        if r["blocks"]:
            assert isinstance(ref, ThresholdReferential)
            titles = {c.id: c.title for b in ref.blocks for c in b.competencies}
            for block in r["blocks"]:
                for comp in block["competencies"]:
                    rows.append([*base, block["id"], comp["id"], titles.get(comp["id"], ""),
                                 Status(comp["status"]).label, comp["validated"], comp["total"],
                                 "grille d'évaluation"])  # fmt: skip
            continue
        vae = r.get("vae")
        decided: dict[str, str] = {}
        if vae:
            for field, label in VAE_STATUS.items():
                decided.update(dict.fromkeys(vae[field], label))
        status = Status(r["status"]).label
        assert isinstance(ref, WeightedReferential)
        for line in ref.certification:
            comp = ref.competency(line.competency)
            group = next(g.id for g in ref.groups if comp in g.competencies)
            if vae:
                comp_status, detail = decided.get(comp.id, "à décider"), "décision VAE"
            else:
                comp_status, detail = status, "selon la moyenne pondérée des épreuves"
            rows.append([*base, group, comp.id, comp.title, comp_status, None, None, detail])
    return Sheet("Compétences", COMPETENCY_COLUMNS, rows)


def candidate_sheet(
    records: Sequence[Mapping[str, Any]], refs: Referentials, people: People
) -> Sheet:
    evaluations = refs.carriere.evaluations
    columns = (
        Column("Identifiant", width=14), Column("Candidat", width=26),
        Column("Organisme", width=24), Column("CQP", width=22), Column("Voie", width=26),
        Column("Session", "int", 8), Column("Statut calculé", width=12),
        *(Column(f"{e.title} /20", "mark", 12) for e in evaluations),
        Column("Total /200", "mark", 10), Column("Moyenne /20", "mark", 10),
        Column("Notes éliminatoires", width=24), Column("Pass", width=8),
        Column("Blocs validés", "int", 8), Column("Jury local", width=40),
        Column("Proposition du jury local", width=30), Column("Motifs", width=30),
        Column("Décision du jury national", width=22),
        Column("Date de la décision", "date", 12), Column("Préconisations", width=30),
        Column("Conflits à trancher", "int", 9), Column("Dernière modification", "datetime", 17),
    )  # fmt: skip
    titles = {e.id: e.title for e in evaluations}
    rows: list[list[Cell]] = []
    for r in records:
        marks = r.get("marks") or {}
        juries = r.get("juries") or {}
        local = juries.get("local") or {}
        national = juries.get("national") or {}
        members = "\n".join(
            f"{JURY_ROLES.get(m['role'], m['role'])} : {people.name(m['person'])}"
            for m in local.get("members", [])
        )
        pass_followed = r.get("pass_followed")
        vae = r.get("vae")
        final = r.get("final_decision")
        blocks = r["blocks"]
        rows.append([
            r["id"], r["name"], r["organisme"], cqp_label(r["cqp"]),
            ROUTES.get(r.get("route") or "", "") , vae["attempt"] if vae else (1 if r.get("route") else None),
            Status(r["status"]).label,
            *(_decimal(marks.get(e.id)) for e in evaluations),
            _decimal(r.get("total")), _decimal(r.get("average")),
            ", ".join(titles.get(e, e) for e in r.get("eliminatory", [])),
            _pass(pass_followed),
            sum(1 for b in blocks if b["status"] == "validated") if blocks else None,
            members,
            PROPOSAL_LABELS.get(local.get("proposal") or "", ""), local.get("reasons") or "",
            PROCLAMATION_LABELS.get(final or "", ""),
            date.fromisoformat(national["on"]) if national.get("on") else None,
            national.get("recommendations") or "",
            len(r.get("conflicts", [])),
            _local(r.get("last_change")),
        ])  # fmt: skip
    return Sheet("Candidats", columns, rows)


def _pass(followed: object) -> str:
    return (
        {True: "suivi", False: "non suivi"}.get(followed, "") if isinstance(followed, bool) else ""
    )


def _decimal(value: str | None) -> Decimal | None:
    return Decimal(value) if value not in (None, "") else None


def _local(ts: str | None) -> datetime | None:
    """A UTC timestamp as the reader's local time, without zone (spreadsheets have none)."""
    return parse_ts(ts).astimezone().replace(tzinfo=None) if ts else None


def consolidated_sheets(
    records: Iterable[Mapping[str, Any]], refs: Referentials, people: People
) -> list[Sheet]:
    ordered = sorted(records, key=lambda r: (r["name"].casefold(), r["id"]))
    return [competency_sheet(ordered, refs), candidate_sheet(ordered, refs, people)]


# --- XLSX ------------------------------------------------------------------------------------


def xlsx(sheets: Sequence[Sheet]) -> bytes:
    """XlsxWriter: numbers as numbers with their formats, dates as dates, a frozen header, an
    autofilter and widths. Text is always written as text (``write_string``): a name starting
    with « = » stays a name, never a formula, and control characters are escaped."""
    import xlsxwriter

    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_urls": False})
    header = book.add_format({"bold": True, "bg_color": "#E1E6F0", "text_wrap": True,
                              "valign": "top", "border": 1})  # fmt: skip
    formats = {
        "text": book.add_format({"valign": "top", "text_wrap": True}),
        "int": book.add_format({"valign": "top", "num_format": "0"}),
        "mark": book.add_format({"valign": "top", "num_format": "0.00"}),
        "date": book.add_format({"valign": "top", "num_format": "dd/mm/yyyy"}),
        "datetime": book.add_format({"valign": "top", "num_format": "dd/mm/yyyy hh:mm"}),
    }
    for sheet in sheets:
        ws = book.add_worksheet(sheet.name)
        for c, column in enumerate(sheet.columns):
            ws.set_column(c, c, column.width, formats[column.kind])
            ws.write_string(0, c, column.title, header)
        # One writer per column, chosen once: numbers as numbers, dates as dates, the rest as
        # text (never ``write``, which would read « =… » as a formula).
        writers = [
            (c, _WRITERS[column.kind](ws), formats[column.kind])
            for c, column in enumerate(sheet.columns)
        ]
        for r, row in enumerate(sheet.rows, 1):
            for (c, write, fmt), value in zip(writers, row, strict=True):
                if value is not None and value != "":
                    write(r, c, value, fmt)
        ws.freeze_panes(1, 2)
        ws.autofilter(0, 0, max(len(sheet.rows), 1), len(sheet.columns) - 1)
        ws.set_row(0, 30)
    book.close()
    return buffer.getvalue()


Write = Callable[[int, int, Any, Any], Any]


def _number(ws: Any) -> Write:
    # Marks are exact decimals with two places: exact as a double too.
    return lambda r, c, value, fmt: ws.write_number(r, c, float(value), fmt)


def _string(ws: Any) -> Write:
    write: Write = ws.write_string
    return write


def _datetime(ws: Any) -> Write:
    write: Write = ws.write_datetime
    return write


_WRITERS: dict[str, Callable[[Any], Write]] = {
    "text": _string,
    "int": _number,
    "mark": _number,
    "date": _datetime,
    "datetime": _datetime,
}


# --- CSV -------------------------------------------------------------------------------------

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "'")


def neutralised(text: str) -> str:
    """A cell a spreadsheet would read as a formula gets a leading « ' » (so does one that
    already starts with « ' », so that reading back is exact: drop one leading « ' »)."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def csv_cell(value: Cell, kind: str) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.strftime("%d/%m/%Y %H:%M")
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, Decimal):
        return f"{value.quantize(Decimal('0.01')):f}".replace(".", ",")
    if isinstance(value, int):
        return str(value)
    return neutralised(value)


def csv_table(sheet: Sheet) -> bytes:
    """UTF-8 with a BOM and « ; » separators: what a French-locale spreadsheet expects."""
    out = io.StringIO(newline="")
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow([neutralised(c.title) for c in sheet.columns])
    for row in sheet.rows:
        writer.writerow([csv_cell(v, c.kind) for c, v in zip(sheet.columns, row, strict=True)])
    return "\ufeff".encode() + out.getvalue().encode("utf-8")
