"""Network-path detection for the database location warning."""

from __future__ import annotations

from msct_crf.storage.locations import is_network_path, mount_fs_type, network_path_warning

MOUNTS = """\
/dev/sda1 / ext4 rw,relatime 0 0
server:/export /mnt/nfs nfs4 rw 0 0
//host/share /mnt/my\\040share cifs rw 0 0
user@host:/data /home/me/remote fuse.sshfs rw 0 0
tmpfs /tmp tmpfs rw 0 0
"""


def test_mount_types() -> None:
    assert mount_fs_type("/mnt/nfs/study.db", MOUNTS) == "nfs4"
    assert mount_fs_type("/mnt/nfsx/study.db", MOUNTS) == "ext4"
    assert mount_fs_type("/mnt/my share/study.db", MOUNTS) == "cifs"
    assert mount_fs_type("/tmp/x.db", MOUNTS) == "tmpfs"


def test_network_paths() -> None:
    assert is_network_path("/mnt/nfs/study.db", mounts=MOUNTS)
    assert is_network_path("/mnt/my share/study.db", mounts=MOUNTS)
    assert is_network_path("/home/me/remote/study.db", mounts=MOUNTS)
    assert not is_network_path("/home/me/study.db", mounts=MOUNTS)
    assert not is_network_path("/tmp/study.db", mounts=MOUNTS)
    assert is_network_path(r"\\server\share\study.db")
    assert is_network_path(r"\\?\UNC\server\share\study.db")
    assert not is_network_path(r"\\?\C:\data\study.db", mounts=MOUNTS)


def test_warning_text(tmp_path) -> None:  # type: ignore[no-untyped-def]
    assert network_path_warning(tmp_path / "study.db") is None or "network" in (
        network_path_warning(tmp_path / "study.db") or ""
    )
    text = network_path_warning(r"\\server\share\study.db")
    assert text is not None and "network drive" in text and "backups" in text
