"""Search through the store and the CLI: reindex after kill -9, lag warnings, commands."""

from __future__ import annotations

import hashlib
import json
import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner
from evidence.cli import cli
from evidence.index.catalogue import FileInfo
from evidence.index.search import reindex, search
from evidence.index.store import Store
from evidence.model import Document, Facts, FileRef, Page

SUBJECTS = [
    "Kế hoạch cải cách hành chính năm {y}",
    "Báo cáo kết quả kiểm tra công tác văn thư lưu trữ",
    "Quyết định kiện toàn Bộ phận Một cửa",
    "Công văn về việc đôn đốc giải quyết hồ sơ trễ hẹn",
]


def make_doc(n: int) -> Document:
    path = f"/kho/{n:04d}.docx"
    subject = SUBJECTS[n % len(SUBJECTS)].format(y=2020 + n % 4)
    body = (f"{subject}. Văn bản số {n}/KH-UBND ngày 17/01/2023 của Ủy ban nhân dân huyện "
            f"Đức Thọ về việc thực hiện nhiệm vụ số {n}.")
    return Document(
        id=hashlib.sha256(path.encode()).hexdigest(), files=[FileRef(path)], path=path,
        format="docx", ocr=False, pages=1,
        facts=Facts(doc_type="KH", number=str(n), symbol=f"{n}/KH-UBND", subject=subject,
                    date=f"{2020 + n % 4}-01-17", issuer="Ủy ban nhân dân huyện Đức Thọ"),
        page_texts=[Page(1, body)],
    )


def fill_catalogue(home: Path, numbers: range) -> None:
    """Documents in the catalogue only (the index is not touched)."""
    with Store.open(home) as st:
        for n in numbers:
            d = make_doc(n)
            st.catalogue.put_document(d, [FileInfo(d.path, d.id, 100, 0.0, "docx")])


def ingest_store(home: Path, numbers: range) -> None:
    """Catalogue and index, as ingest does."""
    with Store.open(home) as st:
        for n in numbers:
            d = make_doc(n)
            st.put_document(d, [FileInfo(d.path, d.id, 100, 0.0, "docx")])


@pytest.mark.parametrize("engine", ["whoosh", "tantivy"])
def test_kill_9_during_reindex_then_resume(tmp_path, engine):
    if engine == "tantivy":
        pytest.importorskip("tantivy")
    home = tmp_path / "home"
    with Store.open(home, engine=engine):
        pass
    ingest_store(home, range(0, 50))
    fill_catalogue(home, range(50, 400))  # a run that died before the index caught up
    res = search(home, "50/KH-UBND")
    assert any("reindex" in w for w in res.warnings)
    script = textwrap.dedent("""
        import sys, time
        from evidence.index.search import reindex
        def progress(done, total):
            print(done, flush=True)
            time.sleep(0.3)  # give the test time to kill us mid-way
        reindex(sys.argv[1], progress=progress)
    """)
    env = {**os.environ, "EVIDENCE_INDEX_BATCH": "40"}
    proc = subprocess.Popen([sys.executable, "-c", script, str(home)], stdout=subprocess.PIPE,
                            text=True, env=env)
    assert proc.stdout is not None
    done = 0
    while done < 120:
        line = proc.stdout.readline()
        assert line, "reindex ended before it could be interrupted"
        done = int(line)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    # the live index still answers (the old one), the interrupted build is kept
    assert search(home, "49/KH-UBND").hits[0].symbol == "49/KH-UBND"
    with Store.open(home) as st:
        assert st.engine.status().rebuilding
    seen: list[int] = []
    out = reindex(home, progress=lambda d, t: seen.append(d))
    assert out.documents == 400 and out.mode == "rebuild"
    assert seen[0] > 120  # resumed, not restarted
    with Store.open(home) as st:
        assert st.engine.ids() == st.catalogue.document_ids()
        assert not st.engine.status().rebuilding
    res = search(home, "KH-UBND 399")
    assert res.hits[0].symbol == "399/KH-UBND" and not res.warnings


def test_sync_only_catches_up(tmp_path):
    home = tmp_path / "home"
    ingest_store(home, range(0, 10))
    fill_catalogue(home, range(10, 15))
    out = reindex(home, sync_only=True)
    assert (out.mode, out.added, out.documents) == ("sync", 5, 15)
    assert search(home, "14/KH-UBND").hits[0].symbol == "14/KH-UBND"


