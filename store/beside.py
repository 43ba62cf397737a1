"""Work done on the other processor by a forked child, while this process does its own part.

Python runs one thread at a time, and the libraries carnet leans on (json, pydantic's checks,
cryptography's Ed25519) hold the interpreter's lock while they work: only a second process
works beside. A child forked at the right moment has, for free, everything the parent has read
(a bundle's events, the dossiers in memory); it computes one value, sends it back pickled, and
leaves by ``os._exit``. On Linux with two processors or more; elsewhere, or should anything go
wrong (no fork, a crash, an exception, an answer too slow or cut short), the caller is told
there is no answer and does the work itself: slower, never different.

The child runs nothing but the work it is given: no import of a module not yet imported, no
output, no logging, no lock another thread may hold, so forking a process that has threads (the
writer's, the app's) is safe here.
"""

from __future__ import annotations

import contextlib
import gc
import os
import pickle
import select
import signal
import struct
import sys
import time
import warnings
from collections.abc import Callable
from typing import Any

_HEADER = struct.Struct("<Q")
# Descriptors a child must not keep: the data lock's, whose lock a child would otherwise hold
# (``flock`` follows the descriptor) after its parent was killed, keeping the folder locked.
_NOT_IN_CHILDREN: set[int] = set()


def keep_out_of_children(fd: int) -> None:
    _NOT_IN_CHILDREN.add(fd)


def back_in_children(fd: int) -> None:
    _NOT_IN_CHILDREN.discard(fd)


def can_fork() -> bool:
    """Linux, and two processors or more for this process."""
    if not sys.platform.startswith("linux") or not hasattr(os, "fork"):
        return False
    try:
        return len(os.sched_getaffinity(0)) >= 2
    except OSError:  # pragma: no cover
        return False


class Child:
    """A forked child computing one value; ``result`` waits for it at most ``wait`` seconds
    from its start."""

    def __init__(self, pid: int, read: int, wait: float) -> None:
        self.pid = pid
        self._read: int | None = read
        self._deadline = time.monotonic() + wait

    def result(self) -> tuple[bool, Any]:
        """(True, the value), or (False, None) when the child has no answer to give in time:
        it is stopped then."""
        read = self._read
        if read is None:
            return False, None
        chunks = []
        try:
            while True:
                left = self._deadline - time.monotonic()
                if left <= 0 or not select.select([read], [], [], left)[0]:
                    self.close()
                    return False, None
                chunk = os.read(read, 1 << 20)
                if not chunk:
                    break
                chunks.append(chunk)
        except OSError:
            self.close()
            return False, None
        self._read = None
        os.close(read)
        _, status = os.waitpid(self.pid, 0)
        data = b"".join(chunks)
        if status != 0 or len(data) < _HEADER.size:
            return False, None
        (size,) = _HEADER.unpack_from(data)
        if len(data) != _HEADER.size + size:
            return False, None
        try:
            # Pickled by a copy of this very process, a moment ago: nobody else writes here.
            return True, pickle.loads(data[_HEADER.size :])
        except Exception:
            return False, None

    def close(self) -> None:
        """Stops the child if its answer was not taken (a result no longer needed)."""
        read, self._read = self._read, None
        if read is None:
            return
        with contextlib.suppress(OSError):
            os.close(read)
        with contextlib.suppress(OSError):
            os.kill(self.pid, signal.SIGKILL)
        with contextlib.suppress(OSError):
            os.waitpid(self.pid, 0)


def fork(work: Callable[[], Any], *, wait: float) -> Child | None:
    """Starts ``work`` in a forked child; None when no child could be started."""
    try:
        read, write = os.pipe()
    except OSError:
        return None
    try:
        with warnings.catch_warnings():
            # Python 3.12 warns of fork() in a process with threads: see the module's note.
            warnings.simplefilter("ignore", DeprecationWarning)
            pid = os.fork()
    except OSError:
        os.close(read)
        os.close(write)
        return None
    if pid == 0:  # pragma: no cover - the child: its coverage is not collected
        code = 1
        try:
            os.close(read)
            for fd in _NOT_IN_CHILDREN:
                with contextlib.suppress(OSError):
                    os.close(fd)  # the parent's lock stays: it has its own descriptor
            gc.disable()  # short-lived: a collection would only copy the parent's pages
            body = pickle.dumps(work(), protocol=pickle.HIGHEST_PROTOCOL)
            view = memoryview(_HEADER.pack(len(body)) + body)
            while view:
                view = view[os.write(write, view) :]
            code = 0
        except BaseException:
            code = 1
        finally:
            os._exit(code)
    os.close(write)
    return Child(pid, read, wait)
