"""What a Pilot test reads on screen: the composed lines, as the terminal would show them."""

from __future__ import annotations

from textual.app import App


def screen_text(app: App[object]) -> str:
    """Every line of the current screen, as plain text (modal screens over their background)."""
    strips = app.screen._compositor.render_strips()
    return "\n".join("".join(segment.text for segment in strip) for strip in strips)


def unwrapped(app: App[object]) -> str:
    """The screen's text with line ends and runs of spaces folded, to find a wrapped phrase."""
    return " ".join(screen_text(app).split())
