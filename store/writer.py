"""The one writer: a single thread that owns the store and runs every call in order.

The UI submits work and awaits a future, so its event loop never touches the disk; the command
line waits on the same futures. "Saved" is said only once the future has returned.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import TypeVar

from grids import Referentials
from store.store import Store

T = TypeVar("T")


class Writer:
    def __init__(
        self, folder: Path, referentials: Referentials | None = None, *, read_only: bool = False
    ) -> None:
        self.folder = folder
        self._read_only = read_only
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="carnet-writer")
        self._store: Store | None = None
        self._referentials = referentials

    def start(self) -> Future[Store]:
        """Opens the store on the writer thread (lock, recovery, registry)."""

        def _open() -> Store:
            self._store = Store.open(self.folder, self._referentials, read_only=self._read_only)
            return self._store

        return self._executor.submit(_open)

    def submit(self, work: Callable[[Store], T]) -> Future[T]:
        def _run() -> T:
            if self._store is None:
                raise RuntimeError("store not started")
            return work(self._store)

        future = self._executor.submit(_run)
        # Next, once the caller has its answer: the journal's lines of what was just written.
        self._executor.submit(self._sync_journal)
        return future

    def _sync_journal(self) -> None:
        if self._store is not None and not self._read_only:
            self._store.sync_journal()

    def call(self, work: Callable[[Store], T]) -> T:
        """Blocking form, for the command line."""
        return self.submit(work).result()

    def close(self) -> None:
        def _close() -> None:
            if self._store is not None:
                self._store.close()
                self._store = None

        try:
            self._executor.submit(_close).result()
        finally:
            self._executor.shutdown(wait=True)

    def __enter__(self) -> Writer:
        self.start().result()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()
