"""Windows no larger than the screen they open on.

A dialog sized for a wide monitor (the queries list, the audit trail) must still fit a
1280x800 laptop: it takes its preferred size, or the screen's free area less a margin,
whichever is smaller; its tables scroll inside it.
"""

from __future__ import annotations

from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QWidget

#: Share of the screen's free width and height a dialog may take at most.
SCREEN_SHARE = 0.95


def resize_within_screen(widget: QWidget, width: int, height: int) -> None:
    """Resize ``widget`` to ``width`` x ``height``, shrunk to fit its screen."""
    screen = widget.screen() or QGuiApplication.primaryScreen()
    if screen is not None:
        free = screen.availableGeometry()
        width = min(width, int(free.width() * SCREEN_SHARE))
        height = min(height, int(free.height() * SCREEN_SHARE))
    widget.resize(width, height)
