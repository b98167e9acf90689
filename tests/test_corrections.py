"""The officer's corrections: applied everywhere, marked, kept across
re-ingest / reindex / moves / --prune, stale when the file changes, undone, journalled and
replayed, and consistent after a kill -9 in the middle of fixing."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from evidence.check.run import load_documents
from evidence.index.journal import JOURNAL_NAME, read_entries
from evidence.index.store import Store
from evidence.ingest.pipeline import ingest_paths

REPO = Path(__file__).resolve().parent.parent




def ingest(home: Path, *paths: Path, **kw: object) -> None:
    with Store.open(home) as store:
        s = ingest_paths(list(paths), store, jobs=1, **kw)  # type: ignore[arg-type]
    assert not s.failed


def test_fix_number_applies_everywhere_and_is_marked(ev, officer_store: tuple[Path, Path]) -> None:
    _, home = officer_store
    out = ev.json(home, "fix", "111/KH-UBND", "--number", "112", "--note", "số in mờ, đúng là 112")
    (c,) = out["corrections"]
    assert (c["field"], c["value"], c["was"], c["stale"]) == ("number", "112", "111", False)
    assert c["symbol"] == "111/KH-UBND" and c["at"]
    # show: the new number rebuilds the symbol; the correction is on the document JSON
    doc = ev.json(home, "show", "112/KH-UBND")
    assert (doc["number"], doc["symbol"]) == ("112", "112/KH-UBND")
    assert [(x["field"], x["value"], x["was"]) for x in doc["corrections"]] == [
        ("number", "112", "111")]
    assert "symbol" not in doc["sources"]  # the printed line no longer speaks for it
    r = ev.run(home, "show", "112/KH-UBND")
    assert "cán bộ đã sửa" in r.stdout and "trích xuất: 111" in r.stdout
    # the old number now only finds the decision 111/QĐ-UBND
    assert ev.json(home, "show", "111")["symbol"] == "111/QĐ-UBND"
    # search and its index
    hits = ev.json(home, "search", "112/KH-UBND")["hits"]
    assert hits[0]["symbol"] == "112/KH-UBND" and hits[0]["id"] == doc["id"]
    # tasks, refs, list and check read the corrected facts
    tasks = ev.json(home, "tasks", "--assignee", "Phòng Nội vụ")["tasks"]
    assert "112/KH-UBND" in {t["document"]["symbol"] for t in tasks}
    edges = ev.json(home, "refs")["edges"]
    assert {e["from_symbol"] for e in edges} >= {"112/KH-UBND"}
    listed = {h["symbol"]: h for h in ev.json(home, "list")["hits"]}
    assert listed["112/KH-UBND"]["corrected"] == ["number"]
    (kh,) = [d for d in load_documents(home) if d.id == doc["id"]]
    assert kh.facts.number == "112" and kh.corrections[0].was == "111"
    # check: the corrected document is listed as corrected, in JSON and in the reports
    report = ev.json(home, "check")
    req = next(r for c in report["criteria"] for r in c["requirements"] if r["id"] == "1.1-a")
    (listed_doc,) = [d for d in req["documents"] if d["id"] == doc["id"]]
    assert listed_doc["symbol"] == "112/KH-UBND" and listed_doc["corrected"] == ["number"]
    md = ev.run(home, "check", "--format", "md")
    assert "112/KH-UBND (17/01/2023) ✎ cán bộ đã sửa" in md.stdout


def test_corrections_survive_reingest_reindex_move_and_prune(ev,
        officer_store: tuple[Path, Path], tmp_path: Path) -> None:
    folder, home = officer_store
    ev.json(home, "fix", "2650/UBND-NV", "--date", "06/10/2023", "--signer", "Nguyễn Thị Lan Anh")
    doc_id = ev.json(home, "show", "2650/UBND-NV")["id"]

    def check() -> None:
        d = ev.json(home, "show", doc_id[:10])
        assert d["date"] == "2023-10-06" and d["signer"]["name"] == "Nguyễn Thị Lan Anh"
        assert d["signer"]["position"] == "Phó Chủ tịch"  # the rest of the block is kept
        hit = ev.json(home, "search", "2650/UBND-NV")["hits"][0]
        assert hit["id"] == doc_id and hit["date"] == "2023-10-06"

    check()
    ingest(home, folder, force=True)  # re-ingest: extraction redone, correction re-applied
    check()
    assert ev.run(home, "reindex").exit_code == 0
    check()
    moved = tmp_path / "da-chuyen"
    moved.mkdir()
    shutil.move(str(folder / "cong-van-2650.txt"), str(moved / "cong-van-2650.txt"))
    ingest(home, folder, moved)
    check()
    assert ev.json(home, "show", doc_id[:10])["path"] == str(moved / "cong-van-2650.txt")
    (folder / "bao-cao-chua-ky.txt").unlink()  # another file goes, and is pruned
    ingest(home, folder, moved, prune=True)
    check()
    assert ev.json(home, "status")["corrections"] == 2


def test_changed_file_flags_its_correction_stale(ev, officer_store: tuple[Path, Path]) -> None:
    folder, home = officer_store
    ev.json(home, "fix", "2650/UBND-NV", "--date", "2023-10-06")
    old_id = ev.json(home, "show", "2650/UBND-NV")["id"]
    path = folder / "cong-van-2650.txt"
    path.write_text(path.read_text(encoding="utf-8").replace("tổng hợp kết quả",
                                                             "tổng hợp kết quả quý III"),
                    encoding="utf-8")
    ingest(home, folder)
    new = ev.json(home, "show", "2650/UBND-NV")
    assert new["id"] != old_id
    assert new["date"] == "2023-10-05" and new["corrections"] == []  # never applied silently
    assert [c["value"] for c in new["stale_corrections"]] == ["2023-10-06"]
    (c,) = ev.json(home, "fix", "--list")["corrections"]
    assert c["stale"] is True and c["id"] == old_id and c["current"] == [new["id"]]
    assert c["in_store"] is False
    assert "cũ" in ev.run(home, "fix", "--list").stdout
    # the officer re-applies it to the new content
    out = ev.json(home, "fix", "2650/UBND-NV", "--reapply")
    assert [(x["id"], x["value"], x["stale"]) for x in out["corrections"]] == [
        (new["id"], "2023-10-06", False)]
    assert ev.json(home, "show", "2650/UBND-NV")["date"] == "2023-10-06"
    assert [x["id"] for x in ev.json(home, "fix", "--list")["corrections"]] == [new["id"]]


def test_stale_corrections_can_be_dropped(ev, officer_store: tuple[Path, Path]) -> None:
    folder, home = officer_store
    ev.json(home, "fix", "111/QĐ-UBND", "--signer-authority", "tm")
    assert ev.json(home, "show", "111/QĐ-UBND")["signer"]["authority"] == "TM."
    path = folder / "quyet-dinh-111.txt"
    path.write_text(path.read_text(encoding="utf-8") + "Điều 2. Quyết định có hiệu lực.\n",
                    encoding="utf-8")
    ingest(home, folder)
    assert ev.json(home, "fix", "--list")["corrections"][0]["stale"] is True
    r = ev.run(home, "fix", "111/QĐ-UBND", "--drop-stale")
    assert r.exit_code == 0, r.stderr
    assert ev.json(home, "fix", "--list")["corrections"] == []
    r = ev.run(home, "fix", "111/QĐ-UBND", "--drop-stale")
    assert r.exit_code == 2 and r.stderr.startswith("error: ")


def test_undo_walks_back_then_says_nothing_left(ev, officer_store: tuple[Path, Path]) -> None:
    _, home = officer_store
    ev.json(home, "fix", "45/TTr-UBND", "--subject", "Về việc phê duyệt danh mục thủ tục")
    ev.json(home, "fix", "45/TTr-UBND", "--subject", "Về danh mục thủ tục trực tuyến", "--type", "tb")
    d = ev.json(home, "show", "45/TTr-UBND")
    assert d["doc_type"] == "TB" and d["doc_type_name"] == "Thông báo"
    ev.json(home, "fix", "45/TTr-UBND", "--undo")
    d = ev.json(home, "show", "45/TTr-UBND")
    assert d["subject"] == "Về việc phê duyệt danh mục thủ tục" and d["doc_type"] == "TTr"
    ev.json(home, "fix", "45/TTr-UBND", "--undo")
    d = ev.json(home, "show", "45/TTr-UBND")
    assert d["subject"].startswith("Về việc phê duyệt danh mục thủ tục hành chính thực hiện")
    assert d["corrections"] == []
    r = ev.run(home, "fix", "45/TTr-UBND", "--undo")
    assert r.exit_code == 2 and len(r.stderr.strip().splitlines()) == 1


def test_bad_values_are_one_line_errors(ev, officer_store: tuple[Path, Path]) -> None:
    _, home = officer_store
    for args in (["--date", "31/02/2023"], ["--number", "l5"], ["--type", "XYZ"],
                 ["--clear", "mau"], []):
        r = ev.run(home, "fix", "111/KH-UBND", *args)
        assert r.exit_code == 2, (args, r.stdout)
        assert r.stderr.strip().count("\n") == 0 and "rror" in r.stderr, (args, r.stderr)
    assert ev.json(home, "fix", "--list")["corrections"] == []


def _fix_during_an_ingest(ev, home: Path, busy: threading.Event, *args: str
                          ) -> tuple[object, list[object]]:
    """``evidence fix *args`` while another writer (an ingest) holds the store lock, until
    the correction has found it held (``busy``) or has finished: the command's result, and
    the corrections the catalogue held when the lock was released."""
    locked = threading.Event()
    seen: list[object] = []

    def hold() -> None:
        with Store.open(home, create=False) as other, other.writer_lock():
            locked.set()
            busy.wait(60)
            seen.append(other.catalogue.corrections_for(sorted(other.catalogue.document_ids())))

    holder = threading.Thread(target=hold)
    holder.start()
    try:
        assert locked.wait(60)
        r = ev.run(home, "fix", *args)
    finally:
        busy.set()
        holder.join(60)
    return r, seen


def test_fix_waits_for_an_ingest_holding_the_store_lock(
        ev, officer_store: tuple[Path, Path], lock_seen_held: threading.Event) -> None:
    """The CLI's ``fix`` waits while an ingest holds the store lock (the web's path), says
    so, and is written, into the catalogue and the search index, once it is released.
    Driven by events: the lock is released when the correction's probe found it held."""
    _, home = officer_store
    r, seen = _fix_during_an_ingest(ev, home, lock_seen_held, "111/KH-UBND", "--number", "112")
    assert r.exit_code == 0, r.stderr
    assert seen == [{}]  # nothing written while the lock was held
    assert "đang ghi vào kho: chỉnh sửa chờ nó ghi xong rồi mới lưu" in r.stderr
    assert "warning" not in r.stderr
    hits = ev.json(home, "search", "112/KH-UBND")["hits"]
    assert hits and hits[0]["symbol"] == "112/KH-UBND"


