"""`msct-crf export --redcap-dir DIR` (issue 12): the REDCap import bundle from the shell,
and its refusals in one line."""

from __future__ import annotations

from pathlib import Path

import pytest
from redcap_readback import bundle_problems

from msct_crf.reporting.redcap import BUNDLE_FILES
from msct_crf.storage.store import Store
from msct_crf.tools.cli import main as cli_main


def _run(capsys: pytest.CaptureFixture[str], db: Path, *extra: str) -> tuple[int, str, str]:
    capsys.readouterr()
    code = cli_main(["export", "--db", str(db), "-q", "--user", "pi", *extra])
    out, err = capsys.readouterr()
    return code, out, err


def test_redcap_dir_writes_the_bundle(
    small: Store, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert small.path is not None
    bundle = tmp_path / "new" / "redcap"
    code, out, err = _run(
        capsys, small.path, "--out", str(tmp_path / "x.xlsx"), "--redcap-dir", str(bundle)
    )
    assert code == 0, err
    assert out.startswith("ok: exported 5 subjects in ")
    assert out.endswith(f"{(tmp_path / 'x.xlsx').resolve()}, REDCap bundle in {bundle}\n")
    assert sorted(p.name for p in bundle.iterdir()) == sorted(BUNDLE_FILES)
    assert bundle_problems(bundle) == []


@pytest.mark.parametrize(
    ("where", "message"),
    [
        ("file", "redcap-dir: {path} is a file, not a folder"),
        ("existing", "redcap-dir (1_data_dictionary.csv): {path}/1_data_dictionary.csv already"),
        ("study", "redcap-dir: {path} is the study database itself"),
    ],
)
def test_redcap_dir_refusals_are_one_line(
    small: Store,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    where: str,
    message: str,
) -> None:
    assert small.path is not None
    path = {"file": tmp_path / "a.csv", "existing": tmp_path / "rc", "study": small.path}[where]
    if where == "file":
        path.write_text("not a folder")
    if where == "existing":
        path.mkdir()
        (path / BUNDLE_FILES[0]).write_text("an older dictionary")
    before = small.path.read_bytes()
    code, out, err = _run(
        capsys, small.path, "--out", str(tmp_path / "x.xlsx"), "--redcap-dir", str(path)
    )
    assert code == 1 and out == "" and err.count("\n") == 1, (code, out, err)
    assert err.startswith("msct-crf: " + message.format(path=path)), err
    assert "Traceback" not in err and not (tmp_path / "x.xlsx").exists()
    assert small.path.read_bytes() == before
    if where == "existing":
        assert (path / BUNDLE_FILES[0]).read_text() == "an older dictionary"


def test_the_old_redcap_option_says_what_replaced_it(
    small: Store, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert small.path is not None
    old = tmp_path / "dictionary.csv"
    code, out, err = _run(
        capsys, small.path, "--out", str(tmp_path / "x.xlsx"), "--redcap", str(old)
    )
    assert code == 1 and out == ""
    assert err == (
        "msct-crf: --redcap: replaced by --redcap-dir DIR, a folder for the REDCap import bundle\n"
    )
    assert not old.exists() and not (tmp_path / "x.xlsx").exists()
