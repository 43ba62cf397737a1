"""Keys shared by the screens."""

from __future__ import annotations

from textual.binding import Binding

# The app binds « ? » too, but the footer lists the screen's keys before the app's: a screen
# with many keys puts this one first so that « ? Aide » is never cut at 80 columns.
HELP = Binding("question_mark", "app.help", "Aide", id="help")

# A screen whose fields take the keyboard (the marks): « ? » is typed there, and Textual hides
# it from the footer while a field has the focus; F1 is never typed.
HELP_F1 = Binding("f1", "app.help", "Aide", id="help-f1")
