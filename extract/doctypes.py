"""Document-type and issuer tables (``../shared/spec/vn-format.md`` §2).

- :data:`STATE_CODES`: Decree 30/2020/NĐ-CP Appendix III §I codes (27 types, copies ``SY``,
  ``TrS``, ``SL``) plus codes met in citations (``NĐ``, ``TT``, ``TTLT``, ``VBHN``, ``PL``,
  ``CV``) and permits/certificates (``GP``, ``GCN``).
- :data:`PARTY_CODES`: codes seen in Party numbers (Hướng dẫn 36-HD/VPTW).
- :func:`canonical_code` gives the canonical case of a type code (``QYĐ`` -> ``QyĐ``,
  ``Ctr`` -> ``CTr``, ``qđi`` -> ``QĐi``); :func:`canonical_issuer_code` does the same for
  issuer codes written in mixed case (``TTG`` -> ``TTg``).
- :func:`type_from_name` maps a type name (``QUYẾT ĐỊNH``, ``Thông tư liên tịch``) to its code.
- :data:`ABBREVIATIONS` expands header abbreviations (``UBND`` -> ``Ủy ban nhân dân``).

This is the ONE type-code table of the project (contract additions): extraction, the
criteria catalogues (``check/``) and ``search --type`` use :func:`known_type_codes` and
:func:`type_code`; an unknown type is ``None``, never a guess.
"""

from __future__ import annotations

import re

from .abbreviations import expansions
from .normalize import fold, one_letter_off

__all__ = [
    "ABBREVIATIONS",
    "PARTY_CODES",
    "PROVINCES",
    "STATE_CODES",
    "TYPE_NAMES",
    "canonical_code",
    "canonical_issuer_code",
    "is_type_code",
    "known_type_codes",
    "type_code",
    "type_from_damaged_name",
    "type_from_name",
    "type_name",
]

# code -> Vietnamese type name. Appendix III §I (27) + copies + codes seen in citations.
STATE_CODES: dict[str, str] = {
    "NQ": "Nghị quyết",
    "QĐ": "Quyết định",
    "CT": "Chỉ thị",
    "QC": "Quy chế",
    "QyĐ": "Quy định",
    "TC": "Thông cáo",
    "TB": "Thông báo",
    "HD": "Hướng dẫn",
    "CTr": "Chương trình",
    "KH": "Kế hoạch",
    "PA": "Phương án",
    "ĐA": "Đề án",
    "DA": "Dự án",
    "BC": "Báo cáo",
    "BB": "Biên bản",
    "TTr": "Tờ trình",
    "HĐ": "Hợp đồng",
    "CĐ": "Công điện",
    "BGN": "Bản ghi nhớ",
    "BTT": "Bản thỏa thuận",
    "GUQ": "Giấy ủy quyền",
    "GM": "Giấy mời",
    "GGT": "Giấy giới thiệu",
    "GNP": "Giấy nghỉ phép",
    "PG": "Phiếu gửi",
    "PC": "Phiếu chuyển",
    "PB": "Phiếu báo",
    "SY": "Bản sao y",
    "TrS": "Bản trích sao",
    "SL": "Bản sao lục",
    # not in Appendix III, met in citations and headers
    "NĐ": "Nghị định",
    "TT": "Thông tư",
    "TTLT": "Thông tư liên tịch",
    "VBHN": "Văn bản hợp nhất",
    "PL": "Pháp lệnh",
    "CV": "Công văn",
    "GP": "Giấy phép",
    "GCN": "Giấy chứng nhận",
    "HDLN": "Hướng dẫn liên ngành",
    "Luật": "Luật",
    # types real folders hold that Decree 30 does not list (contract additions)
    "PT": "Phiếu trình",
    "ĐN": "Đơn",
}

# Party codes (HD 36): same letters mostly, plus QĐi and KL; TT is Thông tri there.
PARTY_CODES: dict[str, str] = {
    "NQ": "Nghị quyết",
    "CT": "Chỉ thị",
    "KL": "Kết luận",
    "QĐ": "Quyết định",
    "QĐi": "Quy định",
    "HD": "Hướng dẫn",
    "CTr": "Chương trình",
    "KH": "Kế hoạch",
    "CV": "Công văn",
    "TB": "Thông báo",
    "BC": "Báo cáo",
    "QC": "Quy chế",
    "TT": "Thông tri",
    "TTr": "Tờ trình",
    "ĐA": "Đề án",
    "BB": "Biên bản",
    "GGT": "Giấy giới thiệu",
    "GM": "Giấy mời",
}

