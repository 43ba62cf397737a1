"""The cyclic garbage collector held during a burst of objects made and dropped at once."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def collector_paused() -> Iterator[None]:
    """No cyclic collection inside: a bundle of 20,000 events decodes into about a million
    objects, and each full collection meanwhile walks every one of them (a tenth to a third of
    a station's import on this project's machine). Objects are still freed by reference
    counting as they go; only cycles (a refusal's traceback) wait until the end. The
    collector's state before is put back, whatever happens."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()