def test_fix_written_when_the_ingest_outlasts_the_wait(
        ev, officer_store: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch) -> None:
    from evidence.index import store as store_mod

    _, home = officer_store
    monkeypatch.setattr(store_mod, "WRITER_WAIT", 0.0)
    r, _ = _fix_during_an_ingest(ev, home, threading.Event(), "111/KH-UBND", "--number", "112")
    assert r.exit_code == 0, r.stderr
    assert "warning: Một lần nạp tài liệu vẫn đang ghi vào kho" in r.stderr
    assert ev.json(home, "show", "112/KH-UBND")["number"] == "112"


def test_clear_and_confirm(ev, officer_store: tuple[Path, Path]) -> None:
    _, home = officer_store
    out = ev.json(home, "fix", "111/KH-UBND", "--clear", "signer-authority", "--confirm", "date")
    assert {(c["field"], c["value"], c["confirmed"]) for c in out["corrections"]} == {
        ("signer_authority", None, False), ("date", "2023-01-17", True)}
    d = ev.json(home, "show", "111/KH-UBND")
    assert d["signer"]["authority"] is None and d["signer"]["name"] == "Trần Hoài Đức"
    assert d["date"] == "2023-01-17"
    assert "cán bộ đã xác nhận" in ev.run(home, "show", "111/KH-UBND").stdout


