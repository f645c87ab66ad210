"""The package file: one deterministic zip (stored, not compressed) of three members.

* ``manifest.json`` — canonical JSON: study, site, package number, the previous package's
  hash, the audit rows it carries (first and last sequence, the chain head before and
  after), schema revision, app version, who made it and with which key, and the SHA-256 of
  the payload;
* ``payload.jsonl`` — one canonical JSON object a line: the audit rows, then the records
  they produce (each row as it is now, or ``null`` when deleted);
* ``signature`` — Ed25519 (base64) over :data:`SIGNED_PREFIX` + the manifest's bytes.

A package's identity is the SHA-256 of its manifest (which holds the payload's). The writer
is deterministic (fixed member order, times and attributes, no compression), so reading one
back re-encodes it and refuses a file that differs from that in any byte: a tampered
timestamp or padding byte in the zip is refused like a tampered value.
"""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from dataclasses import dataclass
from typing import Any

from msct_crf.errors import UserError
from msct_crf.storage import audit

FORMAT = "msct-crf package 1"
SUFFIX = ".msctpkg"
RETURN_FORMAT = "msct-crf return 1"  # the centre's queries back to a site (see returns)
RETURN_SUFFIX = ".msctret"
SIGNED_PREFIX = b"msct-crf package 1|"
MANIFEST, PAYLOAD, SIGNATURE = "manifest.json", "payload.jsonl", "signature"
_MEMBERS = (MANIFEST, PAYLOAD, SIGNATURE)
_EPOCH = (1980, 1, 1, 0, 0, 0)


class PackageRefused(UserError):
    """A package the centre will not import; the message is the one-line reason."""


def file_name(site: str, number: int) -> str:
    return f"{site}-{number:04d}{SUFFIX}"


def return_file_name(site: str, number: int) -> str:
    return f"{site}-R{number:04d}{RETURN_SUFFIX}"


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def encode_lines(items: list[dict[str, Any]]) -> bytes:
    return "".join(audit.canonical_json(item) + "\n" for item in items).encode("utf-8")


@dataclass(frozen=True)
class Package:
    manifest_bytes: bytes
    payload: bytes
    signature: str

    @property
    def manifest(self) -> dict[str, Any]:
        value = json.loads(self.manifest_bytes)
        assert isinstance(value, dict)
        return value

    @property
    def sha256(self) -> str:
        return sha256(self.manifest_bytes)

    def lines(self) -> list[dict[str, Any]]:
        return [json.loads(line) for line in self.payload.decode("utf-8").splitlines()]

    def encode(self) -> bytes:
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_STORED) as archive:
            for name, data in zip(
                _MEMBERS,
                (self.manifest_bytes, self.payload, self.signature.encode("ascii")),
                strict=True,
            ):
                info = zipfile.ZipInfo(name, date_time=_EPOCH)
                info.external_attr = 0o644 << 16
                info.create_system = 3
                archive.writestr(info, data)
        return buffer.getvalue()


def manifest_bytes(manifest: dict[str, Any]) -> bytes:
    return audit.canonical_json(manifest).encode("utf-8")


def decode(data: bytes, name: str, expected: str = FORMAT) -> Package:
    """Read a package file's bytes; PackageRefused (one line) for anything but an unaltered
    MSC-CRF package."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            if archive.namelist() != list(_MEMBERS):
                raise PackageRefused(f"{name}: not an MSC-CRF package (members differ)")
            manifest, payload, signature = (archive.read(member) for member in _MEMBERS)
        package = Package(manifest, payload, signature.decode("ascii"))
        content = package.manifest
    except PackageRefused:
        raise
    except Exception as exc:  # a damaged zip raises many kinds (EOFError, struct.error, ...)
        reason = str(exc) or type(exc).__name__
        raise PackageRefused(f"{name}: not a readable MSC-CRF package ({reason})") from None
    if package.encode() != data:
        raise PackageRefused(f"{name}: the file was altered (it is not as the site wrote it)")
    if content.get("format") != expected:
        raise PackageRefused(f"{name}: unknown package format {content.get('format')!r}")
    if manifest_bytes(content) != manifest:
        raise PackageRefused(f"{name}: the manifest was altered (not canonical)")
    if sha256(payload) != content.get("payload_sha256"):
        raise PackageRefused(f"{name}: the payload was altered (its SHA-256 is not the manifest's)")
    return package
