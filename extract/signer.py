"""Signature block: authority prefixes, title, signer name (``vn-format.md`` §1, item g).

``TM. ỦY BAN NHÂN DÂN`` / ``KT. CHỦ TỊCH`` / ``PHÓ CHỦ TỊCH`` / *(signature)* / ``Nguyễn Văn A``
gives ``Signer(name="Nguyễn Văn A", position="Phó Chủ tịch", authority="KT.",
authority_chain=["TM.", "KT."])``. The block nearest the ``Nơi nhận`` anchor is taken; a
document without one (laws, biên bản) gives the last block that carries a name (the
presiding signer of a biên bản signs last).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import NamedTuple

from rapidfuzz.distance import Levenshtein

from ..model import Signer
from .casing import is_upper_text, position_case
from .header import Cell, split_cells
from .normalize import fold
from .recipients import find_noi_nhan
from .syllables import VN_LETTERS, is_syllable

__all__ = ["SignerBlock", "find_signer", "find_signer_block"]

_PREFIX = re.compile(r"^(?P<p>TM|KT|TL|TUQ|Q|T/M|K/T|T/L)(?:\s*[.:][\s.:]*|\s+)(?=[^\W\d])")
# Party prefixes (HD 36): kept as printed in Party documents, the state form elsewhere
_PARTY_PREFIX = {"T/M": "TM.", "K/T": "KT.", "T/L": "TL."}
# the signers of minutes (biên bản): the secretary signs beside the presiding officer, who
# is the document's signer
_SECRETARY = re.compile(r"^(?:THƯ\s+KÝ|NGƯỜI\s+GHI(?:\s+BIÊN\s+BẢN)?)\b", re.IGNORECASE)
_PRESIDING = re.compile(r"^(?:CHỦ\s+TRÌ|CHỦ\s+TỌA|CHỦ\s+TOẠ)\b")
_TITLE = re.compile(
    r"(?:TRƯỞNG|CHỦ\s+TỊCH|GIÁM\s+ĐỐC|THỦ\s+TƯỚNG|BÍ\s+THƯ|CHÁNH\s|THƯ\s+KÝ|ỦY\s+VIÊN|"
    r"NGƯỜI\s|ĐẠI\s+DIỆN|TỔNG\s+KIỂM|KẾ\s+TOÁN|PHÓ\s|LÃNH\s+ĐẠO\s)"
)
# a phiếu trình's "KÍNH TRÌNH CHỦ TỊCH UBND TỈNH" names whom it is sent to, not a signer
_ADDRESSED = re.compile(r"^KÍNH\s+(?:TRÌNH|GỬI)\b")
# the same titles without diacritics: OCR of a scan loses or swaps marks ("GIÁM ĐÓC",
# "CHỤ TỊCH", "BỌ TRƯƠNG"), matched on the folded cell of an OCR'd text only
_TITLE_FOLDED = re.compile(
    r"(?:\bTRUONG\b|CHU\s+TICH|GIAM\s+DOC|THU\s+TUONG|BI\s+THU|CHANH\s|THU\s+KY|UY\s+VIEN|"
    r"NGUOI\s|DAI\s+DIEN|TONG\s+KIEM|KE\s+TOAN|PHO\s|LANH\s+DAO\s)"
)
# ranks and academic titles printed before the name: kept apart in ``Signer.rank``
_RANK_WORDS = (
    r"(?:Đại|Thượng|Trung|Thiếu)\s+(?:tướng|tá|úy|uý)|Chuẩn\s+Đô\s+đốc|Phó\s+Đô\s+đốc|Đô\s+đốc"
    r"|(?:LS|L\.\s?S|PGS|P\.\s?GS|GS|TS|T\.\s?S|TSKH|ThS|KS|BS|CKII|CKI|DS|CN|NGƯT|NGND|NSND|NSƯT|KTS)\s*\."
    r"|Luật\s+sư|Tiến\s+sĩ|Thạc\s+sĩ|Bác\s+sĩ|Kỹ\s+sư|Giáo\s+sư|Phó\s+Giáo\s+sư"
)
_RANKS = re.compile(rf"^(?P<rank>(?:(?:{_RANK_WORDS})[\s.,]*)+)")
# a general's rank whose "tướng" OCR damaged ("Thượng ftửng", "Trung tưởng") or printed
# in capitals ("Đại Tướng")
_GENERAL = re.compile(r"^(?P<head>Đại|Thượng|Trung|Thiếu)\s+(?P<w>\S{3,7})\s+(?=\S)")
# a colon OCR set between two words of a name, no space around it ("Nguyên:Đình Trung")
_GLUED_COLON = re.compile(r"(?<=[^\W\d_]):(?=[^\W\d_]{2})")


def _colon_space(m: re.Match[str]) -> str:
    s = m.string
    return " " if s[m.start() - 1].islower() and s[m.end()].isupper() else ":"


_HONORIFIC = re.compile(r"^(?:Ông|Bà|Đồng\s+chí|Đ/c)\s+")
_SKIP_NAME = re.compile(r"(?:đã ký|ký|đóng dấu|Như trên|Nơi nhận|Lưu)", re.IGNORECASE)
# a name's word: "Nguyễn", "H'Vi"; OCR glues a stray mark before it ("ơNguyễn", "` k$_TS.")
_NAME_WORD = re.compile(r"^[^\W\d_][^\W\d_]*(?:'[^\W\d_]+)?$")
_DEBRIS = re.compile(r"[^\w\s.']|_")
# the commonest family names (folded): an OCR'd name line standing alone (its title lost
# under a seal) is taken only when it starts with one and every word is spelled as a syllable
_SURNAMES = frozenset(
    "nguyen tran le pham hoang huynh phan vu vo dang bui do ho ngo duong ly dao doan dinh lam "
    "mai truong trinh luong ha cao ta tong chu la kieu quach thai luu van ton to tang phung "
    "vuong lai hua khuong dong kim ninh thach nong lo chau giang bach diep hong tieu quan mac "
    "ong lang khong vi thieu dau kha nghiem au banh cu dam doan giap kieu lieu lu tat than "
    "trieu uong".split()
)


@dataclass
class SignerBlock:
    signer: Signer
    start: int
    end: int
    name_span: tuple[int, int] | None
    # an OCR'd block whose name line could not be trusted: what OCR read there (a name
    # crossed by the signature, "tzoang Chí Hiện"), for the review entry
    debris: str | None = None


class _Block(NamedTuple):
    run: list[Cell]  # the title lines
    name: Cell | None
    debris: str | None = None  # the name-like line left out as OCR debris


def _is_title_cell(t: str, ocr: bool = False) -> bool:
    t = t.strip()
    if _SECRETARY.match(t) and len(t.split()) <= 4:
        return True
    if not t or len(t) > 70 or not is_upper_text(t) or _ADDRESSED.match(t):
        return False
    if _PREFIX.match(t) or _PRESIDING.match(t):
        return True
    if len(t.split()) > 9 or t.endswith((":", ";")):
        return False
    return bool(_TITLE.search(t + " ")) or (ocr and bool(_TITLE_FOLDED.search(fold(t).upper() + " ")))


def _garbled_name(t: str) -> bool:
    """A name line whose first word a stroke garbled: 2-5 words ending in capitalised
    syllables (``auyễn Đình Trung``, ``Nguyên ?;iên Dũng``)."""
    words = t.split()
    if not 2 <= len(words) <= 5:
        return False
    tail = words[-2:] if len(words) > 2 else words[-1:]
    return all(w[:1].isupper() and w[1:].islower() and is_syllable(w) for w in tail)


def _name_strength(name: str, text: str = "") -> int:
    """How surely an extracted name is a person's name: 2 a known family name and every
    word a Vietnamese syllable (``Lương Thế Điền``); 1 every word a syllable, or an ethnic
    name with an apostrophe (``H'Vi``), of three words or more; 0 otherwise — the debris
    of a seal or a signature stroke OCR took for a name (``Bạn X``, ``Hsäng Văn Thuân``),
    or a place the document names as one (``tỉnh Lâm Đồng``, ``thông Yên Bái``)."""
    words = name.split()
    if text and re.search(rf"(?:tỉnh|huyện|thành phố|thị xã|xã|phường|quận|TP\.?)[ \t]+"
                          rf"{re.escape(name)}\b", text, re.IGNORECASE):
        return 0
    spelled = all(is_syllable(w) or ("'" in w and all(is_syllable(p) or len(p) == 1
                                                        for p in w.split("'") if p))
                  for w in words)
    if not spelled:
        return 0
    if fold(words[0]).lower() in _SURNAMES:
        return 2
    return 1 if len(words) >= 3 else 0


def _strip_debris(t: str) -> str:
    """OCR marks before a name: ``` k$_TS. Đỗ …`` -> ``TS. Đỗ …``, ``ơNguyễn`` ->
    ``Nguyễn`` (a signature's stroke read as a letter glued to the capital)."""
    words = t.split()
    while words and _DEBRIS.search(words[0]) and len(words) > 2:
        tail = _DEBRIS.split(words[0])[-1]
        if tail:
            words[0] = tail
            break
        words.pop(0)
    if words:
        w = words[0]
        i = next((k for k, ch in enumerate(w) if ch.isupper()), 0)
        if 0 < i <= 2 and w[:i].isalpha() and w[:i].islower() and w[i + 1 : i + 2].islower():
            words[0] = w[i:]
    return " ".join(words)


def _name_of(t: str) -> str | None:
    return _split_name(t)[0]


def _split_name(t: str) -> tuple[str | None, str | None]:
    """The signer's name in a cell, and the rank or title printed before it
    (``Thượng tướng Lê Quốc Hùng`` -> ``("Lê Quốc Hùng", "Thượng tướng")``)."""
    t = re.sub(r"\s+", " ", t).strip(" .,;:*_")
    t = _GLUED_COLON.sub(_colon_space, t)
    t = _strip_debris(t)
    rank = None
    m = _RANKS.match(t)
    if m:
        rank = re.sub(r"\s+", " ", m.group("rank")).strip(" ,")
        t = t[m.end():]
    elif (g := _GENERAL.match(t)) and _damaged_tuong(g.group("w")):
        rank, t = f"{g.group('head')} tướng", t[g.end():]
    t = _HONORIFIC.sub("", t).strip(" .,;*_")
    if not t or _SKIP_NAME.search(t) or re.search(r"[\d:;()/]", t):
        return None, None
    words = _rejoined(t.split())
    if not 2 <= len(words) <= 5:
        return None, None
    fixed = []
    for w in words:
        if not _NAME_WORD.match(w) or any(c.isalpha() and c.lower() not in VN_LETTERS for c in w):
            return None, None
        if w[:1].isupper() and (len(w) == 1 or w[1:].replace("'", "").islower() or "'" in w):
            fixed.append(w)
        elif len(w) > 2 and w[:2].isupper() and w[2:].islower():
            fixed.append(w[0] + w[1:].lower())  # OCR case slip: "PHan" for "Phan"
        else:
            return None, None
    return " ".join(fixed), rank


def _damaged_tuong(word: str) -> bool:
    """``tướng`` as OCR damaged it, or in capitals: not a name's word (a name's words
    are capitalised syllables, ``Trung Thông``)."""
    f = fold(word).lower()
    return Levenshtein.distance(f, "tuong") <= 2 and f[-2:] in ("ng", "nq") and (
        f == "tuong" or word[:1].islower() or not is_syllable(word.lower()))


def _rejoined(words: list[str]) -> list[str]:
    """A name's word OCR split before its last letter (``Nguyễ n Xuân Phúc``): a lone
    lower-case letter joins the word before it when together they spell a syllable."""
    out: list[str] = []
    for w in words:
        if out and len(w) == 1 and w.islower() and is_syllable(out[-1] + w):
            out[-1] += w
        else:
            out.append(w)
    return out


# OCR specks at either end of a footer line ("CHỦ TỊCH QUỐC HỘI -ˆ", "| GIÁM ĐỐC", a stray
# "s" before "THỨ TRƯỞNG"): not part of a title or a name. A leading dash or plus is kept
# (it marks a recipient line), and so are the "," and ";" that end a recipient line.
def _is_speck(tok: str, lead: bool) -> bool:
    if len(tok) == 1 and tok in "abcdefghijklmnopqrstuvwxyzđ":
        return True  # a stray letter
    marks = [c for c in tok if not (c.isalnum() and unicodedata.category(c) != "Lm")]
    if len(marks) < len(tok) or any(c in ",;()" for c in tok):
        return False
    if lead and tok[0] in "-+•":
        return False
    return len(tok) <= 3 or set(tok) == {"_"}


def _despeck(cells: list[Cell]) -> list[Cell]:
    """OCR'd footer cells without the specks at their ends; cells of specks only dropped."""
    out = []
    for c in cells:
        words = [(m.start(), m.end()) for m in re.finditer(r"\S+", c.text)]
        lo, hi = 0, len(words)
        while lo < hi and _is_speck(c.text[words[lo][0]:words[lo][1]], True):
            lo += 1
        while hi > lo and _is_speck(c.text[words[hi - 1][0]:words[hi - 1][1]], False):
            hi -= 1
        if lo == hi:
            continue
        if (lo, hi) == (0, len(words)):
            out.append(c)
            continue
        a, b = words[lo][0], words[hi - 1][1]
        out.append(Cell(c.text[a:b], c.start + a, c.start + b, c.line, c.first))
    return out


def _footer_cells(text: str, lo: int, hi: int, ocr: bool) -> list[Cell]:
    cells = _unmark(split_cells(text, lo, hi))
    return _despeck(cells) if ocr else cells


def _unmark(cells: list[Cell]) -> list[Cell]:
    """Cells without Markdown emphasis marks (``**TM. ỦY BAN NHÂN DÂN``, ``CHỦ TỊCH**``),
    their lines counted without the blank ones (paragraph breaks of DOCX and HTML text
    double the lines of a block)."""
    out = []
    rank: dict[int, int] = {}
    for c in cells:
        t = c.text
        lead = len(t) - len(t.lstrip("*_ "))
        body = t.strip("*_ ")
        if body:
            line = rank.setdefault(c.line, len(rank))
            out.append(Cell(body, c.start + lead, c.start + lead + len(body), line, c.first))
    return out


def _blocks(cells: list[Cell], ocr: bool = False,
            text: str = "") -> list[_Block]:
    """Runs of title cells (consecutive lines) and the name cell that follows each.

    In an OCR'd text the seal and the signature leave debris between the title and the
    name, some of it shaped like a name (``Bạn X``): the first surely spelled name is
    taken (:func:`_name_strength`), and a block whose only candidates are debris is nameless.
    """
    out: list[_Block] = []
    i = 0
    n = len(cells)
    while i < n:
        if not _is_title_cell(cells[i].text, ocr):
            i += 1
            continue
        run = [cells[i]]
        j = i + 1
        while j < n and cells[j].line - run[-1].line <= 4:
            if _is_title_cell(cells[j].text, ocr):
                run.append(cells[j])
            elif (
                cells[j].line > run[-1].line and cells[j].first
                and not cells[j].text.startswith(("-", "+"))
                and not any(_is_title_cell(c.text, ocr) for c in cells[j:] if c.line == cells[j].line)
            ):
                break
            j += 1
        # minutes: the secretary's title beside the presiding one ("THƯ KÝ" and "CHỦ TỌA"
        # read as consecutive lines): their names follow in the same order
        skip = 0
        if len(run) > 1 and _SECRETARY.match(run[0].text) and not _SECRETARY.match(run[1].text):
            run, skip = run[1:], 1
        name_cell = None
        candidates: list[tuple[int, Cell]] = []
        k = j
        # the recipient lines ("- Sở Tư pháp;") a text layer puts between the title and
        # the name (the two columns read one after the other) do not count as distance
        listed: set[int] = set()
        while k < n and cells[k].line - run[-1].line - len(listed) <= (20 if ocr else 14):
            if cells[k].first and cells[k].text.startswith(("-", "~", "+")):
                listed.add(cells[k].line)
            if _is_title_cell(cells[k].text, ocr) and cells[k].line > run[-1].line + 1 and not _PREFIX.match(cells[k].text):
                # another signer's title before any name: this block is nameless
                break
            name = _name_of(cells[k].text)
            if name and skip:
                skip -= 1
                name = None
            if name and not ocr:
                name_cell = cells[k]
                break
            if name:
                candidates.append((_name_strength(name, text), cells[k]))
                if candidates[-1][0] == 2:
                    break
            k += 1
        debris = None
        if candidates:
            strength, cell = max(candidates, key=lambda c: c[0])  # the first of the strongest
            name_cell = cell if strength else None
            debris = None if strength else candidates[-1][1].text.strip()
        elif ocr:
            # no line shaped like a name: the nearest line that ends like one
            debris = next((c.text.strip() for c in cells[j:k] if c.line > run[-1].line
                           and _garbled_name(c.text)), None)
        out.append(_Block(run, name_cell, debris))
        i = max(j, i + 1)
    return out


def find_signer_block(text: str, *, party: bool = False, ocr: bool = False) -> SignerBlock | None:
    """The signature block of a document's text (all pages joined), or ``None``.

    Args:
        text: the document's text.
        party: a Party document: ``T/M``, ``K/T``, ``T/L`` are kept as printed (in state
            documents they are written as ``TM.``, ``KT.``, ``TL.``).
        ocr: the text was read by OCR from a scan: titles are matched without their
            diacritics, a name must be spelled as one (debris of seals and signature strokes
            is not a name), and a lone name line needs no indentation (OCR keeps none).
    """
    return _repaired(_find_block(text, party, ocr), text, ocr)


def _find_block(text: str, party: bool, ocr: bool) -> SignerBlock | None:
    nm = find_noi_nhan(text)
    anchor = nm.start() if nm else None
    if anchor is not None:
        lo = text.rfind("\n", 0, max(0, anchor - 2500)) + 1
        hi = min(len(text), anchor + 3500)
        cells = _footer_cells(text, lo, hi, ocr)
        blocks = _blocks(cells, ocr, text)
        if blocks:
            aline = next((c.line for c in cells if c.end > anchor), cells[-1].line)
            # nearest block to the anchor; ties go to the block after it
            def dist(b: _Block) -> tuple[int, int, int]:
                run = b[0]
                d = min(abs(run[0].line - aline), abs(run[-1].line - aline))
                return (0 if b[1] else 1, _is_secretary(b), d)
            best = min(blocks, key=dist)
            lone = _lone_name(text, cells, aline, ocr) if ocr and best[1] is None else None
            if lone is not None:
                # a scan whose name line stands alone: with the title above it when the
                # title is in the footer, alone when the only title is far (the header's)
                if dist(best)[2] > 25 or best[0][-1].start > lone.start:
                    return lone
                made = _make(best, party)
                made.signer.name, made.signer.rank = lone.signer.name, lone.signer.rank
                made.end, made.name_span = lone.end, lone.name_span
                return made
            return _make(best, party)
        lone = _lone_name(text, cells, next((c.line for c in cells if c.end > anchor), None), ocr)
        if lone is not None:
            return lone
    cells = _footer_cells(text, max(0, len(text) - 6000), len(text), ocr)
    named = [b for b in _blocks(cells, ocr, text) if b[1] is not None]
    # minutes: the presiding officer's block (a prefix, "CHỦ TRÌ"), not the secretary's
    heads = [b for b in named if any(_PREFIX.match(c.text) or _PRESIDING.match(c.text)
                                     for c in b[0])]
    named = heads or [b for b in named if not _is_secretary(b)] or named
    if named:
        return _make(named[-1], party)
    if anchor is not None:
        return None
    lone = _lone_name(text, cells[-6:], None, ocr)
    if lone is None and ocr:
        # the last lines hold a name line a stroke garbled: the document may write it
        for c in reversed(cells[-6:]):
            name = _name_in_text(c.text, text) if _garbled_name(c.text) else None
            if name:
                return SignerBlock(Signer(name=name), c.start, c.end, (c.start, c.end),
                                   c.text.strip())
    return lone


def _lone_name(text: str, cells: list[Cell], aline: int | None,
               ocr: bool = False) -> SignerBlock | None:
    """A name line standing where the signature block stands, its title lines lost (a
    seal over them, OCR): right of the recipients (an indented or second cell) within a
    few lines of the ``Nơi nhận`` anchor, or among the last lines of a document without it.
    OCR keeps no indentation and reads a stroke before the name as a dash: there any line
    of the footer that is a surely spelled name with a known family name is taken."""
    best: tuple[int, Cell, str, str | None] | None = None
    for c in cells:
        if aline is not None and not -3 <= c.line - aline <= (40 if ocr else 25):
            continue
        indent = c.start - (text.rfind("\n", 0, c.start) + 1)
        listed = c.text.lstrip().startswith(("-", "+", "•"))
        if ocr:
            if c.text.rstrip().endswith((";", ",")):
                continue
            name, rank = _split_name(c.text.lstrip(" -+•"))
            if name is None or _name_strength(name, text) < 2:
                continue
        elif (c.first and indent < 12) or listed:
            continue
        else:
            name, rank = _split_name(c.text)
        if name is None:
            continue
        d = abs(c.line - aline) if aline is not None else -c.line
        if best is None or d < best[0]:
            best = (d, c, name, rank)
    if best is None:
        return None
    _, c, name, rank = best
    return SignerBlock(Signer(name=name, rank=rank), c.start, c.end, (c.start, c.end))


def _is_secretary(block: _Block) -> int:
    return int(all(_SECRETARY.match(c.text.strip()) for c in block[0]))


_LETTERS = re.compile(r"[^\W\d_]+")


def _name_in_text(debris: str, text: str) -> str | None:
    """The signer's name as the document itself writes it, for a name line a signature
    stroke garbled (``Hsäng Văn Thuân``, ``uyên Phan Lũy``): the one name in the text whose
    words are those of the line where OCR read them (accents aside) and, where it did not,
    end as the debris ends (``Hoàng`` for ``Hsäng``, ``Nguyễn`` for ``uyên``). None when no
    such name, or more than one, is written in the text."""
    words = debris.split()
    while words and len("".join(_LETTERS.findall(words[0]))) < 2:
        words.pop(0)  # marks before the name ("e% Hsäng …")
    if not 2 <= len(words) <= 5:
        return None
    keys: list[tuple[bool, str]] = []  # (intact, folded letters)
    for w in words:
        letters = "".join(_LETTERS.findall(fold(w)))
        intact = w[:1].isupper() and w[1:].islower() and is_syllable(w)
        keys.append((intact, letters))
    if all(k[0] for k in keys) or sum(k[0] for k in keys) < len(keys) - 1 or not keys[-1][0]:
        return None  # nothing garbled, or more than one word lost
    tokens = [m for m in _LETTERS.finditer(text)]
    found: dict[str, str] = {}
    n = len(keys)
    for i in range(len(tokens) - n + 1):
        cand = [t.group() for t in tokens[i:i + n]]
        if not all(c[:1].isupper() and c[1:].islower() and is_syllable(c) for c in cand):
            continue
        ok = True
        for (intact, key), c in zip(keys, cand, strict=True):
            fc = fold(c)
            if (intact and fc != key) or (not intact and not (len(key) >= 2 and fc.endswith(key[-3:]))):
                ok = False
                break
        if ok and fold(cand[0]) in _SURNAMES and " ".join(cand) != debris:
            found.setdefault(" ".join(fold(c) for c in cand), " ".join(cand))
    return next(iter(found.values())) if len(found) == 1 else None


def _make(block: _Block, party: bool) -> SignerBlock:
    run, name_cell = block.run, block.name
    chain: list[str] = []
    position = None
    acting = None
    for c in run:
        t = c.text.strip()
        rest = t
        while True:
            m = _PREFIX.match(rest)
            if not m:
                break
            p = m.group("p").upper()
            chain.append(_prefix(p, party))
            rest = rest[m.end() :]
            if p == "Q":
                acting = rest
        if rest and not _PREFIX.match(t):
            position = rest
    # only prefix lines ("TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH"): the signer's own title is
    # not printed (or was lost), except for an acting head ("Q. CHÁNH VĂN PHÒNG")
    if position is None and acting:
        position = acting
    # authority: the prefix directly above the position line
    authority = None
    for c in run:
        t = c.text.strip()
        m = _PREFIX.match(t)
        if m:
            p = m.group("p").upper()
            authority = _prefix(p, party)
        elif position and t == position:
            break
    name, rank = _split_name(name_cell.text) if name_cell else (None, None)
    signer = Signer(
        name=name,
        rank=rank,
        position=position_case(position) if position else None,
        authority=authority,
        authority_chain=chain,
    )
    end = (name_cell or run[-1]).end
    span = (name_cell.start, name_cell.end) if name_cell else None
    return SignerBlock(signer, run[0].start, end, span, block.debris)


def _prefix(p: str, party: bool) -> str:
    if p in _PARTY_PREFIX:
        return p if party else _PARTY_PREFIX[p]
    return p + "."


def _repaired(block: SignerBlock | None, text: str, ocr: bool) -> SignerBlock | None:
    """An OCR'd block without a name: the name the text writes for its debris, if any
    (``block.debris`` is kept: the name is a fallback, not what the block reads)."""
    if ocr and block is not None and block.signer.name is None and block.debris:
        name = _name_in_text(block.debris, text)
        if name:
            block.signer.name = name
    return block


def find_signer(text: str, *, party: bool = False, ocr: bool = False) -> Signer | None:
    """The signer of a document (name, position, authority and authority chain); ``party``
    and ``ocr`` as for :func:`find_signer_block`."""
    block = find_signer_block(text, party=party, ocr=ocr)
    return block.signer if block else None
