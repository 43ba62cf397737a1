"""Issue 14's budgets: the dossier de certification command ≤ 1 s, a grid's PDF ≤ 0.5 s, the
consolidated table for 1,000 candidates ≤ 5 s and ≤ 300 MB. Each command runs in a fresh
process, as the user runs it, three times; the table shows the worst of the three beside two
anchors measured in the same run: python's own start, and fpdf2 writing a one-line PDF with the
same embedded fonts (the library's floor).

    .venv/bin/python bench/documents.py [--data DIR] [--runs 3]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench._common import compiled, table, timed_process  # noqa: E402

# The command as installed: the console script of the development install.
CARNET = str(Path(sys.executable).with_name("carnet"))
_ONE_LINE_PDF = (
    "import sys\n"
    "from fpdf import FPDF\n"
    "from store.documents.glyphs import font_path\n"
    "pdf = FPDF()\n"
    "pdf.add_font('DejaVu', '', str(font_path('DejaVuSans.ttf')))\n"
    "pdf.add_font('DejaVu', 'B', str(font_path('DejaVuSans-Bold.ttf')))\n"
    "pdf.add_page()\n"
    "pdf.set_font('DejaVu', 'B', 12)\n"
    "pdf.cell(0, 10, 'Dossier de certification — Nguyễn Thị Ánh')\n"
    "pdf.output(sys.argv[1])\n"
)


def run(code: str | None, *args: str) -> tuple[float, float, int]:
    """Wall time of a fresh process (carnet's console script when ``code`` is None, else
    python running ``code``), its CPU time (user + system, its children's included: what a
    loaded machine changes least) and the peak resident memory of its largest process, MB."""
    argv = [CARNET, *args] if code is None else [sys.executable, "-c", code, *args]
    return timed_process(argv, cwd=str(ROOT))


def certificate(folder: Path) -> Path:
    """A document-signing certificate as an organisation's PKI hands it out (PKCS#12)."""
    import datetime

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.hazmat.primitives.serialization import pkcs12
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Secrétariat (banc d'essai)")])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=30))
        .sign(key, hashes.SHA256())
    )
    path = folder / "secretariat.p12"
    path.write_bytes(
        pkcs12.serialize_key_and_certificates(
            b"banc", key, cert, None, serialization.BestAvailableEncryption(PASSPHRASE.encode())
        )
    )
    return path


PASSPHRASE = "banc-d-essai"


def ensure(folder: Path, candidates: int) -> float:
    from store.demo import populate
    from store.store import Store

    if folder.is_dir() and len(list((folder / "dossiers").glob("c-*.json"))) >= candidates:
        return 0.0
    start = time.perf_counter()
    with Store.open(folder) as store:
        populate(store, candidates, seed=14)
        store.summaries()
    os.sync()
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data", type=Path, default=None)
    parser.add_argument("--candidates", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    compiled()
    scratch = Path(tempfile.mkdtemp(prefix="bench-documents-"))
    data = args.data or scratch / "data"
    made = ensure(data, args.candidates)

    from store.store import Store

    with Store.open(data) as store:
        snaps = [store.snapshot(c) for c in store.candidate_ids()[:200]]
    # The largest Gestionnaire conseil dossier: three grids, the longest document.
    conseil = max(
        (s for s in snaps if s.state.grids), key=lambda s: (len(s.state.grids), s.state.events)
    )
    grid = max(conseil.state.grids.values(), key=lambda g: len(g.comments)).id
    p12 = certificate(scratch)
    os.environ["CARNET_CERTIFICAT_MDP"] = PASSPHRASE

    measures: list[tuple[str, str, str, list[str]]] = [
        ("python -c pass (ancre)", "pass", "", []),
        ("fpdf2 : PDF d'une ligne, mêmes polices (ancre)", _ONE_LINE_PDF, "", [str(scratch / "a.pdf")]),
        ("carnet dossier (10 pages)", None, "≤ 1 s",
         ["dossier", conseil.id, "--data", str(data), "--out", str(scratch / "d{n}.pdf")]),
        ("carnet dossier signé (PAdES)", None, "≤ 1 s",
         ["dossier", conseil.id, "--data", str(data), "--out", str(scratch / "s{n}.pdf"),
          "--signer", str(p12)]),
        ("carnet grille", None, "≤ 0,5 s",
         ["grille", conseil.id, "x", "--grille", grid, "--data", str(data), "--out", str(scratch / "g{n}.pdf")]),
        (f"carnet tableau .xlsx ({args.candidates} candidats)", None, "≤ 5 s, ≤ 300 Mo",
         ["tableau", "--data", str(data), "--out", str(scratch / "t{n}.xlsx")]),
        (f"carnet tableau .csv ({args.candidates} candidats)", None, "≤ 5 s, ≤ 300 Mo",
         ["tableau", "--data", str(data), "--out", str(scratch / "t{n}.csv")]),
    ]  # fmt: skip
    rows = []
    anchor = 0.0
    for label, code, budget, argv in measures:
        times, cpus, peaks = [], [], []
        for n in range(args.runs):
            elapsed, cpu, peak = run(code, *(a.replace("{n}", str(n)) for a in argv))
            times.append(elapsed)
            cpus.append(cpu)
            peaks.append(peak)
        if label.startswith("python"):
            anchor = max(times)
        worst = max(times)
        verdict = ""
        if budget:
            limit = {"≤ 1 s": 1.0, "≤ 0,5 s": 0.5}.get(budget, 5.0)
            verdict = "ok" if worst <= limit and (limit != 5.0 or max(peaks) <= 300) else "DÉPASSÉ"
        rows.append((label, f"{statistics.median(times):.2f}", f"{worst:.2f}", f"{max(cpus):.2f}", max(peaks),
                     f"{worst / anchor:.1f}" if anchor else "", budget, verdict))  # fmt: skip
    print(f"{args.candidates} candidats (faits en {made:.0f} s), {args.runs} passages par mesure ; "
          f"dossier {conseil.id} : {conseil.state.events} événements, {len(conseil.state.grids)} grilles")  # fmt: skip
    print(
        table(
            ["mesure", "médiane s", "pire s", "pire CPU s", "Mo max", "× python", "budget", ""],
            rows,
        )
    )
    print(
        f"charge moyenne de la machine pendant la mesure : {os.getloadavg()[0]:.1f} ({os.cpu_count()} cœurs)"
    )
    shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()
