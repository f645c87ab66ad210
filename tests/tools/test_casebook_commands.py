"""`msct-crf casebook` (msct_crf.tools.casebook_commands): headless, authenticated, one line
for every refusal, never a traceback."""

from __future__ import annotations

import io
from pathlib import Path
from types import SimpleNamespace

import pytest
from casebook_factory import pdf_pages, squeeze
from trust_factory import NURSE_PW, PI_PW, accounts, fast_hasher, visit

from msct_crf.tools.cli import main as cli_main

#: The study with accounts and a complete visit (tests/trust_factory.py).
FIXTURES = (accounts, fast_hasher, visit)


def _cli(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], stdin: str, *argv: str
) -> tuple[int, str, str]:
    monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    capsys.readouterr()
    code = cli_main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def _args(db: Path, subject: str, out: Path, user: str = "liwei") -> list[str]:
    return ["casebook", "--db", str(db), "--subject", subject, "--out", str(out)] + [
        "--user",
        user,
        "--password-stdin",
        "--quiet",
    ]


def test_the_pi_writes_a_chinese_casebook(
    visit: SimpleNamespace,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    db = tmp_path / "study.db"
    out = tmp_path / "book.pdf"
    code, stdout, err = _cli(
        monkeypatch, capsys, f"{PI_PW}\n", *_args(db, visit.subject, out), "--language", "zh"
    )
    assert code == 0, err
    assert stdout.startswith(f"ok: casebook of {visit.subject}: 2 records on 2 pages")
    text = squeeze("".join(pdf_pages(out)))
    assert squeeze("TBIL 总胆红素 30 µmol/L") in text and squeeze("第 2 页，共 2 页") in text


@pytest.mark.parametrize(
    ("subject", "out", "stdin", "message"),
    [
        ("GZH-999", "book.pdf", PI_PW, "subject: there is no subject 'GZH-999'"),
        (None, "book.docx", PI_PW, "out: the casebook file must end in .pdf"),
        (None, "missing/book.pdf", PI_PW, "does not exist"),
        (None, "study.db", PI_PW, "must end in .pdf"),
        (None, "book.pdf", "wrong password", "password"),
        (None, "book.pdf", "", "--password-stdin: no line"),
    ],
)
def test_refusals_are_one_line(
    visit: SimpleNamespace,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    subject: str | None,
    out: str,
    stdin: str,
    message: str,
) -> None:
    db = tmp_path / "study.db"
    line = f"{stdin}\n" if stdin else ""
    code, stdout, err = _cli(
        monkeypatch, capsys, line, *_args(db, subject or visit.subject, tmp_path / out)
    )
    assert code == 1, (stdout, err)
    assert err.startswith("msct-crf: ") and err.count("\n") == 1 and "Traceback" not in err
    assert message.lower() in err.lower()
    assert not list(tmp_path.glob("*.pdf")) and not list(tmp_path.glob("*.part"))


def test_an_existing_pdf_is_replaced_only_with_force(
    visit: SimpleNamespace,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    db, out = tmp_path / "study.db", tmp_path / "book.pdf"
    out.write_text("old")
    code, _out, err = _cli(
        monkeypatch, capsys, f"{NURSE_PW}\n", *_args(db, visit.subject, out, "nurse1")
    )
    assert code == 1 and "--force" in err and out.read_text() == "old"
    code, _out, err = _cli(
        monkeypatch, capsys, f"{NURSE_PW}\n", *_args(db, visit.subject, out, "nurse1"), "--force"
    )
    assert code == 0, err
    assert out.read_bytes().startswith(b"%PDF")


def test_the_command_and_its_writer_load_no_qt() -> None:
    import subprocess
    import sys

    code = (
        "import sys; from msct_crf.tools import cli; "
        "from msct_crf.tools import casebook_commands; "
        "from msct_crf.reporting.casebook import pdf; pdf._register_fonts(); "
        "assert not any(m.startswith(('PySide6', 'shiboken6', 'ui')) for m in sys.modules)"
    )
    subprocess.run([sys.executable, "-c", code], check=True, timeout=120)
