"""A derived cache of each dossier's summary, so listing 1,000 candidates reads one file.

Each entry is keyed by its dossier file's size, modification time and inode: any write to the
dossier changes the key, and a stale or missing entry is simply recomputed from the events.
Losing or corrupting this file loses nothing; it is rebuilt.
"""

from __future__ import annotations

import contextlib
import json
import os
from pathlib import Path
from typing import Any

from store.atomic import atomic_write
from store.roster import FORMAT as ROSTER_FORMAT
from store.roster import ROSTER_NAME, roster_row

INDEX_NAME = "index.json"
FORMAT = (
    4  # 2: records name the tutor and manager; 3: provisional or final; 4: active, edits (issue 11)
)


def file_key(path: Path) -> list[int] | None:
    try:
        st = os.stat(path)
    except FileNotFoundError:
        return None
    return [st.st_size, st.st_mtime_ns, st.st_ino]


class SummaryIndex:
    def __init__(self, folder: Path, *, read_only: bool = False) -> None:
        self.path = folder / INDEX_NAME
        self._read_only = read_only  # a reader without the lock leaves the caches to the writer
        self._loaded: dict[str, dict[str, Any]] | None = None
        self._dirty = False

    @property
    def _entries(self) -> dict[str, dict[str, Any]]:
        # Read on first use: the documents read one dossier and never look at the index, which
        # holds a full record per candidate (0.1 s to parse at 1,000 candidates).
        if self._loaded is None:
            self._loaded = {}
            with contextlib.suppress(OSError, ValueError, TypeError, KeyError):
                raw = json.loads(self.path.read_bytes())
                if raw.get("format") == FORMAT and isinstance(raw.get("entries"), dict):
                    self._loaded = raw["entries"]
        return self._loaded

    def names(self) -> list[str]:
        return list(self._entries)

    def get(self, dossier: str, key: list[int] | None) -> dict[str, Any] | None:
        entry = self._entries.get(dossier)
        if entry is None or key is None or entry.get("key") != key:
            return None
        summary = entry.get("summary")
        return summary if isinstance(summary, dict) else None

    def put(self, dossier: str, key: list[int] | None, summary: dict[str, Any]) -> None:
        if key is None:
            return
        self._entries[dossier] = {"key": key, "summary": summary}
        self._dirty = True

    def flush(self) -> None:
        if not self._dirty or self._read_only:
            return
        data = json.dumps({"format": FORMAT, "entries": self._entries}, ensure_ascii=False)
        roster = {
            dossier: {"key": entry["key"], "row": roster_row(entry["summary"])}
            for dossier, entry in self._entries.items()
        }
        slim = json.dumps({"format": ROSTER_FORMAT, "entries": roster}, ensure_ascii=False)
        # Caches: if a write fails, the summaries are recomputed next time.
        with contextlib.suppress(OSError):
            atomic_write(self.path, data.encode(), keep_backup=False)
            atomic_write(self.path.parent / ROSTER_NAME, slim.encode(), keep_backup=False)
            self._dirty = False
