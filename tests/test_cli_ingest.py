"""The ``ingest``, ``extract`` and ``status`` commands: contract JSON shapes, stdout
purity, one-line errors on stderr, exit codes, ``--home`` / ``$EVIDENCE_HOME``."""

from __future__ import annotations

import hashlib
import json
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from evidence.cli import cli
from evidence.index.catalogue import CATALOGUE_SCHEMA_VERSION
from evidence.messages import hint, translate

LETTER = (
    "ỦY BAN NHÂN DÂN\nHUYỆN VŨ QUANG\nSố: 318/KH-UBND\n"
    "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc\n"
    "Vũ Quang, ngày 14 tháng 3 năm 2024\nKẾ HOẠCH\n"
    "Kiểm tra công tác cải cách hành chính năm 2024\n\n"
    "Căn cứ Kế hoạch số 111/KH-UBND ngày 17/01/2023 của UBND huyện; Ủy ban nhân dân huyện "
    "ban hành kế hoạch kiểm tra công tác cải cách hành chính năm 2024 như sau.\n"
    "Nơi nhận:\n- Sở Nội vụ;\n- Lưu: VT.\nTM. ỦY BAN NHÂN DÂN\nCHỦ TỊCH\nHoàng Minh Tâm\n"
)
NOTICE = (
    "ỦY BAN NHÂN DÂN\nHUYỆN VŨ QUANG\nSố: 41/TB-UBND\n"
    "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc\n"
    "Vũ Quang, ngày 02 tháng 4 năm 2024\nTHÔNG BÁO\n"
    "Kết luận của Chủ tịch UBND huyện tại cuộc họp về cải cách hành chính\n"
)
DOCUMENT_KEYS = {
    "id": str, "files": list, "path": str, "format": str, "ocr": bool, "doc_type": str,
    "doc_type_name": str, "number": str, "symbol": str, "date": str, "place": str,
    "issuer": str, "subject": str, "recipients": list, "cited": list, "tasks": list,
    "warnings": list,
}


def run(*args: str, env: dict[str, str] | None = None) -> Result:
    return CliRunner().invoke(cli, list(args), env=env, catch_exceptions=False)


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    d = tmp_path / "kiem-chung"
    d.mkdir()
    (d / "ke-hoach-318.txt").write_text(LETTER, encoding="utf-8")
    (d / "thong-bao-41.txt").write_text(NOTICE, encoding="utf-8")
    return d


def test_ingest_json_is_the_contract_summary(folder: Path, home: Path) -> None:
    r = run("ingest", "--jobs", "1", "--json", str(folder))
    assert r.exit_code == 0, r.stderr
    out = json.loads(r.stdout)  # nothing but one JSON document on stdout
    for key, typ in {"added": int, "updated": int, "unchanged": int, "failed": list,
                     "ocr_pages": int, "seconds": (int, float), "moved": int,
                     "missing": list, "documents": int, "pages": int}.items():
        assert isinstance(out[key], typ), key
    assert (out["added"], out["documents"], out["failed"]) == (2, 2, [])
    assert (home / "catalogue.sqlite3").exists()  # $EVIDENCE_HOME from the fixture
    again = json.loads(run("ingest", "--jobs", "1", "--json", str(folder)).stdout)
    assert (again["added"], again["unchanged"]) == (0, 2)


def test_ingest_failure_is_one_stderr_line_and_exit_1(folder: Path, home: Path) -> None:
    bad = folder / "hong.pdf"
    bad.write_bytes(b"%PDF-1.5\n1 0 obj\n<< /Type")
    r = run("ingest", "--jobs", "1", "--json", str(folder))
    assert r.exit_code == 1
    out = json.loads(r.stdout)
    assert out["added"] == 2
    assert out["failed"] == [{"path": str(bad), "error": out["failed"][0]["error"],
                              "reason": "truncated"}]
    lines = [x for x in r.stderr.splitlines() if x.startswith("error:")]
    assert lines == [f"error: {bad}: {translate(out['failed'][0]['error'])[1]}"]


def test_ingest_human_summary_without_json(folder: Path, home: Path) -> None:
    r = run("ingest", "--jobs", "1", str(folder))
    assert r.exit_code == 0
    assert "Tệp mới" in r.stdout and "Văn bản đã lưu" in r.stdout
    assert "━" not in r.stderr  # no progress bar when stderr is not a terminal


def test_ingest_bad_usage_exits_2(tmp_path: Path, home: Path) -> None:
    assert run("ingest", str(tmp_path / "khong-co")).exit_code == 2
    assert run("ingest").exit_code == 2
    assert run("ingest", "--ocr", "sometimes", str(tmp_path)).exit_code == 2


def test_home_option_wins_over_the_environment(folder: Path, tmp_path: Path) -> None:
    env_home = tmp_path / "env-home"
    opt_home = tmp_path / "opt-home"
    env = {"EVIDENCE_HOME": str(env_home)}
    assert run("--home", str(opt_home), "ingest", "-j", "1", str(folder), env=env).exit_code == 0
    assert (opt_home / "catalogue.sqlite3").exists() and not env_home.exists()
    assert run("ingest", "-j", "1", str(folder), env=env).exit_code == 0
    assert (env_home / "catalogue.sqlite3").exists()


