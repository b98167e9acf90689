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
