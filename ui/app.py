"""Application entry point (a minimal window until the desktop issue lands)."""

from __future__ import annotations

import sys

from PySide6.QtWidgets import QApplication, QLabel, QMainWindow

from msct_crf.store import Store


def create_main_window(database_url: str, user: str) -> QMainWindow:
    store = Store.open(database_url)
    window = QMainWindow()
    window.setWindowTitle(f"MSC-CRF - {store.path or store.url}")
    window.setCentralWidget(QLabel(f"Signed in as {user}"))
    return window


def main(database: str | None = None, user: str | None = None) -> int:
    from msct_crf.db.engine import default_database_url, sqlite_url

    app = QApplication.instance() or QApplication(sys.argv)
    url = sqlite_url(database) if database else default_database_url()
    window = create_main_window(url, user or "nurse")
    window.show()
    return app.exec()
