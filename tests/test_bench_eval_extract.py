"""bench/eval_extract.py's scoring rules, on truths written here: one issuer rule for the
originals and the texts, a joint document's issuers all accepted."""

from __future__ import annotations

import importlib.util
import sys
import unicodedata
from pathlib import Path

import pytest


def _load_bench():
    path = Path(__file__).resolve().parent.parent / "bench" / "eval_extract.py"
    spec = importlib.util.spec_from_file_location("bench_eval_extract", path)
    assert spec is not None and spec.loader is not None
    mod = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = mod  # its dataclasses look their module up
    spec.loader.exec_module(mod)
    return mod


ev = _load_bench()

JOINT_LIST = {"issuer": "Bộ Tài chính", "issuers": ["Bộ Tài chính", "Bộ Nội vụ"]}
JOINT_TEXT = {"issuer": "Bộ Tài chính; Bộ Nội vụ; Tòa án nhân dân tối cao"}
SINGLE = {"issuer": "Sở Xây dựng", "issuer_full": "Sở Xây dựng tỉnh An Phú"}


@pytest.mark.parametrize(("pred", "truth", "right"), [
    ("Bộ Nội vụ", JOINT_LIST, True),
    ("Bộ Tài chính", JOINT_LIST, True),
    ("Bộ Y tế", JOINT_LIST, False),
    ("Tòa án nhân dân tối cao", JOINT_TEXT, True),
    ("Bộ Tài chính Bộ Nội vụ", JOINT_TEXT, False),  # two names glued is none of them
    ("Sở Xây dựng tỉnh An Phú", SINGLE, True),
    ("so xay dung", SINGLE, True),  # accents and case folded
    ("Sở Tài chính", SINGLE, False),
])
def test_one_issuer_rule_in_both_modes(pred: str, truth: dict, right: bool) -> None:
    assert ev.equal("issuer", pred, truth) is right
    assert ev._text_equal("issuer", pred, truth) is right
    assert ev._text_equal("issuer", unicodedata.normalize("NFD", pred), truth) is right


def test_an_empty_issuer_is_right_only_for_an_empty_truth() -> None:
    assert ev._text_equal("issuer", None, {"issuer": None})
    assert not ev._text_equal("issuer", None, SINGLE)
    assert not ev._text_equal("issuer", "Sở Xây dựng", {"issuer": None})


def test_a_rendered_scan_scores_only_the_lines_its_renderer_printed() -> None:
    truth = {"subject": "Về việc phê duyệt kế hoạch kiểm tra năm 2026", "date": "2026-05-04"}
    row = {"so": "Số: /QĐ-UBND", "date_line": "", "signer": "",
           "notes": "header line not placed: 'Về việc phê duyệt kế hoạch kiểm tra năm 2026'"}
    assert ev._not_printed(row, truth) == {"date", "signer.name", "subject"}
    # a date line printed on the Số line is on the page; a line printed is scored
    row = {"so": "Số: 12/QĐ-UBND Hà Tĩnh, ngày 04 tháng 5 năm 2026", "date_line": "",
           "signer": "GIÁM ĐỐC / Trần Văn An", "notes": "header line not placed: 'TỈNH HÀ TĨNH'"}
    assert ev._not_printed(row, truth) == frozenset()
    item = ev.Item("x", "realscans", Path("x.pdf"), "rendered-scan", truth,
                   absent=frozenset({"date"}))
    tally = ev.Tally()
    tally.add(ev.Result(item, {"date": None, "subject": truth["subject"]}))
    assert tally.scored.get("date") is None and tally.absent == {"date": 1}
    assert tally.right["subject"] == 1


def test_a_long_text_rendered_on_few_pages_is_windowed_by_what_a_page_holds(
        tmp_path: Path) -> None:
    # 4 pages said, 40,000 characters: page 1 shows the first ~2,200, not 10,000
    body = "Căn cứ Nghị định số 12/2024/NĐ-CP;\n" + "x" * 5000 + \
        "\nCăn cứ Thông tư số 7/2025/TT-BTC;\n" + "y" * 35000
    txt = tmp_path / "doc.txt"
    txt.write_text(body, encoding="utf-8")
    window = ev._cited_window(txt, {"cited": ["12/2024/NĐ-CP", "7/2025/TT-BTC"]}, 4)
    assert window == ["12/2024/NĐ-CP"]
