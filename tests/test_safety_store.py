"""Issue 11, the store: a killed or damaged index, a damaged catalogue, racing writers.

Every fixture is built here: the documents, the killed ``reindex``, the truncated segment,
the garbage table of contents, the 0-byte and the damaged catalogue, the racing ingests.
"""

from __future__ import annotations

import hashlib
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from evidence.cli import cli
from evidence.errors import StoreError
from evidence.index.catalogue import CATALOGUE_NAME, Catalogue, FileInfo
from evidence.index.store import Store
from evidence.ingest.pipeline import ingest_paths
from evidence.model import Document, Facts, FileRef, Page

EVIDENCE = [sys.executable, "-m", "evidence.cli"]


def run(*args: str) -> object:
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def cli_proc(home: Path, *args: str, **kw: object) -> subprocess.Popen[str]:
    return subprocess.Popen([*EVIDENCE, "--home", str(home), *args], text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, **kw)  # type: ignore[call-overload]


def put_many(home: Path, n: int, vn_letter) -> None:  # type: ignore[no-untyped-def]
    """n documents written straight into the catalogue (no index), as ingest stores them."""
    with Store.open(home) as store:
        for i in range(n):
            text = vn_letter(i) + f"\nMã hồ sơ {i:05d}.\n"
            sha = hashlib.sha256(text.encode()).hexdigest()
            path = f"/kho/ho-so/{i:05d}.txt"
            doc = Document(id=sha, files=[FileRef(path)], path=path, format="txt", ocr=False,
                           pages=None, facts=Facts(symbol=f"{200 + i}/KH-UBND", number=str(200 + i),
                                                   subject=f"Kế hoạch số {i}"),
                           page_texts=[Page(1, text)])
            store.catalogue.put_document(doc, [FileInfo(path, sha, len(text), 0.0, "txt")])


@pytest.fixture
def indexed(tmp_path: Path, vn_letter) -> Path:  # type: ignore[no-untyped-def]
    """A store of 6 ingested letters (catalogue + Whoosh index)."""
    src = tmp_path / "src"
    src.mkdir()
    for i in range(6):
        (src / f"ke-hoach-{i}.txt").write_text(vn_letter(i), encoding="utf-8")
    home = tmp_path / "home"
    with Store.open(home) as store:
        s = ingest_paths([src], store, jobs=1, isolate=False)
    assert s.documents == 6
    return home


def search_total(home: Path, query: str) -> int:
    r = run("--home", str(home), "search", query, "--json")
    assert r.exit_code == 0, r.output  # type: ignore[attr-defined]
    return int(json.loads(r.stdout)["total"])  # type: ignore[attr-defined]


# ---- the index: killed rebuild, damaged files ------------------------------------------


def test_reindex_killed_before_its_first_commit_does_not_wedge_the_store(
        tmp_path: Path, vn_letter) -> None:  # type: ignore[no-untyped-def]
    home = tmp_path / "home"
    put_many(home, 1500, vn_letter)
    marker = home / "index" / "whoosh.building" / "evidence-index.json"
    env = {**os.environ, "EVIDENCE_INDEX_BATCH": "100000"}  # one commit, at the end
    proc = cli_proc(home, "reindex", env=env)
    deadline = time.monotonic() + 120
    while not marker.exists() and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.01)
    proc.send_signal(signal.SIGKILL)
    proc.communicate()
    if not marker.exists():
        pytest.skip("the rebuild finished before it could be killed")
    st = run("--home", str(home), "status", "--json")
    assert st.exit_code == 0  # type: ignore[attr-defined]
    # the next writer finishes the rebuild (reindex, and ingest through prepare_index)
    r = run("--home", str(home), "reindex", "--json")
    assert r.exit_code == 0, r.output  # type: ignore[attr-defined]
    assert json.loads(r.stdout)["documents"] == 1500  # type: ignore[attr-defined]
    assert not (home / "index" / "whoosh.building").exists()
    assert search_total(home, "00042") >= 1
    index = json.loads(run("--home", str(home), "status", "--json").stdout)["index"]  # type: ignore[attr-defined]
    assert index["up_to_date"] and index["message"] is None


