"""Evaluation timers kept as start and pause times, so they survive a restart exactly."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime


def parse_ts(ts: str) -> datetime:
    return datetime.strptime(ts, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=UTC)


@dataclass(frozen=True)
class Timer:
    """One phase's clock: time run in closed intervals, and since when it runs, if it does."""

    seconds_before: float = 0.0
    running_since: datetime | None = None
    started_at: datetime | None = None

    def start(self, at: datetime) -> Timer:
        if self.running_since is not None:
            return self
        return Timer(self.seconds_before, at, self.started_at or at)

    def pause(self, at: datetime) -> Timer:
        if self.running_since is None:
            return self
        run = max(0.0, (at - self.running_since).total_seconds())
        return Timer(self.seconds_before + run, None, self.started_at)

    @property
    def running(self) -> bool:
        return self.running_since is not None

    def elapsed(self, now: datetime) -> float:
        """Seconds run so far (a clock set back never makes it run backwards)."""
        if self.running_since is None:
            return self.seconds_before
        return self.seconds_before + max(0.0, (now - self.running_since).total_seconds())

    def remaining(self, minutes: int, now: datetime) -> float:
        return minutes * 60 - self.elapsed(now)


def clock(seconds: float) -> str:
    """mm:ss, with a minus sign once the time is over."""
    sign = "-" if seconds < 0 else ""
    whole = int(abs(seconds))
    return f"{sign}{whole // 60:02d}:{whole % 60:02d}"


def minutes_text(seconds: float) -> str:
    whole = int(seconds)
    return f"{whole // 60} min {whole % 60:02d} s"
