"""Where a database file lives, and whether that place is safe for SQLite.

SQLite relies on file locks that network file systems (NFS, SMB/CIFS, sshfs) often implement
badly, so two computers can corrupt a database on a shared drive. The app warns when the
database is on such a path; it does not refuse, because a single user on a mapped drive may
have no other place to keep it.
"""

from __future__ import annotations

import os
from pathlib import Path, PureWindowsPath

NETWORK_FS_TYPES = frozenset(
    {"nfs", "nfs4", "cifs", "smb", "smb2", "smb3", "smbfs", "fuse.sshfs", "sshfs", "afs", "9p"}
)
MOUNTS_FILE = Path("/proc/mounts")


def _unescape_mount(field: str) -> str:
    # /proc/mounts writes space, tab, newline and backslash as octal escapes (\040 ...)
    out, i = [], 0
    while i < len(field):
        if field[i] == "\\" and field[i + 1 : i + 4].isdigit() and i + 4 <= len(field):
            out.append(chr(int(field[i + 1 : i + 4], 8)))
            i += 4
        else:
            out.append(field[i])
            i += 1
    return "".join(out)


def mount_fs_type(path: str | os.PathLike[str], mounts: str | None = None) -> str | None:
    """The file system type of the mount holding `path` (Linux), or None if unknown."""
    if mounts is None:
        try:
            mounts = MOUNTS_FILE.read_text(encoding="utf-8", errors="replace")
        except OSError:
            return None
    target = os.path.abspath(os.fspath(path))
    best, best_type = "", None
    for line in mounts.splitlines():
        parts = line.split()
        if len(parts) < 3:
            continue
        point, fs_type = _unescape_mount(parts[1]), parts[2]
        inside = target == point or target.startswith(point.rstrip("/") + "/")
        if inside and len(point) >= len(best):
            best, best_type = point, fs_type
    return best_type


def is_network_path(path: str | os.PathLike[str], *, mounts: str | None = None) -> bool:
    """True when `path` is on a network share: a UNC path (\\\\server\\share) or, on Linux,
    a mount of type NFS, CIFS/SMB or sshfs."""
    text = os.fspath(path)
    unc = text.replace("/", "\\") if os.name == "nt" else text
    if unc.upper().startswith("\\\\?\\UNC\\"):
        return True  # \\?\UNC\server\share
    if unc.startswith("\\\\") and not unc.startswith(("\\\\?\\", "\\\\.\\")):
        return True  # \\server\share (not a \\?\C:\ or \\.\ device path)
    if os.name == "nt":
        drive = PureWindowsPath(os.path.abspath(text)).drive
        return _windows_remote_drive(drive)
    fs_type = mount_fs_type(text, mounts)
    return fs_type is not None and (
        fs_type in NETWORK_FS_TYPES or fs_type.split(".")[-1] in NETWORK_FS_TYPES
    )


def _windows_remote_drive(drive: str) -> bool:  # pragma: no cover - Windows only
    if drive.startswith("\\\\"):
        return True
    try:
        import ctypes

        windll = getattr(ctypes, "windll", None)
        if windll is None or not drive:
            return False
        DRIVE_REMOTE = 4
        return int(windll.kernel32.GetDriveTypeW(drive + "\\")) == DRIVE_REMOTE
    except (OSError, AttributeError, ValueError):
        return False


def network_path_warning(path: str | os.PathLike[str]) -> str | None:
    """A warning sentence for a database on a network path, or None."""
    if not is_network_path(path):
        return None
    return (
        f"The database {os.fspath(path)} is on a network drive. SQLite databases can be "
        "damaged when a network share loses its connection or two computers write at once; "
        "keep the database on this computer's own disk and use backups to share it."
    )
