"""Store errors, each with a French message fit for the user."""

from __future__ import annotations

from pathlib import Path

from models.errors import CarnetError


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
