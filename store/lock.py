"""One app per data folder: an exclusive lock on a file beside the data, never on the data."""

from __future__ import annotations

import contextlib
import os
import socket
from pathlib import Path
from types import TracebackType

from store import beside
from store.errors import LockedError

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]

LOCK_NAME = "carnet.lock"


class DataLock:
    """Held for the life of the process; the OS releases it if the process is killed."""

    def __init__(self, folder: Path) -> None:
        self.path = folder / LOCK_NAME
        self._fd: int | None = None

    def acquire(self) -> None:
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            _lock(fd)
        except OSError as exc:
            holder = _read_holder(fd)
            os.close(fd)
            raise LockedError(
                "Une autre instance de carnet utilise déjà ce dossier de données "
                f"({self.path.parent}{holder}). Fermez-la avant d'en ouvrir une autre."
            ) from exc
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()} {socket.gethostname()}\n".encode())
        self._fd = fd
        beside.keep_out_of_children(fd)

    def release(self) -> None:
        if self._fd is not None:
            beside.back_in_children(self._fd)
            with contextlib.suppress(OSError):
                os.ftruncate(self._fd, 0)
            os.close(self._fd)
            self._fd = None

    def __enter__(self) -> DataLock:
        self.acquire()
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.release()


def writer_active(folder: Path) -> bool:
    """Whether a writer holds the folder now (a reader then allows for its write under way)."""
    try:
        fd = os.open(folder / LOCK_NAME, os.O_RDONLY)
    except OSError:
        return False
    try:
        _lock(fd)
    except OSError:
        return True
    finally:
        os.close(fd)  # closing releases a lock this reader may have taken
    return False


def _lock(fd: int) -> None:
    if fcntl is not None:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    else:  # pragma: no cover - Windows
        import msvcrt

        msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)


def _read_holder(fd: int) -> str:
    with contextlib.suppress(OSError, UnicodeDecodeError):
        text = os.pread(fd, 200, 0).decode().split()
        if len(text) >= 2:
            return f", processus {text[0]} sur {text[1]}"
    return ""
