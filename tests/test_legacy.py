"""TCVN3/VNI conversion, font-name detection, content detection, mojibake repair."""

from __future__ import annotations

import shutil
import subprocess
import unicodedata

import pytest
from evidence.ingest import legacy
from evidence.ingest.legacy import (
    convert_run,
    decode_tcvn3,
    decode_vni,
    detect_legacy,
    fix_text_encoding,
    font_encoding,
    is_vietnamese_syllable,
    legacy_evidence,
    repair_mojibake,
)
from hypothesis import given, settings
from hypothesis import strategies as st

# ---- fixed phrases (spec §6.4) -------------------------------------------------------

TCVN3_PHRASES = [
    ("Uû ban nh©n d©n", "Uỷ ban nhân dân"),
    ("Céng hoµ x· héi chñ nghÜa ViÖt Nam", "Cộng hoà xã hội chủ nghĩa Việt Nam"),
    ("QuyÕt ®Þnh sè 111/KH-UBND ngµy 17/01/2023", "Quyết định số 111/KH-UBND ngày 17/01/2023"),
    ("§éc lËp - Tù do - H¹nh phóc", "Độc lập - Tự do - Hạnh phúc"),
    ("huyÖn §øc Thä, tØnh Hµ TÜnh", "huyện Đức Thọ, tỉnh Hà Tĩnh"),
]

VNI_PHRASES = [
    ("UÛY BAN NHAÂN DAÂN", "ỦY BAN NHÂN DÂN"),
    ("Coäng hoøa xaõ hoäi chuû nghóa Vieät Nam", "Cộng hòa xã hội chủ nghĩa Việt Nam"),
    ("Ñöùc Thoï", "Đức Thọ"),
    ("Quyeát ñònh soá", "Quyết định số"),
    ("caûi caùch haønh chính naêm 2023", "cải cách hành chính năm 2023"),
    ("Ngöôøi kyù: Chuû tòch", "Người ký: Chủ tịch"),
]


@pytest.mark.parametrize(("surface", "expected"), TCVN3_PHRASES)
def test_tcvn3_fixed_phrases(surface: str, expected: str) -> None:
    assert decode_tcvn3(surface) == expected
    assert convert_run(surface, ".VnTime") == expected


@pytest.mark.parametrize(("surface", "expected"), VNI_PHRASES)
def test_vni_fixed_phrases(surface: str, expected: str) -> None:
    assert decode_vni(surface) == expected
    assert convert_run(surface, "VNI-Times") == expected


def test_tcvn3_capital_font_upper_cases() -> None:
    assert convert_run("ñy ban nh©n d©n huyÖn", ".VnTimeH") == "ỦY BAN NHÂN DÂN HUYỆN"
    assert convert_run("quyÕt ®Þnh", "ABCDEF+.VnArialH,Bold") == "QUYẾT ĐỊNH"


def test_output_is_nfc() -> None:
    out = decode_vni("Vieät Nam") + decode_tcvn3("ViÖt Nam")
    assert out == unicodedata.normalize("NFC", out)


def test_tcvn3_surfaces_from_pdf_and_word() -> None:
    # cp1252/PUA views of the same bytes, and the PDF glyph substitutions for 0xAD/0xB7
    assert decode_tcvn3("\uf0a9") == "â"
    assert decode_tcvn3("Th\u00ab" "ng t\u2212") == "Thông tư"
    assert decode_tcvn3("x\u2219") == "xã"
    assert decode_tcvn3("ng\u00ad\u00eai") == "người"  # ư stored in the soft-hyphen slot


def test_tcvn3_leaves_ascii_and_punctuation() -> None:
    assert decode_tcvn3("Số 12/2023; (a) - b") == "Số 12/2023; (a) - b".replace("ố", "ố")
    assert decode_tcvn3("KH-UBND 17/01/2023") == "KH-UBND 17/01/2023"


