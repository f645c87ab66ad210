"""The ``msct-crf`` command: the composition root above the core and the GUI.

A subcommand (verify, export, backup, ...) runs the core's command line
(:mod:`msct_crf.tools.cli`) and never imports PySide6, so it works on a server without Qt's
libraries; no subcommand starts the desktop app, which is imported only then.
"""

from __future__ import annotations

from collections.abc import Sequence


def start_gui(database: str | None, user: str | None) -> int:
    """Start the desktop app (imports PySide6 only now)."""
    from ui.app import main as gui_main

    return gui_main(database=database, user=user)


def main(argv: Sequence[str] | None = None) -> int:
    from msct_crf.tools import cli

    return cli.main(argv, start_gui=start_gui)
