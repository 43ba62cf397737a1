"""A filter field that keeps the help one key away.

« ? » is text in a field, so Textual hides the screen's « ? Aide » from the footer while the
field has the focus. F1 is never typed: bound on the field itself, the footer shows it exactly
when « ? » is gone.
"""

from __future__ import annotations

from textual.widgets import Input

from tui.keys import HELP_F1


class FilterInput(Input):
    BINDINGS = [HELP_F1]