def test_vni_accent_without_base_is_kept() -> None:
    # "ù" after a consonant is not a VNI accent: kept as is
    assert decode_vni("nù") == "nù"
    assert decode_vni("aê") == "ă"
    assert decode_vni("chieàu tieáp ñoùn, chæ ñaïo, iù kieán") == "chiều tiếp đón, chỉ đạo, í kiến"
    assert decode_vni("AÊ") == "Ă"


@pytest.mark.skipif(shutil.which("iconv") is None, reason="iconv not installed")
def test_tcvn3_table_matches_glibc_iconv() -> None:
    # glibc's TCVN5712-1 encodes lower-case letters at the ABC positions: an independent
    # oracle for the whole lower-case table (capitals go to VN1 slots, not used by ABC)
    letters = "àảãáạăằẳẵắặâầẩẫấậđèẻẽéẹêềểễếệìỉĩíịòỏõóọôồổỗốộơờởỡớợùủũúụưừửữứựỳỷỹýỵ"
    text = f"{letters} cộng hoà xã hội chủ nghĩa việt nam ĂÂÊÔƠƯĐ"
    raw = subprocess.run(["iconv", "-f", "UTF-8", "-t", "TCVN5712-1"], input=text.encode(),
                         capture_output=True, check=True).stdout
    assert decode_tcvn3(raw.decode("latin-1")) == text


# ---- font names ----------------------------------------------------------------------

@pytest.mark.parametrize(("name", "expected"), [
    (".VnTime", "tcvn3"),
    (".VnTimeH", "tcvn3-caps"),
    (".VnArial", "tcvn3"),
    (".VnArial NarrowH", "tcvn3-caps"),
    (".VnBook-AntiquaH", "tcvn3-caps"),
    ("ABCDEF+.VnTime", "tcvn3"),
    ("BCDEEE+.VnTimeH,Bold", "tcvn3-caps"),
    ("VnTimeH-Bold", "tcvn3-caps"),
    ("VnTime", "tcvn3"),
    ("VNI-Times", "vni"),
    ("VNI-Helve-Condense", "vni"),
    ("ABCDEF+VNI-Times-Bold", "vni"),
    ("Times New Roman", None),
    ("Arial", None),
    ("Verdana", None),
    ("", None),
    (None, None),
])
def test_font_encoding(name: str | None, expected: str | None) -> None:
    assert font_encoding(name) == expected


def test_unicode_font_runs_untouched() -> None:
    assert convert_run("Nh©n d©n", "Times New Roman") == "Nh©n d©n"


def test_unicode_text_in_legacy_named_run_is_left_alone() -> None:
    # Word templates keep ".VnTime" in styles while people type Unicode
    text = "Ủy ban nhân dân tỉnh Lào Cai các cơ quan"
    assert legacy_evidence(text, "tcvn3") < 0
    assert convert_run(text, ".VnTime") == text
    assert convert_run(text, ".VnTime", check=False) != text
    assert legacy_evidence("nh©n d©n huyÖn", "tcvn3") > 0
    assert legacy_evidence("ban", "tcvn3") == 0


# ---- syllables and content detection --------------------------------------------------

@pytest.mark.parametrize("word", ["người", "nghiêng", "khuyến", "quý", "gì", "hoà", "hòa",
                                  "Việt", "đường", "tuổi", "giữa", "oai", "ĐỨC", "ban"])
def test_valid_syllables(word: str) -> None:
    assert is_vietnamese_syllable(word)


@pytest.mark.parametrize("word", ["nh©n", "hoµ", "ViÖt", "Coäng", "hoøa", "xaõ", "chñ",
                                  "strength", "àá", "bcd", ""])
def test_invalid_syllables(word: str) -> None:
    assert not is_vietnamese_syllable(word)


def test_detect_legacy_on_surface_text() -> None:
    assert detect_legacy(" ".join(s for s, _ in TCVN3_PHRASES)) == "tcvn3"
    assert detect_legacy(" ".join(s for s, _ in VNI_PHRASES)) == "vni"


