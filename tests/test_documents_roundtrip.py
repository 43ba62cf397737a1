"""Names from many scripts, with control characters and formula prefixes, round-trip through
the PDF (pypdf), the XLSX (openpyxl) and the CSV; numbers read back as numbers; every document
of the demo is made; making a document is what imports the PDF and XLSX libraries."""

from __future__ import annotations

import csv
import io
import subprocess
import sys
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import openpyxl
import pypdf
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from store.documents.glyphs import printable
from store.documents.pdf_writer import PdfDocument
from store.documents.table import Column, Sheet, csv_table, xlsx
from store.store import Store
from tests.test_documents import ooxml_text
from tui.cli import main

NOW = datetime(2026, 11, 23, 20, 0, tzinfo=UTC)
ALPHABETS = {
    "latin": "abcdefghijklmnopqrstuvwxyzÀÉÈÊËÎÏÔŒÙÛÜŸÇàéèêëîïôœùûüÿç’-",
    "vietnamese": "ăâđêôơưĂÂĐÊÔƠƯạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ",
    "turkish": "çğıİöşüÇĞÖŞÜ",
    "polish": "ąćęłńóśźżĄĆĘŁŃÓŚŹŻ",
    "cyrillic": "абвгдежзийклмнопрстуфхцчшщъыьэюяАБВГДЕЖЗИЙКЛМНОПРСТУФХЦЧШЩЭЮЯ",
    "greek": "αβγδεζηθικλμνξοπρστυφχψωάέήίόύώΑΒΓΔΕΖΗΘΙΚΛΜΝΞΟΠΡΣΤΥΦΧΨΩ",
    "arabic": "ابتثجحخدذرزسشصضطظعغفقكلمنهوي",
}
CONTROLS = "\x00\x01\x07\x0b\x0c\x1b\x7f"
PREFIXES = ["", "=", "+", "-", "@", "'", "\t", "\r"]


@st.composite
def names(draw: st.DrawFn, scripts: tuple[str, ...] = tuple(ALPHABETS)) -> str:
    """A name of one to three words of one script, maybe with a formula prefix and control
    characters inside."""
    script = draw(st.sampled_from(scripts))
    words = draw(
        st.lists(st.text(ALPHABETS[script], min_size=1, max_size=10), min_size=1, max_size=3)
    )
    name = " ".join(words)
    if draw(st.booleans()):
        at = draw(st.integers(0, len(name)))
        name = name[:at] + draw(st.sampled_from(CONTROLS)) + name[at:]
    return draw(st.sampled_from(PREFIXES)) + name


def _pdf_lines(values: list[str]) -> list[str]:
    doc = PdfDocument("Noms", created=NOW)
    for value in values:
        doc.paragraph(value)
    doc.table(["Nom", "Autre"], [[value, "x"] for value in values], [0.8, 0.2])
    reader = pypdf.PdfReader(io.BytesIO(doc.render()))
    return [line for page in reader.pages for line in page.extract_text().split("\n")]


LTR = tuple(s for s in ALPHABETS if s != "arabic")


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(names(LTR), min_size=1, max_size=6))
def test_left_to_right_names_round_trip_through_the_pdf(values: list[str]) -> None:
    """Each name extracts as it prints: itself, control characters shown as « [U+000B] » (a tab
    as spaces: paragraphs and cells may hold comments),
    and the same text whatever the line it falls on (names are short enough for one line)."""
    lines = _pdf_lines(values)
    for value in values:
        printed = " ".join(printable(value, multiline=True).split())
        assert any(" ".join(line.split()) == printed for line in lines), (printed, lines)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.text(ALPHABETS["arabic"], min_size=1, max_size=10), min_size=1, max_size=3))
def test_arabic_words_round_trip_through_the_pdf(words: list[str]) -> None:
    """Arabic is shaped and set right to left; pypdf gives each line back in reading order."""
    name = " ".join(words)
    lines = [" ".join(line.split()) for line in _pdf_lines([name])]
    assert name in lines