def test_journal_replays_onto_a_rebuilt_catalogue(ev, officer_store: tuple[Path, Path]) -> None:
    folder, home = officer_store
    ev.json(home, "fix", "111/KH-UBND", "--date", "2023-01-18")
    ev.json(home, "fix", "301/BC-UBND", "--signer", "Trần Hoài Đức", "--signer-position", "Chủ tịch")
    entries = read_entries(home / JOURNAL_NAME)
    assert [e["kind"] for e in entries] == ["fix", "fix"]
    # the catalogue and the index are lost; the journal beside them is not
    for p in home.iterdir():
        if p.name != JOURNAL_NAME:
            shutil.rmtree(p) if p.is_dir() else p.unlink()
    ingest(home, folder)
    assert ev.json(home, "show", "111/KH-UBND")["date"] == "2023-01-18"
    assert ev.json(home, "show", "301/BC-UBND")["signer"]["name"] == "Trần Hoài Đức"
    assert ev.json(home, "search", "111/KH-UBND")["hits"][0]["date"] == "2023-01-18"
    assert len(read_entries(home / JOURNAL_NAME)) == 2  # nothing appended twice


def test_restored_backup_gets_later_corrections(ev, officer_store: tuple[Path, Path],
                                                tmp_path: Path) -> None:
    _, home = officer_store
    ev.json(home, "fix", "111/KH-UBND", "--date", "2023-01-18")
    backup = tmp_path / "backup.sqlite3"
    with Store.open(home) as store:  # a consistent copy (SQLite's online backup)
        import sqlite3

        dst = sqlite3.connect(backup)
        store.catalogue._conn.backup(dst)
        dst.close()
    ev.json(home, "fix", "2650/UBND-NV", "--issuer", "Ủy ban nhân dân huyện Đức Thọ, tỉnh Hà Tĩnh")
    for suffix in ("", "-wal", "-shm"):
        Path(f"{home / 'catalogue.sqlite3'}{suffix}").unlink(missing_ok=True)
    shutil.copy(backup, home / "catalogue.sqlite3")
    d = ev.json(home, "show", "2650/UBND-NV")  # opening the store replays the later entry
    assert d["issuer"] == "Ủy ban nhân dân huyện Đức Thọ, tỉnh Hà Tĩnh"
    assert ev.json(home, "show", "111/KH-UBND")["date"] == "2023-01-18"


