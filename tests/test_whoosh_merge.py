"""Streamed, tiered segment merges (index/search/whoosh_merge.py): a merged index holds exactly
what one built in a single commit holds, deletions purged."""

from __future__ import annotations

from itertools import pairwise
from pathlib import Path

from evidence.index.search import whoosh_merge
from evidence.index.search.whoosh_engine import _WriterCodec, whoosh_schema
from evidence.index.search.whoosh_merge import MergingWriter, tiered_merge
from whoosh import index as windex


def _doc(n: int) -> dict[str, object]:
    words = [f"w{n % 13}", f"w{n % 7}", "chung", f"so{n}"] + ["lap"] * (n % 4)
    return {"id": f"{n:064x}", "symkey": [f"{n}-kh-ubnd"], "type_key": ["kh"],
            "year": [str(2020 + n % 3)], "datenum": 20200101 + n, "issuer_f": ["ubnd"],
            "subj_x": [], "subj_f": words[:2], "subj_b": [f"{words[0]}_{words[1]}"],
            "body_x": ["hòa"] if n % 5 == 0 else [], "body_f": words,
            "body_b": [f"{a}_{b}" for a, b in pairwise(words)],
            "subject": f"Văn bản {n}", "path": f"/{n}.docx"}


def _content(d: Path) -> dict[tuple[str, bytes], dict[str, tuple[float, object]]]:
    """(field, term) -> {stored id: (weight, value)}, plus stored fields under ("", id)."""
    ix = windex.open_dir(str(d))
    out: dict = {}
    with ix.reader() as r:
        ids = {n: r.stored_fields(n)["id"] for n in r.all_doc_ids()}
        for n, i in ids.items():
            st = r.stored_fields(n)
            out[("", i.encode())] = {k: (0.0, v) for k, v in st.items()}
        for field, term in r.all_terms():
            m = r.postings(field, term)
            got = {}
            while m.is_active():
                got[ids[m.id()]] = (m.weight(), m.value())
                m.next()
            if got:
                out[(field, term)] = got
            for n in ids:
                if field in ("subj_f", "body_f"):
                    assert r.doc_field_length(n, field) == len(_doc(int(ids[n], 16))[field])
    ix.close()
    return out


def test_many_small_commits_equal_one(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(whoosh_merge, "BASE", 4)
    monkeypatch.setattr(whoosh_merge, "FACTOR", 3)
    gone = {5, 17, 40}
    one = tmp_path / "one"
    one.mkdir()
    ix = windex.create_in(str(one), whoosh_schema())
    w = ix.writer()
    for n in range(60):
        if n not in gone:
            w.add_document(**_doc(n))
    w.commit()
    many = tmp_path / "many"
    many.mkdir()
    ix = windex.create_in(str(many), whoosh_schema())
    segments = []
    for lo in range(0, 60, 4):
        w = MergingWriter(ix, codec=_WriterCodec())
        for n in range(lo, lo + 4):
            w.add_document(**_doc(n))
        if lo == 44:  # deletions land in already-written segments, merged away later
            for n in gone:
                w.delete_by_term("id", f"{n:064x}")
        w.commit(mergetype=tiered_merge)
        segments.append(len(ix._segments()))
    # three size-4 segments merge into one of 12, three of those into one of 36 (classes
    # by FACTOR 3): segments never pile up
    assert segments == [1, 2, 3, 1, 2, 3, 4, 2, 3, 4, 5, 3, 1, 2, 3]
    assert _content(many) == _content(one)


def test_size_classes() -> None:
    c = whoosh_merge._size_class
    assert c(0) == c(1) == c(255) == 0
    assert c(256 * 8) == 1 and c(256 * 64) == 2