def test_status_json_shape(folder: Path, home: Path) -> None:
    (folder / "rong.docx").write_bytes(b"")
    run("ingest", "--jobs", "1", str(folder))
    (folder / "thong-bao-41.txt").unlink()
    run("ingest", "--jobs", "1", str(folder))
    r = run("status", "--json")
    assert r.exit_code == 0
    s = json.loads(r.stdout)
    assert s["documents"] == 2 and s["engine"] == "whoosh"
    assert s["by_type"] == {"KH": 1, "TB": 1}
    assert s["by_year"] == {"2024": 2}
    assert s["by_format"] == {"txt": 2}
    assert s["ocr"] == {"documents": 0, "text_layer": 2}
    assert s["files"] == {"ok": 1, "failed": 1, "missing": 1}
    assert s["failed"] == [{"path": str(folder / "rong.docx"), "reason": "empty",
                            "error": s["failed"][0]["error"]}]
    assert s["missing"] == [str(folder / "thong-bao-41.txt")]
    assert isinstance(s["store_bytes"], int) and s["store_bytes"] > 0
    assert s["index"]["documents"] == 2 and s["schema_version"] == CATALOGUE_SCHEMA_VERSION
    human = run("status")
    assert human.exit_code == 0
    for label in ("Văn bản", "Theo loại văn bản", "Tệp không nạp được", "Dung lượng kho"):
        assert label in human.stdout


def test_status_without_a_store_is_an_error(tmp_path: Path) -> None:
    r = run("--home", str(tmp_path / "trong"), "status", "--json")
    assert r.exit_code == 2
    assert r.stdout == ""
    assert r.stderr.startswith(f"error: {tmp_path / 'trong'}: ")
    assert not (tmp_path / "trong").exists()


def test_newer_store_is_refused_and_untouched(folder: Path, home: Path) -> None:
    run("ingest", "-j", "1", str(folder))
    db = home / "catalogue.sqlite3"
    con = sqlite3.connect(db)
    con.execute("UPDATE meta SET value = '99' WHERE key = 'schema_version'")
    con.commit()
    con.close()
    before = db.read_bytes()
    for args in (["status"], ["ingest", "-j", "1", str(folder)]):
        r = run(*args)
        assert r.exit_code == 2
        assert "newer" in r.stderr and r.stderr.startswith("error: ")
    assert db.read_bytes() == before


def test_busy_store_is_refused(folder: Path, home: Path) -> None:
    from evidence.index.store import Store

    with Store.open(home) as store, store.writer_lock():
        r = run("ingest", "-j", "1", str(folder))
    assert r.exit_code == 2
    assert "đang có một lần nạp khác" in r.stderr
    assert "một lần `evidence ingest` khác" in r.stderr


def test_extract_json_is_a_document_and_touches_no_store(folder: Path, home: Path) -> None:
    f = folder / "ke-hoach-318.txt"
    r = run("extract", "--json", str(f))
    assert r.exit_code == 0, r.stderr
    doc = json.loads(r.stdout)
    for key, typ in DOCUMENT_KEYS.items():
        assert isinstance(doc[key], typ), key
    assert doc["id"] == hashlib.sha256(f.read_bytes()).hexdigest()
    assert doc["symbol"] == "318/KH-UBND" and doc["date"] == "2024-03-14"
    assert doc["files"] == [{"path": str(f), "pages": [1, 1]}]
    assert "text" not in doc
    assert not home.exists()
    with_text = json.loads(run("extract", "--json", "--text", str(f)).stdout)
    assert with_text["text"][0]["text"].startswith("ỦY BAN NHÂN DÂN")


def test_extract_batch_scan_shows_the_first_and_names_the_others(folder: Path) -> None:
    f = folder / "lo.txt"
    f.write_text(f"{LETTER}\f{NOTICE}", encoding="utf-8")
    r = run("extract", "--json", str(f))
    assert r.exit_code == 0
    doc = json.loads(r.stdout)
    assert doc["symbol"] == "318/KH-UBND"
    assert any("41/TB-UBND" in w and "2 văn bản" in w for w in doc["warnings"])
    assert "several_documents" in doc["warning_codes"]
    assert r.stderr.startswith(f"warning: {f}: ")


def test_extract_unreadable_file_exits_2(folder: Path) -> None:
    bad = folder / "rong.pdf"
    bad.write_bytes(b"")
    r = run("extract", "--json", str(bad))
    assert r.exit_code == 2
    assert r.stdout == ""
    assert r.stderr.strip() == f"error: {bad}: tệp rỗng (0 byte) (gợi ý: {hint('empty')})"


def test_extract_human_output(folder: Path) -> None:
    r = run("extract", str(folder / "ke-hoach-318.txt"))
    assert r.exit_code == 0
    assert "318/KH-UBND" in r.stdout and "Trích yếu" in r.stdout


def test_progress_reporters() -> None:
    import io
    import logging

    from evidence.errors import FailReason
    from evidence.ingest.pipeline import IngestResult
    from evidence.ingest.progress import ErrorLines, RichProgress, make_progress
    from rich.console import Console

    failed = IngestResult("/d/hong.pdf", None, "truncated PDF", FailReason.TRUNCATED, "failed")
    ok = IngestResult("/d/tot.pdf", [], status="added", pages=3)
    buf = io.StringIO()
    lines = make_progress(stream=buf)  # not a terminal: error lines only
    assert isinstance(lines, ErrorLines)
    lines.start(2)
    lines.file_done(ok)
    lines.file_done(failed)
    lines.stop()
    assert buf.getvalue() == "error: /d/hong.pdf: truncated PDF\n"
    assert isinstance(make_progress(as_json=True), ErrorLines)

    out = io.StringIO()
    bar = RichProgress(Console(file=out, force_terminal=True, width=100))
    handlers = [(h, getattr(h, "stream", None)) for h in logging.getLogger().handlers]
    bar.start(2)
    bar.pages(3, 1)
    bar.file_done(ok)
    bar.file_done(failed)
    bar.stop()
    text = out.getvalue()
    assert "error: /d/hong.pdf: truncated PDF" in text
    assert "2/2" in text and "3 trang" in text and "1 trang OCR" in text
    assert [(h, getattr(h, "stream", None)) for h in logging.getLogger().handlers] == handlers