def test_deleted_journal_is_written_again_from_the_catalogue(ev,
        officer_store: tuple[Path, Path]) -> None:
    _, home = officer_store
    ev.json(home, "fix", "111/KH-UBND", "--date", "2023-01-18")
    (home / JOURNAL_NAME).unlink()
    ev.json(home, "status")
    assert [e["kind"] for e in read_entries(home / JOURNAL_NAME)] == ["fix"]


_FIXER = """
import sys
from pathlib import Path
from evidence.index.decisions import fix
from evidence.index.resolve import resolve
from evidence.index.store import Store

home, path = Path(sys.argv[1]), sys.argv[2]
i = 0
while True:
    with Store.open(home) as store:
        doc = resolve(store.catalogue, path)
        fix(store, doc, values={"number": str(3000 + i % 500), "subject": f"V/v lần {i}"})
    i += 1
"""


def test_kill_9_while_fixing_keeps_catalogue_and_journal_consistent(ev,
        officer_store: tuple[Path, Path]) -> None:
    folder, home = officer_store
    journal = home / JOURNAL_NAME
    proc = subprocess.Popen([sys.executable, "-c", _FIXER, str(home),
                             str(folder / "cong-van-2650.txt")],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    try:
        while time.monotonic() < deadline and proc.poll() is None:
            if journal.exists() and journal.read_bytes().count(b"\n") >= 15:
                break
            time.sleep(0.01)
        assert proc.poll() is None, "the fixer ended before it could be killed"
    finally:
        if proc.poll() is None:
            os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
    with Store.open(home) as store:  # replays whatever the journal has beyond the catalogue
        entries = read_entries(journal)
        ids = [r[0] for r in store.catalogue._conn.execute(
            "SELECT entry_id FROM journal ORDER BY seq")]
        assert ids == [e["id"] for e in entries]  # same entries, same order
        last = {ch["key"]["field"]: ch["after"]["value"] for ch in entries[-1]["changes"]}
        doc = resolve_one(store, last["number"])
        assert doc.facts.number == last["number"] and doc.facts.subject == last["subject"]
        # the index may lag (killed before its commit): the document is queued for it
        assert set(store.catalogue.pending_index_ids()) <= {doc.id}
    ingest(home, folder)  # an ingest brings the index up to date
    with Store.open(home) as store:
        assert store.catalogue.pending_index_ids() == []
    hit = ev.json(home, "search", f"{last['number']}/UBND-NV")["hits"][0]
    assert hit["subject"] == last["subject"]


def resolve_one(store: Store, number: str):  # type: ignore[no-untyped-def]
    from evidence.index.resolve import resolve

    return resolve(store.catalogue, f"{number}/UBND-NV")


@pytest.mark.parametrize("form", ["nfc", "nfd"])
def test_values_typed_in_nfd_are_stored_nfc(ev, officer_store: tuple[Path, Path], form: str) -> None:
    import unicodedata

    _, home = officer_store
    issuer = unicodedata.normalize("NFD" if form == "nfd" else "NFC", "Ủy ban nhân dân huyện Đức Thọ")
    ev.json(home, "fix", unicodedata.normalize("NFD", "45/TTr-UBND"), "--issuer", issuer)
    d = ev.json(home, "show", "45/TTr-UBND")
    assert d["issuer"] == unicodedata.normalize("NFC", issuer)
    assert unicodedata.is_normalized("NFC", d["corrections"][0]["value"])