def _damage_truncated_segment(ix: Path) -> None:
    seg = max((p for p in ix.iterdir() if p.suffix == ".seg"), key=lambda p: p.stat().st_size)
    seg.write_bytes(seg.read_bytes()[: seg.stat().st_size // 3])


def _damage_deleted_toc(ix: Path) -> None:
    for toc in ix.glob("*.toc"):
        toc.unlink()


def _damage_garbage_toc(ix: Path) -> None:
    for toc in ix.glob("*.toc"):
        toc.write_bytes(os.urandom(200))


@pytest.mark.parametrize("damage", [_damage_truncated_segment, _damage_deleted_toc,
                                    _damage_garbage_toc])
def test_reindex_rebuilds_a_damaged_index_from_the_catalogue(indexed: Path, damage) -> None:  # type: ignore[no-untyped-def]
    ix = indexed / "index" / "whoosh"
    damage(ix)
    # a garbage half-build left over as well: reindex never trusts it either
    (indexed / "index" / "whoosh.building").mkdir()
    (indexed / "index" / "whoosh.building" / "evidence-index.json").write_text("{garbage")
    st = json.loads(run("--home", str(indexed), "status", "--json").stdout)  # type: ignore[attr-defined]
    assert not st["index"]["up_to_date"] or st["index"]["message"]
    searched = run("--home", str(indexed), "search", "thủ tục hành chính")
    assert len(searched.output.strip().splitlines()) <= 2  # type: ignore[attr-defined]
    r = run("--home", str(indexed), "reindex", "--json")
    assert r.exit_code == 0, r.output  # type: ignore[attr-defined]
    assert json.loads(r.stdout)["documents"] == 6  # type: ignore[attr-defined]
    assert search_total(indexed, "thủ tục hành chính") >= 1


def test_ingest_repairs_a_damaged_index_by_itself(indexed: Path, tmp_path: Path) -> None:
    _damage_garbage_toc(indexed / "index" / "whoosh")
    with Store.open(indexed) as store:
        ingest_paths([tmp_path / "src"], store, jobs=1, isolate=False)
        assert store.engine.count() == 6


# ---- the catalogue ---------------------------------------------------------------------


def test_empty_catalogue_beside_an_index_is_damaged_not_a_new_store(indexed: Path) -> None:
    db = indexed / CATALOGUE_NAME
    db.write_bytes(b"")
    for args in (["status"], ["reindex"], ["ingest", str(indexed.parent / "src")]):
        r = run("--home", str(indexed), *args)
        assert r.exit_code == 2, args  # type: ignore[attr-defined]
        line = r.output.strip()  # type: ignore[attr-defined]
        assert "\n" not in line and line.startswith(f"error: {db}: danh mục bị hỏng")
        assert "corrections.jsonl" in line
    assert db.stat().st_size == 0
    ix = json.loads((indexed / "index" / "whoosh" / "evidence-index.json").read_text())
    assert ix["state"] == "live"
    with Store.open(indexed / "x", create=True) as fresh:  # no index beside: a new store
        assert fresh.catalogue.count_documents() == 0


def test_empty_catalogue_of_a_creation_that_died_is_a_new_store(tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.mkdir()
    (home / CATALOGUE_NAME).write_bytes(b"")
    with Store.open(home) as store:
        assert store.catalogue.count_documents() == 0


def _damage_pages(db: Path) -> None:
    data = bytearray(db.read_bytes())
    page = 4096
    # the later pages (documents, page texts); the schema and meta pages stay readable
    for off in range(len(data) // page // 2 * page, len(data) - page, page):
        data[off + 16: off + page - 16] = os.urandom(page - 32)
    db.write_bytes(bytes(data))


def test_damaged_catalogue_gives_one_line_and_is_never_written(indexed: Path) -> None:
    db = indexed / CATALOGUE_NAME
    checkpoint(db)
    _damage_pages(db)
    damaged = db.read_bytes()
    for args in (["status"], ["show", "201/KH-UBND"], ["check"], ["status", "--json"]):
        r = CliRunner().invoke(cli, ["--home", str(indexed), *args])
        assert r.exit_code == 2, (args, r.output)
        assert r.exception is None or isinstance(r.exception, SystemExit)
        assert "Traceback" not in r.output
        assert r.output.strip().startswith("error: ") and "bị hỏng" in r.output
    with pytest.raises(StoreError, match="bị hỏng"), Store.open(indexed) as store:
        ingest_paths([indexed.parent / "src"], store, jobs=1, isolate=False, force=True)
    assert db.read_bytes() == damaged


def checkpoint(db: Path) -> None:
    """Fold the WAL into the main file, so damaging the file damages the data."""
    import sqlite3

    con = sqlite3.connect(db)
    con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    con.close()


def test_unclean_stop_makes_the_next_writer_check_the_whole_catalogue(
        indexed: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[bool] = []
    real = Catalogue.check

    def spy(self: Catalogue, *, full: bool = False) -> None:
        calls.append(full)
        real(self, full=full)

    monkeypatch.setattr(Catalogue, "check", spy)
    with Store.open(indexed) as store:
        with store.writer_lock():
            pass
        (indexed / "ingest.lock").write_text("4242")  # a writer killed while it held it
        with store.writer_lock():
            pass
        with store.writer_lock():
            pass
    assert calls == [False, True, False]


# ---- racing writers --------------------------------------------------------------------


def test_two_ingests_started_together_on_a_new_store(tmp_path: Path, vn_letter) -> None:  # type: ignore[no-untyped-def]
    src = tmp_path / "src"
    src.mkdir()
    for i in range(3):
        (src / f"kh-{i}.txt").write_text(vn_letter(i), encoding="utf-8")
    for attempt in range(3):
        home = tmp_path / f"home-{attempt}"
        procs = [cli_proc(home, "ingest", "--jobs", "1", "--json", str(src)) for _ in range(2)]
        results = [(p.wait(120), p.communicate()) for p in procs]
        codes = sorted(code for code, _ in results)
        for code, (_out, err) in results:
            assert "hỏng" not in err and "damaged" not in err, err
            if code == 2:
                assert "đang có một lần nạp khác" in err
        assert codes[0] == 0 and codes[1] in (0, 2)
        with Store.open(home, create=False) as store:
            assert store.catalogue.count_documents() == 3


def test_a_new_store_being_ingested_says_so_not_reindex(tmp_path: Path, vn_letter) -> None:  # type: ignore[no-untyped-def]
    home = tmp_path / "home"
    put_many(home, 3, vn_letter)  # in the catalogue, not yet in the index
    with Store.open(home) as store, store.writer_lock():
        r = run("--home", str(home), "search", "kế hoạch", "--json")
        assert r.exit_code == 0  # type: ignore[attr-defined]
        assert "reindex" not in r.output  # type: ignore[attr-defined]
        assert "an ingest is running" in r.output  # type: ignore[attr-defined]
        st = json.loads(run("--home", str(home), "status", "--json").stdout)  # type: ignore[attr-defined]
        assert st["ingest_running"] is True
        assert "reindex" not in (st["index"]["message"] or "")
    st = json.loads(run("--home", str(home), "status", "--json").stdout)  # type: ignore[attr-defined]
    assert st["ingest_running"] is False