_ALL_CODES = {**STATE_CODES, **PARTY_CODES}
# canonical case by upper-case key (QĐi and QĐ differ only in case: keep both by exact key)
_CANON: dict[str, str] = {}
for _c in _ALL_CODES:
    _CANON.setdefault(_c.upper(), _c)
_CANON["QĐI"] = "QĐi"
_CANON["QYĐ"] = "QyĐ"

# issuer codes whose canonical case is not all capitals
_ISSUER_CANON = {"TTG": "TTg"}

# type names -> code, longest first when matching a type line. Names are matched folded.
TYPE_NAMES: dict[str, str] = {
    "thông tư liên tịch": "TTLT",
    "hướng dẫn liên ngành": "HD",
    "giấy chứng nhận": "GCN",
    "giấy phép": "GP",
    "giấy mời": "GM",
    "giấy giới thiệu": "GGT",
    "giấy ủy quyền": "GUQ",
    "giấy nghỉ phép": "GNP",
    "quyết định": "QĐ",
    "nghị quyết": "NQ",
    "nghị định": "NĐ",
    "thông tư": "TT",
    "chỉ thị": "CT",
    "quy chế": "QC",
    "quy định": "QyĐ",
    "thông cáo": "TC",
    "thông báo": "TB",
    "hướng dẫn": "HD",
    "chương trình": "CTr",
    "kế hoạch": "KH",
    "phương án": "PA",
    "đề án": "ĐA",
    "dự án": "DA",
    "báo cáo": "BC",
    "biên bản": "BB",
    "tờ trình": "TTr",
    "hợp đồng": "HĐ",
    "công điện": "CĐ",
    "bản ghi nhớ": "BGN",
    "bản thỏa thuận": "BTT",
    "pháp lệnh": "PL",
    "văn bản hợp nhất": "VBHN",
    "công văn": "CV",
    "văn bản": "CV",
    "luật": "Luật",
    "kết luận": "KL",
    "phiếu trình": "PT",
    # the whole printed name of the one-stop form: its words are no trích yếu
    "phiếu trình giải quyết công việc": "PT",
    "đơn đề nghị": "ĐN",
    "đơn kiến nghị": "ĐN",
    "đơn xin": "ĐN",
}
_FOLDED_NAMES = sorted(((fold(k), v) for k, v in TYPE_NAMES.items()), key=lambda kv: -len(kv[0]))

# Header abbreviations, expanded when a header line is turned into sentence case (a view of
# the one vocabulary, extract/data/abbreviations.yaml)
ABBREVIATIONS: dict[str, str] = expansions("header")

# Province-level names (63 before and the merged ones after 2025; names are kept as used).
PROVINCES: tuple[str, ...] = (
    "An Giang", "Bà Rịa - Vũng Tàu", "Bạc Liêu", "Bắc Giang", "Bắc Kạn", "Bắc Ninh",
    "Bến Tre", "Bình Dương", "Bình Định", "Bình Phước", "Bình Thuận", "Cà Mau", "Cao Bằng",
    "Cần Thơ", "Đà Nẵng", "Đắk Lắk", "Đắk Nông", "Điện Biên", "Đồng Nai", "Đồng Tháp",
    "Gia Lai", "Hà Giang", "Hà Nam", "Hà Nội", "Hà Tĩnh", "Hải Dương", "Hải Phòng",
    "Hậu Giang", "Hòa Bình", "Hưng Yên", "Khánh Hòa", "Kiên Giang", "Kon Tum", "Lai Châu",
    "Lạng Sơn", "Lào Cai", "Lâm Đồng", "Long An", "Nam Định", "Nghệ An", "Ninh Bình",
    "Ninh Thuận", "Phú Thọ", "Phú Yên", "Quảng Bình", "Quảng Nam", "Quảng Ngãi",
    "Quảng Ninh", "Quảng Trị", "Sóc Trăng", "Sơn La", "Tây Ninh", "Thái Bình", "Thái Nguyên",
    "Thanh Hóa", "Thừa Thiên Huế", "Huế", "Tiền Giang", "Hồ Chí Minh", "Trà Vinh",
    "Tuyên Quang", "Vĩnh Long", "Vĩnh Phúc", "Yên Bái",
)


