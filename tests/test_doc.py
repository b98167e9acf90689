"""Word 97-2003 .doc through LibreOffice: conversion, missing converter, timeout, failure."""

from __future__ import annotations

import stat
import subprocess
import time
from pathlib import Path

import docx
import pytest
from evidence.errors import ConverterMissing, CorruptFile, FailReason, FileError
from evidence.ingest.base import ParseOptions
from evidence.ingest.formats import doc


def _fake_soffice(tmp_path: Path, body: str) -> Path:
    script = tmp_path / "fake-soffice"
    script.write_text(f"#!/bin/sh\n{body}\n", encoding="utf-8")
    script.chmod(script.stat().st_mode | stat.S_IEXEC)
    return script


def _some_doc(tmp_path: Path) -> Path:
    p = tmp_path / "tb.doc"
    p.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 1024)
    return p


def test_converter_missing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EVIDENCE_SOFFICE", str(tmp_path / "no-such-soffice"))
    with pytest.raises(ConverterMissing, match="libreoffice-writer-nogui") as err:
        doc.parse(_some_doc(tmp_path), ParseOptions())
    assert err.value.reason == FailReason.CONVERTER_MISSING


def test_timeout_kills_the_converter(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    pidfile = tmp_path / "child.pid"
    # the fake converter starts a child in its process group, as soffice.bin does
    script = _fake_soffice(tmp_path, f"sleep 30 & echo $! > {pidfile}\nwait")
    monkeypatch.setenv("EVIDENCE_SOFFICE", str(script))
    start = time.monotonic()
    with pytest.raises(FileError) as err:
        doc.parse(_some_doc(tmp_path), ParseOptions(timeout=1.0))
    assert err.value.reason == FailReason.TIMEOUT
    assert time.monotonic() - start < 10
    child = int(pidfile.read_text())
    time.sleep(0.2)
    stat_file = Path(f"/proc/{child}/stat")
    if stat_file.exists():  # killed but not yet reaped by init: a zombie
        assert stat_file.read_text().split(") ", 1)[1].startswith(("Z", "X"))


def test_converter_failure_is_corrupt(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    script = _fake_soffice(tmp_path, "echo 'Error: source file could not be loaded' >&2")
    monkeypatch.setenv("EVIDENCE_SOFFICE", str(script))
    with pytest.raises(CorruptFile, match="could not be loaded"):
        doc.parse(_some_doc(tmp_path), ParseOptions())


def test_odd_file_names_never_reach_the_command_line(tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    args_file = tmp_path / "args.txt"
    script = _fake_soffice(tmp_path, f'printf "%s\\n" "$@" > {args_file}')
    monkeypatch.setenv("EVIDENCE_SOFFICE", str(script))
    odd = tmp_path / "--infilter=x; rm -rf ~.doc"
    odd.write_bytes(b"\xd0\xcf\x11\xe0")
    with pytest.raises(CorruptFile):
        doc.parse(odd, ParseOptions())
    args = args_file.read_text().splitlines()
    assert not any("rm -rf" in a or "--infilter" in a for a in args)
    assert any(a.startswith("-env:UserInstallation=file://") for a in args)


@pytest.mark.slow
@pytest.mark.skipif(doc.find_soffice() is None, reason="LibreOffice is not installed")
def test_real_libreoffice_keeps_tcvn3_fonts(tmp_path: Path) -> None:
    d = docx.Document()
    table = d.add_table(rows=1, cols=2)
    table.cell(0, 0).text = "ỦY BAN NHÂN DÂN\nHUYỆN ĐỨC THỌ"
    table.cell(0, 1).text = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
    d.add_paragraph().add_run("Th«ng b¸o kÕt luËn cña Chñ tÞch UBND huyÖn").font.name = ".VnTime"
    d.add_paragraph().add_run("Ng­êi d©n").font.name = ".VnTime"
    src = tmp_path / "tb.docx"
    d.save(str(src))
    profile = (tmp_path / "profile").as_uri()
    subprocess.run([doc.find_soffice() or "soffice", f"-env:UserInstallation={profile}",
                    "--headless", "--convert-to", "doc", "--outdir", str(tmp_path), str(src)],
                   check=True, capture_output=True, timeout=120)
    word97 = tmp_path / "tb.doc"
    assert word97.read_bytes().startswith(b"\xd0\xcf\x11\xe0")
    parsed = doc.parse(word97, ParseOptions())
    assert parsed.format == "doc"
    lines = [ln.strip() for ln in parsed.pages[0].text.splitlines() if ln.strip()]
    assert lines == ["ỦY BAN NHÂN DÂN", "HUYỆN ĐỨC THỌ", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
                     "Thông báo kết luận của Chủ tịch UBND huyện", "Người dân"]
    assert any("TCVN3" in w for w in parsed.warnings)
