"""Store errors, each with a French message fit for the user."""

from __future__ import annotations

import errno
from pathlib import Path

from models.errors import CarnetError

_REASONS = {
    errno.ENOENT: "fichier ou dossier introuvable",
    errno.ENOTDIR: "un élément du chemin n'est pas un dossier",
    errno.EISDIR: "c'est un dossier, pas un fichier",
    errno.EACCES: "accès refusé par le système",
    errno.EPERM: "opération refusée par le système",
    errno.EROFS: "support en lecture seule",
    errno.ENOSPC: "le disque est plein",
    errno.EDQUOT: "quota du disque dépassé",
    errno.EIO: "erreur du support (lecture ou écriture)",
    errno.EEXIST: "le fichier existe déjà",
    errno.ENAMETOOLONG: "nom de fichier trop long",
    errno.EMFILE: "trop de fichiers ouverts",
    errno.EBUSY: "fichier occupé",
}


def os_reason(exc: OSError) -> str:
    """Why a system call failed, in French (the system's own text is in English)."""
    if not exc.errno:  # raised by a program, not the system: its own words
        return str(exc) or "erreur du système"
    return _REASONS.get(exc.errno, f"erreur du système n° {exc.errno}")


class StoreError(CarnetError):
    """Something the store refused to do; nothing was changed."""


class CorruptFileError(StoreError):
    """A data file that is empty or not valid JSON: never read as an empty database."""

    def __init__(
        self,
        path: Path,
        reason: str,
        backup: Path | None,
        *,
        repairable: bool = False,
        absent: bool = False,
    ) -> None:
        """``absent``: the file is not there at all (nothing damaged to set aside)."""
        self.path = path
        self.reason = reason
        self.backup = backup
        # ``carnet recover`` can act on it (a backup, or records that verify themselves).
        self.repairable = repairable or backup is not None
        if backup is not None and absent:
            hint = f" Une sauvegarde existe ({backup.name}) : « carnet recover » la remet en place."
        elif backup is not None:
            hint = (
                f" Une sauvegarde existe ({backup.name}) : « carnet recover » la restaure "
                "et garde le fichier abîmé de côté."
            )
        elif repairable and absent:
            hint = " « carnet recover » répare ce qui peut l'être et nomme ce qui est perdu."
        elif repairable:
            hint = (
                " « carnet recover » garde tous les enregistrements intacts, met le fichier "
                "abîmé de côté et nomme ce qui est perdu."
            )
        else:
            hint = " Aucune sauvegarde n'est disponible."
        state = "manque" if absent else "est illisible"
        super().__init__(f"Le fichier {path} {state} ({reason}).{hint}")


class LockedError(StoreError):
    exit_code = 3


class DiskWriteError(StoreError):
    """A write that did not reach the disk (full disk, permissions…): nothing was recorded."""


class ConflictError(StoreError):
    """Refused because of who the person is: a conflict of interest or the wrong role."""
