"""Posting-set query evaluation on Whoosh (index/search/whoosh_eval.py): exact against Whoosh's
own matchers, across blocks, segments and deletions."""

from __future__ import annotations

from pathlib import Path

import pytest
from evidence.index.search.ranking import Clause, Filter, Tier
from evidence.index.search.whoosh_engine import whoosh_schema
from evidence.index.search.whoosh_eval import PostingCache
from whoosh import index as windex
from whoosh import query as Q

N = 700  # several 128-posting blocks per common term


def _words(n: int) -> list[str]:
    out = ["hanh", "chlnh" if n % 50 == 0 else "chinh"]  # an OCR slip every 50
    if n % 2 == 0:
        out.append("cai")
    if n % 3 == 0:
        out.append("cach")
    if n % 7 == 0:
        out += ["cach", "cach"]  # frequency 3
    return out


def _doc(n: int) -> dict[str, object]:
    words = _words(n)
    return {"id": f"{n:064x}", "symkey": [f"{n}-kh-ubnd"], "type_key": ["kh" if n % 2 else "qd"],
            "year": [str(2020 + n % 4)], "datenum": 20200101 + (n % 4) * 10000,
            "issuer_f": [], "subj_x": [], "subj_f": words[:2], "subj_b": [], "body_x": [],
            "body_f": words, "body_b": [], "path": f"/{n}.docx"}


@pytest.fixture(scope="module")
def searcher(tmp_path_factory: pytest.TempPathFactory):
    """Three segments (three commits); some documents deleted in the first."""
    d: Path = tmp_path_factory.mktemp("ix")
    ix = windex.create_in(str(d), whoosh_schema())
    for lo, hi in ((0, 300), (300, 600), (600, N)):
        w = ix.writer()
        for n in range(lo, hi):
            w.add_document(**_doc(n))
        w.commit(merge=False)
    w = ix.writer()
    for n in (0, 14, 150, 299):
        w.delete_by_term("id", f"{n:064x}")
    w.commit(merge=False)
    s = ix.searcher()
    assert len(s.leaf_searchers()) >= 3
    yield s
    s.close()


def _whoosh_ids(s, field: str, term: str) -> set[int]:
    return set(s.search(Q.Term(field, term), limit=None, scored=False).docs())


def _numbers(s, docs) -> set[int]:
    return {int(s.stored_fields(d)["id"], 16) for d in docs}


@pytest.mark.parametrize("term", ["cai", "cach", "chlnh", "hanh", "absent"])
def test_postings_match_whoosh_in_any_order(searcher, term):
    expected = _whoosh_ids(searcher, "body_f", term)
    pc = PostingCache(searcher)
    p = pc.postings("body_f", term)
    # random access first (blocks decoded out of order), then a full walk
    probe = sorted(range(searcher.doc_count_all()), key=lambda d: (d * 7919) % 1013)
    assert {d for d in probe if d in p} == expected
    assert set(p) == expected
    assert list(p) == sorted(expected)
    assert PostingCache(searcher).doc_frequency("body_f", term) >= len(expected)


def test_weights_are_term_frequencies(searcher):
    pc = PostingCache(searcher)
    p = pc.postings("body_f", "cach")
    for d in p:
        n = int(searcher.stored_fields(d)["id"], 16)
        assert p.get(d) == _words(n).count("cach")


def test_deleted_documents_never_match(searcher):
    pc = PostingCache(searcher)
    got = _numbers(searcher, pc.postings("body_f", "hanh"))
    assert got == set(range(N)) - {0, 14, 150, 299}


def test_match_intersects_filters_and_dates(searcher):
    pc = PostingCache(searcher)
    tier = Tier([[Clause("body_f", "cai")], [Clause("body_f", "cach")]])
    flt = Filter([("type_key", "qd")], date_lo=20220000, date_hi=20229999)
    docs, complete = pc.match(tier, flt, pc.filtered(flt), set(), 10_000)
    assert complete
    expected = {n for n in range(N) if n % 2 == 0 and (n % 3 == 0 or n % 7 == 0)
                and n % 4 == 2} - {0, 14, 150, 299}
    assert _numbers(searcher, docs) == expected
    assert docs == sorted(docs)


def test_match_stops_after_want_and_skips_found(searcher):
    pc = PostingCache(searcher)
    tier = Tier([[Clause("body_f", "hanh")], [Clause("body_f", "cai")]])
    first, complete = pc.match(tier, Filter(), None, set(), 5)
    assert len(first) == 5 and not complete
    rest, _ = pc.match(tier, Filter(), None, set(first), 5)
    assert not set(rest) & set(first) and min(rest) > max(first)


def test_fuzzy_group_finds_the_ocr_slip(searcher):
    pc = PostingCache(searcher)
    strict = Tier([[Clause("body_f", "chinh")], [Clause("body_f", "cai")]])
    fuzzy = Tier([[Clause("body_f", "chinh", fuzzy=True)], [Clause("body_f", "cai")]])
    evens = set(range(0, N, 2)) - {0, 14, 150}
    docs, _ = pc.match(strict, Filter(), None, set(), 10_000)
    assert _numbers(searcher, docs) == {n for n in evens if n % 50}
    docs, _ = pc.match(fuzzy, Filter(), None, set(), 10_000)
    assert _numbers(searcher, docs) == evens
    by_n = {int(searcher.stored_fields(d)["id"], 16): d for d in docs}
    # a one-edit neighbour scores (at half boost; strict hits rank first in the engine)
    assert pc.score(by_n[100], fuzzy) > 0 and pc.score(by_n[100], strict) < pc.score(by_n[100], fuzzy)
