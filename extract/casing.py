"""Case conversion of header and signer lines: Vietnamese documents print the issuer and
the signer's title in capitals (``UBND TỈNH LÀO CAI``, ``PHÓ GIÁM ĐỐC``); the facts carry them
in sentence case with abbreviations expanded (``Ủy ban nhân dân tỉnh Lào Cai``, ``Phó Giám
đốc``). Pure functions of the text."""

from __future__ import annotations

import re

from .doctypes import ABBREVIATIONS, PROVINCES
from .normalize import canonical_tones, fold

__all__ = ["cap", "is_upper_text", "position_case", "sentence_case"]


def is_upper_text(s: str) -> bool:
    """True when the letters of ``s`` are (almost) all capitals."""
    letters = [c for c in s if c.isalpha()]
    if len(letters) < 2:
        return False
    lower = sum(1 for c in letters if c.islower())
    return lower <= max(1, len(letters) // 12)


_ADMIN = ("tỉnh ủy", "huyện ủy", "thành ủy", "thị ủy", "quận ủy", "đảng ủy", "thành phố", "thị xã", "thị trấn", "tỉnh", "huyện", "xã", "phường", "quận")
_ORG_HEADS = ("tổng cục", "chi cục", "sở", "bộ", "cục", "ban", "vụ", "phòng", "văn phòng")
_PROPER = {
    "công thương": "Công Thương",
    "chính phủ": "Chính phủ",
    "quốc hội": "Quốc hội",
    "khu kinh tế": "Khu kinh tế",
    "việt nam": "Việt Nam",
    "trung ương": "Trung ương",
    "tổ quốc": "Tổ quốc",
    "mặt trận tổ quốc": "Mặt trận Tổ quốc",
    "ủy ban thường vụ quốc hội": "Ủy ban Thường vụ Quốc hội",
}
_FOLDED_PROVINCES = sorted(((fold(p).split(), p) for p in PROVINCES), key=lambda x: -len(x[0]))


def cap(word: str) -> str:
    """The word with its first letter in capitals."""
    return word[:1].upper() + word[1:]


def _expand(tokens: list[str]) -> list[str]:
    out: list[str] = []
    for t in tokens:
        exp = ABBREVIATIONS.get(t) or ABBREVIATIONS.get(t.rstrip(","))
        if exp and not (t in ("CP", "VP", "TP", "TT.") and out == []):
            out.extend(exp.split())
            if t.endswith(",") and not exp.endswith(","):
                out[-1] += ","
        else:
            out.append(t)
    return out


def sentence_case(text: str) -> str:
    """An issuer line in sentence case with abbreviations expanded.

    ``UBND TỈNH LÀO CAI`` -> ``Ủy ban nhân dân tỉnh Lào Cai``; ``SỞ NÔNG NGHIỆP VÀ MÔI
    TRƯỜNG`` -> ``Sở Nông nghiệp và Môi trường``; ``BỘ CÔNG THƯƠNG`` -> ``Bộ Công Thương``.
    Mixed-case input keeps its case (only abbreviations are expanded).
    """
    text = re.sub(r"\s+", " ", text).strip(" .:;*-_")
    if not text:
        return text
    tokens = _expand(text.split())
    if not is_upper_text(text):
        out = " ".join(tokens)
        return canonical_tones(cap(out))
    tokens = _company_forms(tokens)
    # OCR reads TỈNH as TĨNH, HUYỆN as HUYÊN: a header names a tỉnh or a huyện
    tokens = [_ADMIN_FIX.get(fold(t), t) if fold(t) in _ADMIN_FIX else t for t in tokens]
    low = [t if _is_code(t) or t in _KEEP_UPPER else t.lower() for t in tokens]
    caps = [False] * len(low)
    caps[0] = True
    # org head at the start: capitalise the next word, and the first word after "," / "và"
    for head in _ORG_HEADS:
        hw = head.split()
        if [w.strip(",") for w in low[: len(hw)]] == hw and len(low) > len(hw):
            caps[len(hw)] = True
            for i in range(len(hw) + 1, len(low)):
                if low[i - 1] == "và" or low[i - 1].endswith(","):
                    caps[i] = True
            break
    # place names after an administrative level word
    i = 0
    while i < len(low):
        hit = next((a for a in _ADMIN if low[i : i + len(a.split())] == a.split()), None)
        if hit and low[i + len(hit.split()) : i + len(hit.split()) + 1] == ["ủy"]:
            hit = None  # "tỉnh ủy", "huyện ủy": a Party committee, not a place
        if hit:
            j = i + len(hit.split())
            while j < len(low) and not low[j - 1].endswith(",") and not _is_code(low[j]):
                caps[j] = True
                j += 1
            i = j
        else:
            i += 1
    words = [cap(w) if c else w for w, c in zip(low, caps, strict=True)]
    out = " ".join(words)
    out = _apply_lexicon(out)
    return canonical_tones(cap(out))


_ADMIN_FIX = {"tinh": "TỈNH", "huyen": "HUYỆN"}
_KEEP_UPPER = {"TNHH", "MTV", "XNK", "KCN", "CCN", "HTX"}


def _company_forms(tokens: list[str]) -> list[str]:
    """``CÔNG TY CP`` is a joint-stock company (cổ phần), not the Government (CP)."""
    out = list(tokens)
    for i in range(1, len(out)):
        if out[i] == "CP" and i >= 2 and [w.upper() for w in out[i - 2 : i]] == ["CÔNG", "TY"]:
            out[i] = "CỔ PHẦN"
    return " ".join(out).split()


def _apply_lexicon(out: str) -> str:
    for k, v in _PROPER.items():
        out = re.sub(rf"(?<!\w){k}(?!\w)", v, out, flags=re.IGNORECASE)
    # province names anywhere
    toks = out.split(" ")
    ftoks = [fold(t.strip(",.")) for t in toks]
    for fp, proper in _FOLDED_PROVINCES:
        n = len(fp)
        for i in range(len(toks) - n + 1):
            if ftoks[i : i + n] == fp:
                pw = proper.split()
                for j in range(n):
                    if len(pw) == n and fold(toks[i + j].strip(",.")) == fold(pw[j]):
                        toks[i + j] = toks[i + j].replace(toks[i + j].strip(",."), pw[j])
    out = " ".join(toks)
    # a type name followed by "số <symbol>" names a document: "theo Quyết định số 12/QĐ-X"
    return re.sub(
        r"(?<!\w)(quyết định|kế hoạch|nghị quyết|thông báo|công văn|văn bản)(?= số)",
        lambda m: cap(m.group(1)),
        out,
    )


def _is_code(tok: str) -> bool:
    return bool(re.search(r"[\d/]", tok))


def position_case(text: str) -> str:
    """A signer title in sentence case: ``PHÓ GIÁM ĐỐC`` -> ``Phó Giám đốc``, ``CHỦ TỊCH
    QUỐC HỘI`` -> ``Chủ tịch Quốc hội``, ``PHÓ CHÁNH VĂN PHÒNG`` -> ``Phó Chánh Văn phòng``."""
    text = re.sub(r"\s+", " ", text).strip(" .:;*-_")
    if not text or not is_upper_text(text):
        return text
    words = text.lower().split()
    words[0] = cap(words[0])
    if words[0] == "Phó" and len(words) > 1:
        words[1] = cap(words[1])
    out = " ".join(words)
    out = re.sub(r"(?<=Chánh )văn phòng", "Văn phòng", out)
    return canonical_tones(_apply_lexicon(out))