@settings(max_examples=40, deadline=None)
@given(
    st.lists(names(), min_size=1, max_size=8), st.lists(st.decimals(0, 20, places=2), min_size=1)
)
def test_names_and_numbers_round_trip_through_xlsx_and_csv(
    values: list[str], marks: list[Decimal]
) -> None:
    columns = (Column("Nom"), Column("Note", "mark"), Column("Jour", "date"), Column("N", "int"))
    rows: list[list[object]] = [
        [value, marks[i % len(marks)], date(2026, 1, 1 + i % 28), i]
        for i, value in enumerate(values)
    ]
    sheet = Sheet("Feuille", columns, rows)  # type: ignore[arg-type]
    book = openpyxl.load_workbook(io.BytesIO(xlsx([sheet])))
    read = list(book.active.iter_rows(min_row=2, values_only=True))
    assert [ooxml_text(r[0]) for r in read] == values
    assert [Decimal(str(r[1])).quantize(Decimal("0.01")) for r in read] == [r[1] for r in rows]
    assert all(isinstance(r[1], int | float) and isinstance(r[3], int) for r in read)
    assert [r[2].date() for r in read] == [r[2] for r in rows]
    text = csv_table(sheet).decode("utf-8-sig")
    back = list(csv.reader(io.StringIO(text, newline=""), delimiter=";"))[1:]
    # A leading « ' » is the neutralisation mark: one is removed on reading.
    assert [r[0][1:] if r[0].startswith("'") else r[0] for r in back] == values
    assert not any(r[0].startswith(("=", "+", "-", "@", "\t", "\r")) for r in back)
    assert [Decimal(r[1].replace(",", ".")) for r in back] == [r[1] for r in rows]
    assert [r[2] for r in back] == [f"{r[2]:%d/%m/%Y}" for r in rows]  # type: ignore[str-format]


@pytest.mark.slow
def test_every_document_of_the_demo_is_made(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:  # fmt: skip
    data = tmp_path / "demo"
    assert main(["demo", "--data", str(data)]) == 0
    with Store.open(data) as store:
        snaps = [store.snapshot(c) for c in store.candidate_ids()]
    made: list[Path] = []
    sessions: set[date] = set()
    for snap in snaps:
        out = tmp_path / f"dossier-{snap.id}.pdf"
        assert main(["dossier", snap.id, "--data", str(data), "--out", str(out)]) == 0
        made.append(out)
        for grid in snap.state.grids:
            out = tmp_path / f"grille-{grid}.pdf"
            args = [
                "grille",
                snap.id,
                "x",
                "--grille",
                grid,
                "--data",
                str(data),
                "--out",
                str(out),
            ]
            assert main(args) == 0
            made.append(out)
        career = snap.state.career
        if career.jury is not None:
            out = tmp_path / f"pv-{snap.id}.pdf"
            assert main(["jury", "pv", snap.id, "--data", str(data), "--out", str(out)]) == 0
            made.append(out)
        if career.proclamation is not None:
            sessions.add(career.proclamation.value.on)
    assert sessions
    for on in sorted(sessions):
        for suffix in (".pdf", ".xlsx"):
            out = tmp_path / f"liste-{on}{suffix}"
            args = [
                "jury",
                "liste",
                "--session",
                f"{on:%d/%m/%Y}",
                "--data",
                str(data),
                "--out",
                str(out),
            ]
            assert main(args) == 0
            made.append(out)
    for suffix in (".xlsx", ".csv"):
        assert main(["tableau", "--data", str(data), "--out", str(tmp_path / f"t{suffix}")]) == 0
    assert "attention" not in capsys.readouterr().err
    for path in made:
        if path.suffix == ".pdf":
            reader = pypdf.PdfReader(path)
            assert reader.pages[0].extract_text().strip(), path
        else:
            assert openpyxl.load_workbook(path).active.max_row >= 2, path
    names = {snap.state.candidate.name for snap in snaps if snap.state.candidate}
    table = openpyxl.load_workbook(tmp_path / "t.xlsx")["Candidats"]
    assert {row[1] for row in table.iter_rows(min_row=2, values_only=True)} == names


@pytest.mark.slow
def test_the_app_start_does_not_import_the_document_libraries() -> None:
    code = (
        "import sys\n"
        "import tui.app, tui.screens.dossier, tui.screens.grid, tui.screens.jury, tui.screens.sync\n"
        "import tui.cli\n"
        "heavy = [m for m in ('fpdf', 'xlsxwriter', 'fontTools', 'uharfbuzz', 'store.documents.pdf_writer')"
        " if m in sys.modules]\n"
        "print(heavy)\n"
        "from store.documents.pdf_writer import PdfDocument\n"
        "print('fpdf' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split("\n")[:2] == ["[]", "True"], out


@settings(max_examples=60, deadline=None)
@given(st.text(ALPHABETS["latin"] + " \n" + ALPHABETS["greek"], max_size=300), st.integers(5, 80))
def test_lines_fit_their_width_and_lose_nothing(text: str, width: int) -> None:
    doc = PdfDocument("Lignes", created=NOW)
    doc.pdf.set_font("DejaVu", "", 9)
    lines = doc._lines(text, width, "", 9)
    for line in lines:
        assert doc.pdf.get_string_width(line) <= width + 1e-6 or len(line) == 1, line
    # Only the spaces where a line was broken are gone.
    assert "".join(lines).replace(" ", "").replace("\n", "") == text.replace(" ", "").replace(
        "\n", ""
    )
