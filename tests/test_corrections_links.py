"""Manual links: the officer decides that a document does or does not
count for a requirement; stored by catalogue id + requirement id + document id, journalled,
forgotten with --remove, undone with --undo."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner, Result
from evidence.cli import cli
from evidence.index.journal import JOURNAL_NAME, read_entries
from evidence.index.store import Store

CAT = "evidence-demo-huyen-2023"  # the shipped catalogue's id


def run(home: Path, *args: str) -> Result:
    return CliRunner().invoke(cli, ["--home", str(home), *args])


def links(home: Path, *args: str) -> list[dict]:  # type: ignore[type-arg]
    r = run(home, *args, "--json")
    assert r.exit_code == 0, r.stderr
    return json.loads(r.stdout)["links"]


def test_link_unlink_list_remove_undo(officer_store: tuple[Path, Path]) -> None:
    _, home = officer_store
    (lk,) = links(home, "link", "1.1-a", "111/KH-UBND", "--note", "kế hoạch CCHC năm")
    with Store.open(home, create=False) as store:
        doc_id = store.catalogue.find_documents("111/KH-UBND")[0].id
    assert lk.pop("at")
    assert lk == {"catalogue": CAT, "requirement": "1.1-a", "id": doc_id,
                  "symbol": "111/KH-UBND", "counts": True, "note": "kế hoạch CCHC năm"}
    (un,) = links(home, "unlink", "1.3-a", "111/KH-UBND", "--note", "chỉ nhắc đến")
    assert un["counts"] is False and un["requirement"] == "1.3-a"
    listed = links(home, "link", "--list")
    assert [(x["requirement"], x["counts"]) for x in listed] == [("1.1-a", True), ("1.3-a", False)]
    # the same pair decided again: one decision, the latest
    links(home, "unlink", "1.1-a", "111/KH-UBND")
    assert [(x["requirement"], x["counts"]) for x in links(home, "link", "--list")] == [
        ("1.1-a", False), ("1.3-a", False)]
    assert links(home, "link", "1.1-a", "111/KH-UBND", "--undo")[0]["counts"] is True
    assert links(home, "link", "1.1-a", "111/KH-UBND", "--remove") == []
    assert [x["requirement"] for x in links(home, "link", "--list")] == ["1.3-a"]
    with Store.open(home, create=False) as store:
        stored = store.catalogue.links(CAT)
    assert [(x.requirement, x.doc_id, x.counts) for x in stored] == [("1.3-a", doc_id, False)]
    kinds = [e["kind"] for e in read_entries(home / JOURNAL_NAME)]
    assert kinds == ["link", "unlink", "unlink", "undo", "forget_link"]
    r = run(home, "link", "1.1-a", "111/KH-UBND", "--remove")
    assert r.exit_code == 2 and len(r.stderr.strip().splitlines()) == 1


def test_unknown_requirement_is_refused(officer_store: tuple[Path, Path]) -> None:
    _, home = officer_store
    r = run(home, "link", "9.9-z", "111/KH-UBND", "--note", "x")
    assert r.exit_code == 2
    assert r.stderr.strip().startswith(
        f"error: 9.9-z: không có yêu cầu này trong bộ tiêu chí {CAT}")
    assert len(r.stderr.strip().splitlines()) == 1
    assert links(home, "link", "--list") == []


def test_links_survive_a_rebuilt_catalogue(officer_store: tuple[Path, Path]) -> None:
    import shutil

    folder, home = officer_store
    links(home, "link", "1.1-a", "111/KH-UBND", "--note", "kế hoạch CCHC năm")
    for p in home.iterdir():
        if p.name != JOURNAL_NAME:
            shutil.rmtree(p) if p.is_dir() else p.unlink()
    from evidence.ingest.pipeline import ingest_paths

    with Store.open(home) as store:
        ingest_paths([folder], store, jobs=1)
    assert [x["symbol"] for x in links(home, "link", "--list")] == ["111/KH-UBND"]


def _requirement(home: Path, req: str) -> dict:  # type: ignore[type-arg]
    r = run(home, "check", "--json")
    assert r.exit_code == 0, r.stderr
    return next(x for c in json.loads(r.stdout)["criteria"] for x in c["requirements"]
                if x["id"] == req)


def test_check_uses_the_stored_links(officer_store: tuple[Path, Path]) -> None:
    _, home = officer_store
    assert _requirement(home, "1.1-a")["status"] == "met"
    links(home, "unlink", "1.1-a", "111/KH-UBND", "--note", "bản chưa đúng mẫu")
    req = _requirement(home, "1.1-a")
    assert req["status"] != "met"
    assert [(m["symbol"], m["counts"], m["note"]) for m in req["manual"]] == [
        ("111/KH-UBND", False, "bản chưa đúng mẫu")]
    links(home, "link", "1.1-a", "111/KH-UBND", "--remove")
    assert _requirement(home, "1.1-a")["status"] == "met"
