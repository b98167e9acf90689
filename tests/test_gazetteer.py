"""Gazetteer: unit recognition, canonical names, abbreviations, data file sanity."""

from __future__ import annotations

import unicodedata

import pytest
import yaml
from evidence.extract.gazetteer import (
    DATA_FILE,
    canonical_unit,
    expand_abbreviation,
    find_unit_mentions,
    find_units,
    is_unit,
    unit_key,
)

TEXT = (
    "Phòng Nội vụ, Văn phòng HĐND – UBND huyện, các phòng: Tài chính – Kế hoạch, "
    "Văn hóa - Thông tin, Tư pháp phụ trách theo dõi; Sở Nội vụ Hà Tĩnh (b/c); "
    "Chủ tịch UBND xã Tùng Ảnh và UBND xã Hòa Lạc báo cáo."
)


def test_find_units_expands_lists_and_keeps_dashes():
    mentions = find_unit_mentions(TEXT)
    assert [m.text for m in mentions] == [
        "Phòng Nội vụ",
        "Văn phòng HĐND – UBND huyện",
        "Phòng Tài chính – Kế hoạch",
        "Phòng Văn hóa - Thông tin",
        "Phòng Tư pháp",
        "Sở Nội vụ Hà Tĩnh",
        "UBND xã Tùng Ảnh",
        "UBND xã Hòa Lạc",  # commune not in the gazetteer: capitalised place words
    ]
    canon = [c for _, _, c in find_units(TEXT)]
    assert canon[1] == "Văn phòng HĐND và UBND huyện"
    assert canon[3] == "Phòng Văn hóa và Thông tin"
    assert canon[6] == "Ủy ban nhân dân xã Tùng Ảnh"
    assert mentions[6].title == "Chủ tịch"
    for s, e, _ in find_units(TEXT):
        assert TEXT[s:e].strip()


def test_offsets_point_into_the_text():
    for m in find_unit_mentions(TEXT):
        written = TEXT[m.start:m.end]
        if m.title:
            assert written.startswith(m.title) and written.endswith(m.text)
        elif written != m.text:  # "các phòng: Tư pháp" -> "Phòng Tư pháp"
            assert m.text == "Phòng " + written


def test_long_forms_abbreviations_and_tone_positions_match():
    assert canonical_unit("Văn phòng Hội đồng nhân dân và Ủy ban nhân dân huyện") == (
        "Văn phòng HĐND và UBND huyện"
    )
    assert canonical_unit("Phòng Văn hoá – Thông tin") == "Phòng Văn hóa và Thông tin"
    assert canonical_unit("PHÒNG TÀI CHÍNH - KẾ HOẠCH") == "Phòng Tài chính – Kế hoạch"
    assert canonical_unit("Phòng TC-KH") == "Phòng Tài chính – Kế hoạch"
    assert canonical_unit("Sở Văn hóa, Thể thao và Du lịch") == "Sở Văn hóa, Thể thao và Du lịch"
    assert canonical_unit("Ban Quản lý gì đó") == "Ban Quản lý gì đó"  # unknown: kept


def test_unit_key_equates_variants():
    assert unit_key("Phòng Văn hoá - Thông tin") == unit_key("phòng văn hóa và thông tin")
    assert unit_key("UBND huyện") == unit_key("Ủy ban nhân dân huyện")
    assert unit_key("Phòng Nội vụ") != unit_key("Phòng Tư pháp")


def test_is_unit():
    assert is_unit("Phòng Tư pháp")
    assert is_unit("UBND các xã, thị trấn")
    assert is_unit("NV")
    assert not is_unit("Tư pháp hay")
    assert not is_unit("")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("UBND huyện Đức Thọ", "Ủy ban nhân dân huyện Đức Thọ"),
        ("HĐND tỉnh Lào Cai", "Hội đồng nhân dân tỉnh Lào Cai"),
        ("NV", "Phòng Nội vụ"),
        ("TC-KH", "Phòng Tài chính – Kế hoạch"),
        ("VH-TT", "Phòng Văn hóa và Thông tin"),
        ("TP", "Phòng Tư pháp"),
        ("Ban Quản lý CTr", "Ban Quản lý CTr"),  # CT inside CTr is not the word CT
    ],
)
def test_expand_abbreviation(text, expected):
    assert expand_abbreviation(text) == expected


def test_nfd_input_same_units():
    nfd = unicodedata.normalize("NFD", TEXT)
    # callers clean to NFC first
    assert find_units(unicodedata.normalize("NFC", nfd)) == find_units(TEXT)


def test_data_file_shape():
    data = yaml.safe_load(DATA_FILE.read_text(encoding="utf-8"))
    assert data["schema_version"] == 1
    provinces = {p["name"]: p for p in data["provinces"]}
    assert {"Hà Tĩnh", "Lào Cai"} <= set(provinces)
    ht = {d["name"] for d in provinces["Hà Tĩnh"]["districts"]}
    assert {"Đức Thọ", "Hương Sơn", "Can Lộc"} <= ht
    # every former district is marked as such (district level abolished 1 July 2025)
    assert all(d.get("former") for p in provinces.values() for d in p.get("districts") or [])
    # a comma in an unquoted flow mapping silently splits a name: keys must stay known
    for d in data["departments"]:
        assert set(d) <= {"name", "level", "former"}, d
    names = [d["name"] for d in data["departments"]]
    assert len(names) == len(set(names))
    for n in names:
        assert unicodedata.is_normalized("NFC", n)


@pytest.mark.parametrize(
    ("text", "expected", "kind"),
    [
        ("Giao phòng Quản lý Công nghiệp triển khai", "Phòng Quản lý Công nghiệp", "unit"),
        ("đề nghị Công ty TNHH Quang Đạt thực hiện", "Công ty TNHH Quang Đạt", "company"),
        ("Công ty cổ phần Khoáng sản Bảo Thắng:", "Công ty cổ phần Khoáng sản Bảo Thắng", "company"),
        ("Công ty cổ phần Xây dựng và Cơ giới Vạn Thắng nộp",
         "Công ty cổ phần Xây dựng và Cơ giới Vạn Thắng", "company"),
    ],
)
def test_units_outside_the_gazetteer(text, expected, kind):
    mentions = find_unit_mentions(text)
    assert [(m.text, m.kind) for m in mentions] == [(expected, kind)]


def test_generic_head_needs_a_capitalised_name():
    assert find_unit_mentions("họp tại phòng họp số 2 của Đoàn kiểm tra") == []


def test_board_of_a_parent_body_is_one_unit():
    names = [m.text for m in find_unit_mentions(
        "Ban Tuyên giáo Tỉnh ủy, Văn phòng Tỉnh ủy và Ban Dân vận Huyện ủy")]
    assert names == ["Ban Tuyên giáo Tỉnh ủy", "Văn phòng Tỉnh ủy", "Ban Dân vận Huyện ủy"]