def test_cli_search_json_and_table(tmp_path):
    home = tmp_path / "home"
    ingest_store(home, range(0, 12))
    r = CliRunner().invoke(cli, ["--home", str(home), "search", "kh ubnd 7", "--json"])
    assert r.exit_code == 0, r.stderr
    d = json.loads(r.stdout)
    assert d["hits"][0]["symbol"] == "7/KH-UBND" and d["total"] >= 1
    r = CliRunner().invoke(cli, ["--home", str(home), "search", "van thu luu tru", "--limit",
                                 "2", "--json", "--year", "2021"])
    d = json.loads(r.stdout)
    assert r.exit_code == 0 and len(d["hits"]) == 2
    assert all(h["date"].startswith("2021") for h in d["hits"])
    assert all("[văn thư lưu trữ]" in h["snippet"].lower() for h in d["hits"])
    r = CliRunner().invoke(cli, ["--home", str(home), "search", "bộ phận một cửa"])
    assert r.exit_code == 0 and "KH-UBND" in r.stdout and "Một cửa" in r.stdout


def test_cli_search_table_warns_in_vietnamese(tmp_path):
    """The lag warning under the results table is the catalogue's Vietnamese, not English."""
    home = tmp_path / "home"
    ingest_store(home, range(0, 3))
    fill_catalogue(home, range(3, 6))  # catalogued, not indexed yet
    r = CliRunner().invoke(cli, ["--home", str(home), "search", "kế hoạch"])
    assert r.exit_code == 0, r.stderr
    text = " ".join(r.stdout.split())
    assert "thiếu 3 văn bản" in text and "behind the catalogue" not in text


def test_status_table_says_the_index_message_in_vietnamese(tmp_path):
    from evidence.index.store import StoreStatus
    from evidence.renderers import render_status
    from rich.console import Console

    with Store.open(tmp_path / "home") as st:
        stats = st.stats()
    stats["index"]["message"] = "a rebuild was interrupted: run `evidence reindex` to resume it"
    console = Console(record=True, width=300)
    render_status(StoreStatus(stats), console)
    text = console.export_text()
    assert "lần lập chỉ mục trước bị ngắt" in text and "was interrupted" not in text


def test_cli_search_errors(tmp_path):
    r = CliRunner().invoke(cli, ["--home", str(tmp_path / "none"), "search", "kế hoạch"])
    assert r.exit_code == 2 and r.stderr.startswith("error:") and r.stdout == ""
    home = tmp_path / "home"
    ingest_store(home, range(0, 2))
    r = CliRunner().invoke(cli, ["--home", str(home), "search", "x", "--from", "hôm qua"])
    assert r.exit_code == 2 and "--from" in r.stderr


def test_cli_reindex_json_and_engine_switch(tmp_path):
    pytest.importorskip("tantivy")
    home = tmp_path / "home"
    ingest_store(home, range(0, 6))
    r = CliRunner().invoke(cli, ["--home", str(home), "reindex", "--json"])
    assert r.exit_code == 0, r.stderr
    assert json.loads(r.stdout)["documents"] == 6
    r = CliRunner().invoke(cli, ["--home", str(home), "reindex", "--engine", "tantivy", "--json"])
    assert json.loads(r.stdout)["engine"] == "tantivy"
    r = CliRunner().invoke(cli, ["--home", str(home), "search", "5/KH-UBND", "--json"])
    d = json.loads(r.stdout)
    assert d["engine"] == "tantivy" and d["hits"][0]["symbol"] == "5/KH-UBND"


def test_end_to_end_through_ingest(tmp_path):
    if "ingest" not in cli.commands:
        pytest.skip("`evidence ingest` is not available yet")
    src = tmp_path / "src"
    src.mkdir()
    (src / "kh.txt").write_text(
        "ỦY BAN NHÂN DÂN\nHUYỆN ĐỨC THỌ\nSố: 111/KH-UBND\nĐức Thọ, ngày 17 tháng 01 năm 2023\n"
        "KẾ HOẠCH\nCải cách hành chính năm 2023\nBảo đảm an toàn thông tin mạng.\n",
        encoding="utf-8")
    home = tmp_path / "home"
    r = CliRunner().invoke(cli, ["--home", str(home), "ingest", str(src), "--json"])
    assert r.exit_code in (0, 1), r.stderr
    r = CliRunner().invoke(cli, ["--home", str(home), "search", "an toan thong tin", "--json"])
    assert r.exit_code == 0, r.stderr
    assert json.loads(r.stdout)["hits"][0]["path"].endswith("kh.txt")
