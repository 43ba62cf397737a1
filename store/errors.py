"""Store errors, each with a French message fit for the user."""

from __future__ import annotations

from pathlib import Path

from models.errors import CarnetError


class StoreError(CarnetError):
    """Something the store refused to do; nothing was changed."""


class CorruptFileError(StoreError):
    """A data file that is empty or not valid JSON: never read as an empty database."""

    def __init__(
        self, path: Path, reason: str, backup: Path | None, *, repairable: bool = False
    ) -> None:
        self.path = path
        self.reason = reason
        self.backup = backup
        # ``carnet recover`` can act on it (a backup, or records that verify themselves).
        self.repairable = repairable or backup is not None
        if backup is not None:
            hint = (
                f" Une sauvegarde existe ({backup.name}) : « carnet recover » la restaure "
                "et garde le fichier abîmé de côté."
            )
        elif repairable:
            hint = (
                " « carnet recover » garde tous les enregistrements intacts, met le fichier "
                "abîmé de côté et nomme ce qui est perdu."
            )
        else:
            hint = " Aucune sauvegarde n'est disponible."
        super().__init__(f"Le fichier {path} est illisible ({reason}).{hint}")


class LockedError(StoreError):
    exit_code = 3


class DiskWriteError(StoreError):
    """A write that did not reach the disk (full disk, permissions…): nothing was recorded."""


class ConflictError(StoreError):
    """Refused because of who the person is: a conflict of interest or the wrong role."""
