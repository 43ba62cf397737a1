"""A toast whose notification expired before it was mounted froze the app: its timer had a
negative interval, and Textual's timer loop spun without yielding (seen on a loaded machine,
in a Pilot flow that hung for a quarter of an hour). Run in a subprocess: a frozen event loop
cannot be interrupted from inside."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

SCRIPT = """
import asyncio, sys, time
from pathlib import Path
import tui.app  # the guard is installed with the app, as the command does
from textual.app import App
from textual.notifications import Notification
from textual.widgets._toast import Toast

class Bare(App):
    pass

async def main():
    app = Bare()
    async with app.run_test() as pilot:
        expired = Notification("parti", timeout=1, raised_at=time.time() - 5)
        await app.screen.mount(Toast(expired))
        for _ in range(10):
            await pilot.pause(0.02)
    print("fini")

asyncio.run(main())
"""


def test_an_expired_toast_goes_at_once_and_the_app_goes_on() -> None:
    root = Path(__file__).resolve().parent.parent
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT], cwd=root, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.strip() == "fini"