UNICODE_SENTENCES = [
    "Ủy ban nhân dân huyện Đức Thọ ban hành kế hoạch cải cách hành chính năm 2023.",
    "Các cơ quan, đơn vị có trách nhiệm báo cáo kết quả trước ngày 15 hằng tháng.",
    "Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015;",
    "Giao Phòng Nội vụ chủ trì, phối hợp với Văn phòng HĐND và UBND huyện.",
    "Tỷ lệ hồ sơ trực tuyến đạt 62,5%; số hóa 45,3% kết quả giải quyết.",
    "Kính gửi: Các phòng, ban, ngành cấp huyện và UBND các xã, thị trấn.",
    "The meeting agreed on the plan for 2023 and the café budget.",
    "cà phê, bà già, ở đây, ý kiến, cá và gà",
    "ỦY BAN NHÂN DÂN XÃ TÙNG ẢNH",
    "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
    "UBND XÃ NGÃ BA, ĐÃ CÓ \u201cXÃ\u201d",
]


@pytest.mark.parametrize("text", UNICODE_SENTENCES)
def test_detect_legacy_leaves_unicode_alone(text: str) -> None:
    assert detect_legacy(text) is None
    assert fix_text_encoding(text) == (text, None)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from(UNICODE_SENTENCES), min_size=1, max_size=6))
def test_unicode_paragraphs_never_converted(parts: list[str]) -> None:
    text = " ".join(parts)
    nfd = unicodedata.normalize("NFD", text)
    assert fix_text_encoding(text)[1] is None
    assert fix_text_encoding(nfd)[1] is None


def test_detect_needs_a_clear_gain() -> None:
    assert detect_legacy("© 2023 ABC") is None
    assert detect_legacy("µ") is None


# ---- mojibake --------------------------------------------------------------------------

def _as_cp1252(text: str) -> str:
    """UTF-8 bytes shown through cp1252 (undefined bytes as C1 controls, like Windows)."""
    out = []
    for b in text.encode("utf-8"):
        try:
            out.append(bytes([b]).decode("cp1252"))
        except UnicodeDecodeError:
            out.append(chr(b))
    return "".join(out)


def test_mojibake_spec_examples() -> None:
    assert repair_mojibake("Quyáº¿t Ä‘á»‹nh") == ("Quyết định", True)
    assert repair_mojibake(_as_cp1252("Ủy ban nhân dân")) == ("Ủy ban nhân dân", True)


@pytest.mark.parametrize("text", UNICODE_SENTENCES[:6])
def test_mojibake_roundtrip(text: str) -> None:
    broken = _as_cp1252(text)
    assert broken != text
    assert fix_text_encoding(broken) == (text, "mojibake")


def test_mojibake_with_nbsp_turned_space() -> None:
    good = "Quyết định ban hành kế hoạch và các văn bản"
    broken = _as_cp1252(good).replace("\xa0", " ")
    assert "Ã " in broken
    assert repair_mojibake(broken)[0] == good


def test_mojibake_lines_with_real_letters_are_kept() -> None:
    body = "\n".join(_as_cp1252(t) for t in UNICODE_SENTENCES[:4])
    text = "UBND XÃ TÙNG ẢNH\n" + body
    fixed, what = fix_text_encoding(text)
    assert what == "mojibake"
    assert fixed.split("\n") == ["UBND XÃ TÙNG ẢNH", *UNICODE_SENTENCES[:4]]


def test_mojibake_needs_the_pattern() -> None:
    assert repair_mojibake("São Paulo, Ãgua") == ("São Paulo, Ãgua", False)
    assert repair_mojibake("Cộng hòa xã hội chủ nghĩa") == ("Cộng hòa xã hội chủ nghĩa", False)


def test_decode_rejects_unknown_encoding() -> None:
    with pytest.raises(ValueError):
        legacy.decode("x", "viscii")
