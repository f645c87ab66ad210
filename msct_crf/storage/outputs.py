"""Where an export or a backup may write: never over the study, never over a database.

Issue 10: ``msct-crf export --redcap study.db`` replaced the study database with a 13 KB
CSV and printed "ok". Every output path (the workbook, the CSV files, the REDCap
dictionary, a backup folder, any later one) goes through :func:`check_outputs` before
anything is written:

* it is not the study file, nor its ``-wal``, ``-shm`` or ``-journal`` companion (compared
  after resolving links and ``..``, so ``./x/../study.db`` is the study too);
* it is not an SQLite database of any kind (an existing file whose first bytes are
  ``SQLite format 3\\0``): not another study, not a backup, not another program's data;
* an existing file is replaced only when the person said so (``--force`` on the command
  line; the app asks first);
* no two outputs of one export are the same file.

Each refusal is a :class:`OutputError`, one line naming the option and the file.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from msct_crf.errors import UserError
from msct_crf.storage.store import SQLITE_HEADER

_COMPANIONS = ("", "-wal", "-shm", "-journal")


class OutputError(UserError):
    """An output path that must not be written."""


@dataclass(frozen=True)
class Output:
    """One file an export or backup is about to write. `what` names it in a message (the
    command-line option, e.g. ``--redcap``)."""

    what: str
    path: Path


def _resolved(path: Path) -> Path:
    return Path(os.path.realpath(os.path.abspath(os.fspath(path.expanduser()))))


def is_sqlite_file(path: Path) -> bool:
    """True when `path` is an existing file that starts with SQLite's header."""
    try:
        with path.open("rb") as handle:
            return handle.read(len(SQLITE_HEADER)) == SQLITE_HEADER
    except OSError:
        return False


def study_files(study: Path | None) -> set[Path]:
    """The study file and its companions, resolved."""
    if study is None:
        return set()
    base = _resolved(study)
    return {Path(f"{base}{suffix}") for suffix in _COMPANIONS}


def check_output(output: Output, *, study: Path | None, force: bool) -> Path:
    """The resolved path `output` may be written to, or an OutputError saying why not."""
    path = _resolved(output.path)
    if path in study_files(study):
        raise OutputError(
            f"{output.what}: {output.path} is the study database itself; choose another file"
        )
    if path.is_dir():
        raise OutputError(f"{output.what}: {output.path} is a folder, not a file")
    if path.exists():
        if is_sqlite_file(path):
            raise OutputError(
                f"{output.what}: {output.path} is an SQLite database (a study or a backup?); "
                "it is never overwritten: choose another file"
            )
        if not force:
            raise OutputError(
                f"{output.what}: {output.path} already exists; choose another file or "
                "confirm replacing it (--force)"
            )
    return path


def check_outputs(
    outputs: Iterable[Output], *, study: Path | None, force: bool = False
) -> list[Path]:
    """:func:`check_output` for each, and no two of them the same file."""
    seen: dict[Path, Output] = {}
    checked: list[Path] = []
    for output in outputs:
        path = check_output(output, study=study, force=force)
        if path in seen:
            first = seen[path]
            raise OutputError(
                f"{output.what}: {output.path} is also the {first.what} file; give each "
                "output its own file"
            )
        seen[path] = output
        checked.append(path)
    return checked


def check_output_folder(what: str, folder: Path, *, study: Path | None) -> Path:
    """A folder that files will be written into: not the study file, not any file."""
    path = _resolved(folder)
    if path in study_files(study):
        raise OutputError(f"{what}: {folder} is the study database itself; give a folder")
    if path.exists() and not path.is_dir():
        raise OutputError(f"{what}: {folder} is a file, not a folder")
    return path


def files_in(what: str, folder: Path, names: Sequence[str]) -> list[Output]:
    """The outputs `names` inside `folder`, each named like ``--csv-dir (MSCT_VIS.csv)``."""
    return [Output(f"{what} ({name})", folder / name) for name in names]
