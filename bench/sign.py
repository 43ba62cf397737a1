"""Signing with a secret: what a tutor waits for between typing their secret and « enregistré ».

Budget (issue 11): signing with a secret adds at most 1 s. Timed in the same run: the whole
store call of a logbook signature (Argon2id derivation with the production parameters,
AES-GCM decryption of the key, Ed25519 signature, durable write), the derivation and signature
alone, and two anchors: the store's durable write of one criterion mark (the same write path,
no secret) and a bare fsync of a small file.

    python bench/sign.py [--signatures 10]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench._common import summary, table
from models.threshold import CriterionState
from store.credentials import DEFAULT_KDF, sign_with
from store.store import Store

SECRET = "482913"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--signatures", type=int, default=10)
    args = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory(prefix="carnet-sign-") as tmp, Store.open(Path(tmp)) as store:
        tutor = store.create_person("Tom Tuteur", "CPAM", ["tuteur"], "bench")
        manager = store.create_person("Mona Manager", "CPAM", ["manager"], "bench")
        evaluator = store.create_person("Rémi Métier", "CAF", ["representant_metier"], "bench")
        certifier = store.create_person("Cécile Certif", "Ucanss", ["certificateur"], "bench")
        store.set_secret(tutor, SECRET)
        competencies = [c.id for b in store.referentials.conseil.blocks for c in b.competencies]
        whole, alone, marks, fsyncs = [], [], [], []
        credential = store.keystore.get(tutor)
        assert credential is not None
        for i in range(args.signatures):
            candidate = store.create_candidate(
                f"Candidat {i}",
                "CPAM",
                "gestionnaire-conseil",
                "bench",
                tutor=tutor,
                manager=manager,
            )
            start = time.perf_counter()
            store.sign_attestation(
                candidate, competencies[i % len(competencies)], "tuteur", tutor, "Appel", SECRET
            )
            whole.append(time.perf_counter() - start)
            start = time.perf_counter()
            assert sign_with(credential, SECRET, b"message") is not None
            alone.append(time.perf_counter() - start)
            grid = store.open_grid(
                candidate, "gc.b3", "bench", evaluator=evaluator, certifier=certifier
            )
            start = time.perf_counter()
            store.mark_criteria(
                candidate, grid, [("gc.b3.c1.k1", CriterionState.VALIDATED, "")], "bench"
            )
            marks.append(time.perf_counter() - start)
            probe = Path(tmp) / "probe"
            start = time.perf_counter()
            with probe.open("wb") as handle:
                handle.write(b"x" * 512)
                handle.flush()
                os.fsync(handle.fileno())
            fsyncs.append(time.perf_counter() - start)
    for label, values in (
        ("logbook signature with secret (store call)", whole),
        ("Argon2id + AES-GCM + Ed25519 alone", alone),
        ("anchor: durable mark write (no secret)", marks),
        ("anchor: bare fsync", fsyncs),
    ):
        p50, p95, worst = summary(values)
        rows.append((label, len(values), f"{p50:.3f}", f"{p95:.3f}", f"{worst:.3f}"))
    print(
        f"KDF: Argon2id, {DEFAULT_KDF.memory_cost // 1024} MiB, {DEFAULT_KDF.iterations} "
        f"passes, {DEFAULT_KDF.lanes} lane(s)"
    )
    print(table(("mesure", "n", "p50 s", "p95 s", "max s"), rows))
    added = summary(whole)[1] - summary(marks)[0]
    verdict = "ok" if added <= 1.0 else "DÉPASSÉ"
    print(
        f"added by the secret (p95 signature − p50 mark write): {added:.3f} s (budget ≤ 1 s: {verdict})"
    )


if __name__ == "__main__":
    main()
