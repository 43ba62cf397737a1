"""Restores unreadable data files from their backups, keeping the damaged file aside.

Runs under the data lock, before the store opens: the store refuses to open while a file it
needs is unreadable, rather than read it as empty.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from models.events import utc_now
from store.atomic import atomic_write, backup_path
from store.errors import CorruptFileError
from store.journal import JOURNAL_NAME, Journal
from store.layout import DOSSIERS, EVENTS, REGISTRY, REGISTRY_FILE
from store.lock import DataLock
from store.lost import record_lost
from store.storage import parse_tables


@dataclass
class RecoveryReport:
    restored: list[Path] = field(default_factory=list)
    unrecoverable: list[Path] = field(default_factory=list)
    # Events the journal recorded in a restored file but which its backup does not hold.
    lost: dict[str, list[int]] = field(default_factory=dict)

    def lines(self) -> list[str]:
        out = [f"Restauré depuis la sauvegarde : {p}" for p in self.restored]
        out += [
            f"Irrécupérable (ni le fichier ni sa sauvegarde ne se lisent) : {p}"
            for p in self.unrecoverable
        ]
        for dossier, seqs in self.lost.items():
            listed = ", ".join(str(s) for s in seqs[:20]) + ("…" if len(seqs) > 20 else "")
            out.append(
                f"{dossier} : {len(seqs)} événement(s) absents de la sauvegarde (n° {listed})"
            )
        return out or ["Tous les fichiers se lisent : rien à restaurer."]


def recover(folder: Path) -> RecoveryReport:
    """Restores what can be, from outside the app: takes the data lock first."""
    with DataLock(folder):
        return restore(folder)


def restore(folder: Path) -> RecoveryReport:
    """Restores unreadable files from their backups; the caller holds the data lock."""
    report = RecoveryReport()
    for path in [folder / REGISTRY_FILE, *sorted((folder / DOSSIERS).glob("c-*.json"))]:
        if path.exists() and not _readable(path):
            _restore_file(folder, path, report)
    if report.lost:
        record_lost(folder, report.lost)
    return report


def _readable(path: Path) -> bool:
    try:
        parse_tables(path.read_bytes(), path)
    except CorruptFileError:
        return False
    return True


def _restore_file(folder: Path, path: Path, report: RecoveryReport) -> None:
    backup = backup_path(path)
    try:
        good = backup.read_bytes()
        tables = parse_tables(good, backup)
    except (OSError, CorruptFileError):
        report.unrecoverable.append(path)
        return
    # The damaged file is kept beside, never deleted: someone may still want to read it.
    os.replace(path, path.with_name(f"{path.name}.abime-{utc_now().replace(':', '')}"))
    atomic_write(path, good, keep_backup=False)
    report.restored.append(path)
    dossier = REGISTRY if path.name == REGISTRY_FILE else path.stem
    held = {e.get("seq") for e in tables.get(EVENTS, {}).values()}
    if not (folder / JOURNAL_NAME).exists():
        return
    journal = Journal(folder)
    try:
        missing = [e.seq for e in journal.entries() if e.dossier == dossier and e.seq not in held]
    finally:
        journal.close()
    if missing:
        report.lost[dossier] = missing