def canonical_code(code: str) -> str:
    """Canonical case of a code (``QYĐ`` -> ``QyĐ``, ``Ctr`` -> ``CTr``, ``TTG`` -> ``TTg``);
    other codes (issuers such as ``UBND``) are upper-cased."""
    up = code.upper()
    if up in _CANON:
        return _CANON[up]
    return _ISSUER_CANON.get(up, up)


def canonical_issuer_code(code: str) -> str:
    """Canonical case of an issuer code (``TTG`` -> ``TTg``, ``ubnd`` -> ``UBND``)."""
    up = code.upper()
    return _ISSUER_CANON.get(up, up)


def is_type_code(code: str, *, party: bool = False) -> bool:
    """True when ``code`` (any case) is a document-type code of the state (or Party) table."""
    table = PARTY_CODES if party else STATE_CODES
    up = code.upper()
    return any(c.upper() == up for c in table if c != "Luật")


def type_name(code: str | None, *, party: bool = False) -> str | None:
    """Vietnamese name of a type code (``TTr`` -> ``Tờ trình``)."""
    if code is None:
        return None
    if party and code in PARTY_CODES:
        return PARTY_CODES[code]
    return STATE_CODES.get(code) or PARTY_CODES.get(code)


def type_from_name(text: str) -> tuple[str, str] | None:
    """The type code and the matched name length for a text that *starts* with a type name.

    ``"QUYẾT ĐỊNH"`` -> ``("QĐ", 10)``; ``"Thông tư liên tịch số …"`` -> ``("TTLT", 18)``.
    Returns ``None`` when the text does not start with a known type name.
    """
    f = fold(text)
    for name, code in _FOLDED_NAMES:
        if f.startswith(name) and (len(f) == len(name) or not f[len(name)].isalnum()):
            return code, text[: len(name)]
    return None


def type_from_damaged_name(text: str, code: str) -> str | None:
    """The name of type ``code`` that a whole line damaged by OCR stands for: one letter
    of a name of seven letters or more misread (``THÔNG TÊ-`` for ``THÔNG TƯ``, the
    symbol's ``TT`` saying which), punctuation around it ignored; None otherwise. The
    symbol is the evidence that makes one damaged letter safe to undo."""
    f = " ".join(re.sub(r"[^\w\s]|_", " ", fold(text)).split())
    names = [name for name, c in _FOLDED_NAMES if c == code and len(name.replace(" ", "")) >= 7]
    for name in names:
        if one_letter_off(f, name) and f.count(" ") == name.count(" "):
            return type_name(code)
    return None


def known_type_codes() -> frozenset[str]:
    """Every document-type code, in its canonical case: Decree 30/2020 (Appendix III), the
    codes met in headers and citations (NĐ, TT, CV, GP, ...), the types real folders hold
    beyond Decree 30 (PT phiếu trình, ĐN đơn, BB, CĐ, HD, GM, ``Luật``, NQ of any body) and
    the Party's (KL, QĐi, ...)."""
    return _KNOWN


def type_code(text: str | None) -> str | None:
    """The canonical type code for a code or a type name, any case, with or without
    diacritics: ``qd`` / ``QĐ`` / ``Quyết định`` / ``quyet dinh`` -> ``QĐ``, ``pt`` ->
    ``PT``, ``luat`` -> ``Luật``; ``None`` for anything else."""
    if not text or not text.strip():
        return None
    t = " ".join(text.split())
    exact = _CANON.get(t.upper())  # "HĐ" (hợp đồng) and "HD" (hướng dẫn) differ
    if exact is not None:
        return exact
    code = _FOLDED_CODES.get(fold(t))
    if code is not None:
        return code
    found = type_from_name(t)
    if found is not None and len(found[1]) == len(t):
        return found[0]
    return None


_KNOWN: frozenset[str] = frozenset(_ALL_CODES)
# codes by folded form; where two codes fold alike (QĐ/QĐi aside) the state code wins
_FOLDED_CODES: dict[str, str] = {}
for _c in (*STATE_CODES, *PARTY_CODES):
    _FOLDED_CODES.setdefault(fold(_c), _c)
_FOLDED_CODES[fold("QĐi")] = "QĐi"
