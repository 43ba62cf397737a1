"""French labels and status cells shared by the screens."""

from __future__ import annotations

from rich.text import Text

from models.status import Status, cqp_label, sort_key

__all__ = ["cqp_label", "sort_key", "status_cell"]

_STATUS_STYLES = {
    Status.VALIDATED: "bold green",
    Status.FAILED: "bold red",
    Status.PENDING: "yellow",
}


def status_cell(status: Status) -> Text:
    """The sign and the word, then the colour: never colour alone."""
    return Text(f"{status.mark} {status.label}", style=_STATUS_STYLES[status])
