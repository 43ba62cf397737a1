"""The consolidated table for the national jury: one row per candidate × competency with its
status, and a sheet of candidates with their overall verdicts; XLSX or French-locale CSV.

The XLSX is written by hand (a zip of a few XML parts, inline strings): no dependency for a
format this simple, and any spreadsheet opens it.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any
from xml.sax.saxutils import escape

from models.career import PROCLAMATION_LABELS
from models.status import Status, cqp_label

if TYPE_CHECKING:
    from store.store import Store

COMPETENCY_HEADER = ["Identifiant", "Candidat", "Organisme", "CQP", "Bloc ou groupe",
                     "Compétence", "Intitulé", "Statut", "Détail"]  # fmt: skip
CANDIDATE_HEADER = ["Identifiant", "Candidat", "Organisme", "CQP", "Voie", "Statut calculé",
                    "Décision du jury national", "Moyenne /20", "Conflits à trancher",
                    "Dernière modification"]  # fmt: skip
VAE_STATUS = {"acquired": "acquise", "validated": "validée", "not_validated": "non validée",
              "undecided": "à décider"}  # fmt: skip


def consolidated_rows(store: Store) -> tuple[list[list[str]], list[list[str]]]:
    refs = store.referentials
    competencies: list[list[str]] = []
    candidates: list[list[str]] = []
    records = sorted(store.summaries().records, key=lambda r: (r["name"], r["id"]))
    for r in records:
        base = [r["id"], r["name"], r["organisme"], cqp_label(r["cqp"])]
        status = Status(r["status"]).label
        if r["blocks"]:
            titles = {c.id: c.title for b in refs.conseil.blocks for c in b.competencies}
            for block in r["blocks"]:
                for comp in block["competencies"]:
                    competencies.append([*base, block["id"], comp["id"], titles[comp["id"]],
                                         Status(comp["status"]).label,
                                         f"{comp['validated']}/{comp['total']} critères"])  # fmt: skip
        else:
            vae = r.get("vae")
            decided = {}
            if vae:
                for field, label in VAE_STATUS.items():
                    decided.update(dict.fromkeys(vae[field], label))
            for line in refs.carriere.certification:
                comp = refs.carriere.competency(line.competency)
                group = next(g.id for g in refs.carriere.groups if comp in g.competencies)
                if vae:
                    comp_status, detail = decided.get(comp.id, "à décider"), "décision VAE"
                else:
                    comp_status, detail = status, "selon la moyenne pondérée des épreuves"
                competencies.append([*base, group, comp.id, comp.title, comp_status, detail])
        final = r.get("final_decision")
        candidates.append([
            *base,
            r.get("route") or "",
            status,
            PROCLAMATION_LABELS.get(final, "") if final else "",
            (r.get("average") or "").replace(".", ","),
            str(len(r.get("conflicts", []))),
            r.get("last_change") or "",
        ])  # fmt: skip
    return competencies, candidates


def consolidated_csv(store: Store) -> bytes:
    """UTF-8 with a BOM and « ; » separators: what a French-locale spreadsheet expects. The
    candidates' sheet follows the competencies' after an empty line."""
    competencies, candidates = consolidated_rows(store)
    out = io.StringIO(newline="")
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(COMPETENCY_HEADER)
    writer.writerows(competencies)
    writer.writerow([])
    writer.writerow(CANDIDATE_HEADER)
    writer.writerows(candidates)
    return "\ufeff".encode() + out.getvalue().encode("utf-8")


def consolidated_xlsx(store: Store) -> bytes:
    competencies, candidates = consolidated_rows(store)
    return xlsx(
        [
            ("Compétences", [COMPETENCY_HEADER, *competencies]),
            ("Candidats", [CANDIDATE_HEADER, *candidates]),
        ]
    )


def xlsx(sheets: Sequence[tuple[str, Sequence[Sequence[Any]]]]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
        overrides = "".join(
            f'<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
            for i in range(1, len(sheets) + 1)
        )
        z.writestr("[Content_Types].xml", _XML + (
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            '<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
            f"{overrides}</Types>"
        ))  # fmt: skip
        z.writestr("_rels/.rels", _XML + (
            f'<Relationships xmlns="{_RELS}"><Relationship Id="rId1" Type="{_DOC}/officeDocument" '
            'Target="xl/workbook.xml"/></Relationships>'
        ))  # fmt: skip
        names = "".join(
            f'<sheet name="{escape(name)}" sheetId="{i}" r:id="rId{i}"/>'
            for i, (name, _) in enumerate(sheets, 1)
        )
        z.writestr("xl/workbook.xml", _XML + (
            f'<workbook xmlns="{_MAIN}" xmlns:r="{_DOC}"><sheets>{names}</sheets></workbook>'
        ))  # fmt: skip
        rels = "".join(
            f'<Relationship Id="rId{i}" Type="{_DOC}/worksheet" Target="worksheets/sheet{i}.xml"/>'
            for i in range(1, len(sheets) + 1)
        )
        styles_id = len(sheets) + 1
        z.writestr("xl/_rels/workbook.xml.rels", _XML + (
            f'<Relationships xmlns="{_RELS}">{rels}<Relationship Id="rId{styles_id}" '
            f'Type="{_DOC}/styles" Target="styles.xml"/></Relationships>'
        ))  # fmt: skip
        z.writestr("xl/styles.xml", _XML + (
            f'<styleSheet xmlns="{_MAIN}"><fonts count="2"><font><sz val="11"/><name val="Calibri"/></font>'
            '<font><b/><sz val="11"/><name val="Calibri"/></font></fonts>'
            '<fills count="2"><fill><patternFill patternType="none"/></fill>'
            '<fill><patternFill patternType="gray125"/></fill></fills>'
            '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
            '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
            '<cellXfs count="2"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
            '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/></cellXfs>'
            '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
            '</styleSheet>'
        ))  # fmt: skip
        for i, (_, rows) in enumerate(sheets, 1):
            z.writestr(f"xl/worksheets/sheet{i}.xml", _sheet(rows))
    return buffer.getvalue()


_XML = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_DOC = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_RELS = "http://schemas.openxmlformats.org/package/2006/relationships"


def _column(index: int) -> str:
    name = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        name = chr(65 + rest) + name
    return name


def _sheet(rows: Sequence[Sequence[Any]]) -> str:
    body = []
    for r, row in enumerate(rows, 1):
        style = ' s="1"' if r == 1 else ""
        cells = "".join(
            f'<c r="{_column(c)}{r}" t="inlineStr"{style}><is><t xml:space="preserve">'
            f"{escape(str(value))}</t></is></c>"
            for c, value in enumerate(row)
        )
        body.append(f'<row r="{r}">{cells}</row>')
    return _XML + f'<worksheet xmlns="{_MAIN}"><sheetData>{"".join(body)}</sheetData></worksheet>'
