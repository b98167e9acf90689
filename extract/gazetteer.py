"""Gazetteer of Vietnamese administrative units, read from ``extract/data/units.yaml``.

The data (unit types, bodies, levels, provinces and former districts, collective groups,
titles of heads) lives in the YAML file; the abbreviations are the ``unit`` and
``unit_name`` uses of the one vocabulary (:mod:`evidence.extract.abbreviations`). This
module only compiles them.

Public API:

- :func:`find_units` — every unit named in a text, as ``(start, end, canonical)``.
- :func:`find_unit_mentions` — the same with the display form (``các phòng: Tư pháp``
  yields ``Phòng Tư pháp``) and title prefixes (``Trưởng phòng``).
- :func:`canonical_unit` — the gazetteer's canonical name of a unit name, or the cleaned
  name itself when unknown.
- :func:`unit_key` — an accent/joiner-insensitive comparison key for unit names.
- :func:`is_unit` — whether a whole text is one unit name.
- :func:`expand_abbreviation` — ``UBND huyện`` -> ``Ủy ban nhân dân huyện``; a unit code
  alone (``NV``, ``TC-KH``) -> its unit name.

Matching runs on :func:`~evidence.extract.normalize.fold_keep_length` text, so offsets are
valid in the (NFC) input and ``hoá``/``hóa``, ``Đ``/``D`` and case do not matter.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml
from evidence.extract.abbreviations import expansions
from evidence.extract.normalize import canonical_tones, clean_text, fold, fold_keep_length

__all__ = [
    "Gazetteer",
    "UnitMention",
    "canonical_unit",
    "company_name_end",
    "expand_abbreviation",
    "find_unit_mentions",
    "find_units",
    "is_unit",
    "load_gazetteer",
    "unit_key",
]

log = logging.getLogger(__name__)

DATA_FILE = Path(__file__).parent / "data" / "units.yaml"

# joiners inside a unit name: dash look-alikes, "và", "&", comma
_JOINER_RX = r"(?:\s*[-\u2010-\u2015\u2212&,]\s*|\s+va\s+)"
_SPLIT_JOINERS = re.compile(r"\s*(?:[-\u2010-\u2015\u2212&,]|\bva\b)\s*")
_WORD_END = r"(?!\w)"
_WORD_START = r"(?<!\w)"
_PLACE_WORD = re.compile(r"[ \t]+([^\W\d_]\w*)")


@dataclass(frozen=True)
class UnitMention:
    """A unit named in a text.

    Attributes:
        start: offset of the first character (of the title prefix when there is one).
        end: offset after the last character.
        text: the display name (``Phòng Tư pháp`` for ``Tư pháp`` in ``các phòng: …``),
            as written otherwise, first letter capitalised.
        canonical: the gazetteer's canonical name (or ``text`` when unknown).
        kind: ``department``, ``body``, ``collective`` (gazetteer entries), ``unit`` or
            ``company`` (a generic head with capitalised words, not in the gazetteer).
        title: a head's title before the unit (``Trưởng phòng``), when present.
    """

    start: int
    end: int
    text: str
    canonical: str
    kind: str
    title: str | None = None


@dataclass
class Gazetteer:
    """The compiled units.yaml."""

    data: dict[str, Any]
    abbreviations: dict[str, str]
    unit_codes: dict[str, str]
    departments: list[str]
    collectives: list[str]
    places: list[str]
    canonical_by_key: dict[str, str]
    entry_info: list[tuple[str, str, bool]]
    start_rx: re.Pattern[str]
    generic_rx: re.Pattern[str] | None
    legal_rx: re.Pattern[str] | None
    level_place_rx: re.Pattern[str]
    unit_rx: dict[str, re.Pattern[str]]
    list_rx: re.Pattern[str]
    heads: dict[str, str]
    short_rx: dict[str, re.Pattern[str]]
    short_canonical: dict[str, dict[str, str]]
    title_rx: re.Pattern[str]
    level_words: frozenset[str] = frozenset()
    more_levels_rx: re.Pattern[str] | None = None


def _name_pattern(name: str, abbreviations: dict[str, str]) -> str:
    """Regex over folded text for a name: joiners interchangeable, abbreviation <-> long form."""
    alts = [(fold(a), fold(long).split()) for a, long in abbreviations.items()]
    pats = []
    for part in _SPLIT_JOINERS.split(fold(clean_text(name))):
        words = part.split()
        out: list[str] = []
        i = 0
        while i < len(words):
            for a, lw in alts:
                if words[i] == a or words[i:i + len(lw)] == lw:
                    long_pat = r"\s+".join(map(re.escape, lw))
                    out.append(f"(?:{re.escape(a)}|{long_pat})")
                    i += 1 if words[i] == a else len(lw)
                    break
            else:
                out.append(re.escape(words[i]))
                i += 1
        pats.append(r"\s+".join(out))
    return _JOINER_RX.join(p for p in pats if p)


def _first_words(name: str, pat: str, abbreviations: dict[str, str]) -> set[str]:
    """Folded words a name can start with (its own, or its abbreviation's long form)."""
    if pat.startswith(r"phong\s+"):
        return {"phong"}
    words = fold(clean_text(name)).split()
    first = re.sub(r"\W", "", words[0]) if words else ""
    out = {first}
    joined = " ".join(words)
    for abbr, long in abbreviations.items():
        fa, fl = fold(abbr), fold(long)
        if first == fa:
            out.add(fl.split()[0])
        if joined.startswith(fl):
            out.add(fa)
    return out


def _level_place(levels: list[str], place_pat: str) -> str:
    level_pat = "|".join(r"\s+".join(map(re.escape, fold(lv).split())) for lv in
                         sorted(levels, key=len, reverse=True))
    return (rf"(?:[ \t]+(?:cac[ \t]+)?(?:cap[ \t]+)?(?P<level>{level_pat}|cac[ \t]+cap)(?![ \t]+uy(?!\w))(?:[ \t]+(?P<place>{place_pat}))?"
            rf"|[ \t]+(?P<place2>{place_pat})){_WORD_END}")


def _more_levels(levels: list[str]) -> str:
    """Further levels of one body on the same line: ``UBND các xã, phường, đặc khu``,
    ``UBND các tỉnh, thành phố trực thuộc Trung ương``."""
    level_pat = "|".join(r"\s+".join(map(re.escape, fold(lv).split())) for lv in
                         sorted(levels, key=len, reverse=True))
    return (rf"(?:[ \t]*,[ \t]*|[ \t]+va[ \t]+)(?:cac[ \t]+)?(?P<level>{level_pat}){_WORD_END}"
            rf"|[ \t]+truc[ \t]+thuoc[ \t]+trung[ \t]+uong{_WORD_END}")


def _raw(path: str | None = None) -> dict[str, Any]:
    return _raw_cached(str(path or DATA_FILE))


@lru_cache(maxsize=4)
def _raw_cached(path: str) -> dict[str, Any]:
    # the C loader when PyYAML has libyaml (a safe loader too; 20x faster)
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    data = yaml.load(Path(path).read_text(encoding="utf-8"), Loader=loader) or {}
    return data if isinstance(data, dict) else {}


@lru_cache(maxsize=4)
def load_gazetteer(path: str | None = None) -> Gazetteer:
    """Load and compile the gazetteer (cached).

    Args:
        path: a YAML file; default the packaged ``extract/data/units.yaml``.

    Returns:
        The compiled :class:`Gazetteer`.
    """
    data = _raw(path)
    abbreviations = expansions("unit")
    # only unit-forming abbreviations take part in name matching
    name_abbr = expansions("unit_name")
    unit_codes = {str(k): str(v) for k, v in (data.get("unit_codes") or {}).items()}
    departments = [d["name"] for d in data.get("departments") or []]
    collectives = list(data.get("collectives") or [])
    bodies = list(data.get("bodies") or [])
    levels = list(data.get("levels") or [])
    places = _places(data)
    place_pat = "|".join(r"\s+".join(map(re.escape, fold(p).split())) for p in places)
    entries = _unit_entries(collectives, departments, bodies, unit_codes, name_abbr)
    by_word, unit_rx = _unit_regexes(entries, name_abbr)
    generic_rx, legal_rx, generic_firsts = _generic_patterns(data.get("generic_heads") or {})
    start_rx = re.compile(_WORD_START + "(?P<w>" + "|".join(
        sorted(map(re.escape, {*by_word, *generic_firsts, "cac"}), key=len, reverse=True))
        + ")" + _WORD_END)
    short_rx, short_canonical = _short_lists(departments, name_abbr)
    heads = "|".join(re.escape(fold(h)) for h in short_rx)
    log.debug("gazetteer: %d departments, %d places", len(departments), len(places))
    return Gazetteer(
        data=data, abbreviations=abbreviations, unit_codes=unit_codes,
        departments=departments, collectives=collectives, places=places,
        canonical_by_key=_canonical_by_key([*departments, *collectives, *bodies,
                                            *unit_codes.values()]),
        entry_info=[(kind, canon, lv) for kind, canon, _, lv in entries], start_rx=start_rx,
        generic_rx=generic_rx, legal_rx=legal_rx,
        level_place_rx=re.compile(_level_place(levels, place_pat)), unit_rx=unit_rx,
        list_rx=re.compile(rf"cac\s+(?P<head>{heads})\s*:?\s*"),
        heads={fold(h): h for h in short_rx},
        short_rx=short_rx, short_canonical=short_canonical,
        title_rx=_title_rx(list(data.get("titles") or [])),
        level_words=frozenset(canonical_tones(lv.lower()) for lv in levels),
        more_levels_rx=re.compile(_more_levels(levels)),
    )


def _places(data: dict[str, Any]) -> list[str]:
    """Every province, district and commune name, longest first (so the longest matches)."""
    places: list[str] = []
    for prov in data.get("provinces") or []:
        places.append(prov["name"])
        for d in prov.get("districts") or []:
            places.append(d["name"])
        for c in prov.get("communes") or []:
            places.append(c["name"])
    return sorted(set(places), key=len, reverse=True)


def _canonical_by_key(names: list[str]) -> dict[str, str]:
    """:func:`unit_key` -> the first canonical name with that key."""
    out: dict[str, str] = {}
    for n in names:
        out.setdefault(unit_key(n), n)
    return out


#: one alternative of the unit regexes: (kind, canonical name, name pattern, takes a level)
_Entry = tuple[str, str, str, bool]


def _unit_entries(collectives: list[str], departments: list[str], bodies: list[str],
                  unit_codes: dict[str, str], name_abbr: dict[str, str]) -> list[_Entry]:
    """The alternatives, longest names first within each kind; a ``Phòng`` unit code also
    matches as ``Phòng <code>`` (``Phòng TC-KH``, ``Phòng NV``)."""
    entries: list[_Entry] = []
    for n in sorted(collectives, key=len, reverse=True):
        entries.append(("collective", n, _name_pattern(n, name_abbr), True))
    for n in sorted(departments, key=len, reverse=True):
        entries.append(("department", n, _name_pattern(n, name_abbr), True))
    for code, n in unit_codes.items():
        if n.startswith("Phòng "):  # "Phòng TC-KH", "Phòng NV"
            code_pat = _JOINER_RX.join(map(re.escape, _SPLIT_JOINERS.split(fold(code))))
            entries.append(("department", n, r"phong\s+" + code_pat, True))
            # (first word "phong": see _first_words)
    for n in sorted(bodies, key=len, reverse=True):
        entries.append(("body", n, _name_pattern(n, name_abbr), True))
    return entries


def _unit_regexes(entries: list[_Entry], name_abbr: dict[str, str]
                  ) -> tuple[dict[str, list[int]], dict[str, re.Pattern[str]]]:
    """Per possible first word, the entries that can start there and one regex of them
    (group ``n<i>`` = entry ``i``): each alternative is tried only where it can start."""
    by_word: dict[str, list[int]] = {}
    for i, (_, canon, pat, _) in enumerate(entries):
        for w in _first_words(canon, pat, name_abbr):
            by_word.setdefault(w, []).append(i)
    unit_rx = {
        w: re.compile("(?:" + "|".join(f"(?P<n{i}>{entries[i][2]})" for i in idxs) + ")"
                      + _WORD_END)
        for w, idxs in by_word.items()
    }
    return by_word, unit_rx


def _alternation(names: list[str]) -> str:
    return "|".join(r"\s+".join(map(re.escape, fold(n).split()))
                    for n in sorted(names, key=len, reverse=True))


def _generic_patterns(generic: dict[str, Any]
                      ) -> tuple[re.Pattern[str] | None, re.Pattern[str] | None, set[str]]:
    """Heads of units that are not in the gazetteer (``Công ty``, ``Trường``): the regex of
    a generic unit or company, the regex of trailing legal forms (``TNHH``, ...), and
    their possible first words."""
    generic_units = list(generic.get("units") or [])
    generic_companies = list(generic.get("companies") or [])
    generic_rx = re.compile(
        rf"(?:(?P<company>{_alternation(generic_companies)})|(?P<unit>{_alternation(generic_units)}))"
        + _WORD_END) if generic_units and generic_companies else None
    legal_rx = re.compile(
        rf"(?:\s+(?:{_alternation(list(generic.get('legal_forms') or []))}))+" + _WORD_END
    ) if generic.get("legal_forms") else None
    generic_firsts = {fold(n).split()[0] for n in [*generic_units, *generic_companies]}
    return generic_rx, legal_rx, generic_firsts


def _short_lists(departments: list[str], name_abbr: dict[str, str]
                 ) -> tuple[dict[str, re.Pattern[str]], dict[str, dict[str, str]]]:
    """Per head (``Phòng``, ``Sở``, ``Ban``, ``Trung tâm``), the regex of its departments'
    names without it and their canonical names, for lists such as ``các phòng: Tài chính
    – Kế hoạch, Văn hóa - Thông tin, Tư pháp``."""
    short_rx: dict[str, re.Pattern[str]] = {}
    short_canonical: dict[str, dict[str, str]] = {}
    for head in ("Phòng", "Sở", "Ban", "Trung tâm"):
        shorts = [n[len(head) + 1:] for n in departments if n.startswith(head + " ")]
        if not shorts:
            continue
        pats = []
        for s in sorted(shorts, key=len, reverse=True):
            pats.append(_name_pattern(s, name_abbr))
            short_canonical.setdefault(head, {})[unit_key(s)] = f"{head} {s}"
        short_rx[head] = re.compile(_WORD_START + "(?:" + "|".join(pats) + ")" + _WORD_END)
    return short_rx, short_canonical


def _title_rx(titles: list[str]) -> re.Pattern[str]:
    """A head's title at the end of a text. A title whose last words are the unit's head
    (``Trưởng phòng`` + ``Phòng Nội vụ``, ``Chánh Văn phòng`` + ``Văn phòng HĐND và
    UBND``) also matches without them."""
    title_forms = set()
    for t in titles:
        words = fold(t).split()
        title_forms.add(" ".join(words))
        for tail in (["van", "phong"], ["phong"], ["ban"], ["thanh", "tra"]):
            if len(words) > len(tail) and words[-len(tail):] == tail:
                title_forms.add(" ".join(words[:-len(tail)]))
    title_pat = "|".join(r"\s+".join(map(re.escape, t.split())) for t in
                         sorted(title_forms, key=len, reverse=True))
    return re.compile(_WORD_START + rf"(?:{title_pat})\s+$")

def unit_key(name: str) -> str:
    """Comparison key of a unit name: folded, abbreviations expanded, joiners and spaces
    unified (``Phòng Văn hoá - Thông tin`` == ``phong van hoa va thong tin``)."""
    s = expand_abbreviation(clean_text(name).strip(" .;:,"), _codes=False)
    s = fold(s)
    s = _SPLIT_JOINERS.sub("|", s)
    return re.sub(r"\s+", " ", s).strip()


def _capitalize(s: str) -> str:
    return s[:1].upper() + s[1:] if s else s


def _tidy(s: str) -> str:
    return re.sub(r"\s+", " ", s).strip(" ,;:")


def canonical_unit(name: str) -> str:
    """The gazetteer's canonical name for ``name`` (level and place kept), or the cleaned
    name when the unit is not in the gazetteer.

    Args:
        name: a unit name as written (``Văn phòng HĐND – UBND huyện``, ``Phòng TC-KH``).

    Returns:
        ``Văn phòng HĐND và UBND huyện``, ``Phòng Tài chính – Kế hoạch``, ...
    """
    name = _tidy(clean_text(name or ""))
    if not name:
        return name
    code = expand_abbreviation(name)
    if code != name and name in load_gazetteer().unit_codes:
        return code
    for m in find_unit_mentions(name):
        if m.start == 0 and m.end >= len(name.rstrip(" .")):
            return m.canonical
    return _capitalize(name)


def is_unit(text: str) -> bool:
    """Whether the whole of ``text`` names one unit (department, body or collective)."""
    t = _tidy(clean_text(text or ""))
    if not t:
        return False
    if t in load_gazetteer().unit_codes:
        return True
    return any(m.start == 0 and m.end == len(t) and m.title is None for m in find_unit_mentions(t))


def expand_abbreviation(text: str, *, _codes: bool = True) -> str:
    """Expand abbreviations in a unit name or header line.

    A unit code alone (``NV``, ``TC-KH``, ``VP``) becomes its unit name (``Phòng Nội vụ``);
    otherwise each abbreviation word is expanded in place: ``UBND huyện Đức Thọ`` ->
    ``Ủy ban nhân dân huyện Đức Thọ``, ``VP HĐND-UBND`` -> ``Văn phòng Hội đồng nhân dân -
    Ủy ban nhân dân``. Case of the rest is kept; unknown words are left alone.

    Args:
        text: a name or a short line.

    Returns:
        The expanded text.
    """
    data = _raw()
    t = (text or "").strip()
    codes = data.get("unit_codes") or {}
    if _codes and t in codes:
        return str(codes[t])
    abbr = expansions("unit")
    if not abbr:
        return text
    rx = _abbr_rx(tuple(sorted(abbr, key=len, reverse=True)))
    return rx.sub(lambda m: abbr[m.group(0)], text)


@lru_cache(maxsize=2)
def _abbr_rx(keys: tuple[str, ...]) -> re.Pattern[str]:
    # whole words only, exact case: "CT" as a word, not inside "CTr" or "Ct"
    return re.compile(r"(?<![\w])(?:" + "|".join(map(re.escape, keys)) + r")(?![\w])")


def _extend_place(text: str, end: int) -> int:
    """Extend a body match over a place written in capitals-initial words (``xã Tùng Ảnh``
    when the commune is not in the gazetteer): two to four words, each capitalised."""
    pos = end
    words = 0
    for _ in range(4):
        m = _PLACE_WORD.match(text, pos)
        if not m or not m.group(1)[:1].isupper():
            break
        pos = m.end()
        words += 1
    # place names have two syllables or more; one capitalised word is a sentence's next
    # word ("Bộ Chỉ huy Quân sự tỉnh Chỉ đạo …")
    return pos if words >= 2 else end


def _generic_mention(text: str, ftext: str, pos: int, g: Gazetteer) -> UnitMention | None:
    """A unit outside the gazetteer: a generic head followed by capitalised words
    (``phòng Quản lý Công nghiệp``, ``Công ty cổ phần Mông Sơn``); None otherwise."""
    if g.generic_rx is None:
        return None
    m = g.generic_rx.match(ftext, pos)
    if not m:
        return None
    company = m.group("company") is not None
    end = m.end()
    if company and g.legal_rx is not None:
        lm = g.legal_rx.match(ftext, end)
        if lm:
            end = lm.end()
    words = 0
    while True:
        w = _PLACE_WORD.match(text, end)
        if not w or not w.group(1)[:1].isupper():
            break
        end = w.end()
        words += 1
        partner = _PLACE_WORD.match(text, end)
        if not partner or not partner.group(1)[:1].islower():
            continue
        if not company:
            end = partner.end()  # a compound's second syllable: "Quản lý", "Công nghiệp"
            continue
        # inside a company name only ("Khoáng sản Bảo Thắng", "Xây dựng và Cơ giới …"),
        # never the verb after it ("Công ty TNHH Quang Đạt thực hiện")
        nxt = _PLACE_WORD.match(text, partner.end())
        if nxt and nxt.group(1) == "và":
            after = _PLACE_WORD.match(text, nxt.end())
            if after and after.group(1)[:1].isupper():
                end = nxt.end()
                continue
        if nxt and nxt.group(1)[:1].isupper():
            end = partner.end()
    if not words:
        return None
    surface = _tidy(text[pos:end])
    return UnitMention(pos, end, _capitalize(surface), _capitalize(surface),
                       "company" if company else "unit")


def company_name_end(text: str) -> int | None:
    """Where the name of a company or cooperative that opens ``text`` ends (a generic
    company head and capitalised words, outside the gazetteer: ``Công ty cổ phần Mông
    Sơn``, ``Hợp tác xã Nông nghiệp Tân Lập``, ``Ngân hàng Chính sách xã hội``), or None.

    Args:
        text: NFC text; the name must start at its first character.
    """
    ftext = fold_keep_length(text)
    if len(ftext) != len(text):  # defensive: never misplace offsets
        return None
    m = _generic_mention(text, ftext, 0, load_gazetteer())
    return m.end if m is not None and m.kind == "company" else None


_LIST_SEP = re.compile(r"\s*(?:,|;|\bva\b)\s*")


def _list_mentions(text: str, ftext: str, pos: int, g: Gazetteer) -> list[UnitMention]:
    """``các phòng: Tài chính – Kế hoạch, Văn hóa - Thông tin, Tư pháp`` at ``pos``."""
    lm = g.list_rx.match(ftext, pos)
    if not lm:
        return []
    head = g.heads[lm.group("head")]
    rx = g.short_rx[head]
    pos = lm.end()
    items: list[UnitMention] = []
    while True:
        m = rx.match(ftext, pos)
        if not m:
            break
        surface = _tidy(text[m.start():m.end()])
        canon = g.short_canonical[head].get(unit_key(surface), f"{head} {surface}")
        items.append(UnitMention(m.start(), m.end(), f"{head} {surface}", canon, "department"))
        sep = _LIST_SEP.match(ftext, m.end())
        if not sep:
            break
        pos = sep.end()
    return items


def find_unit_mentions(text: str) -> list[UnitMention]:
    """Every unit named in ``text`` (NFC), leftmost-longest, non-overlapping, in order.

    ``các phòng: A, B, C`` yields one mention per listed unit, with the head restored
    (``Phòng A`` …). A head's title just before a unit (``Trưởng phòng Nội vụ``) is
    kept in :attr:`UnitMention.title` and the mention starts at the title.

    Args:
        text: NFC text (:func:`~evidence.extract.normalize.clean_text`).

    Returns:
        The mentions, in text order.
    """
    if not text:
        return []
    g = load_gazetteer()
    ftext = fold_keep_length(text)
    if len(ftext) != len(text):  # defensive: never misplace offsets
        return []
    found: list[UnitMention] = []
    last_end = 0
    for cand in g.start_rx.finditer(ftext):
        if cand.start() < last_end:
            continue
        word = cand.group("w")
        if word == "cac":
            items = _list_mentions(text, ftext, cand.start(), g)
            if items:
                found.extend(items)
                last_end = items[-1].end
                continue
        rx = g.unit_rx.get(word)
        m = rx.match(ftext, cand.start()) if rx else None
        if not m:
            unknown = _generic_mention(text, ftext, cand.start(), g)
            if unknown is not None:
                found.append(unknown)
                last_end = unknown.end
            continue
        s, e = m.start(), m.end()
        idx = int((m.lastgroup or "n0")[1:])
        kind, canon_name, takes_level = g.entry_info[idx]
        name_end = e
        if takes_level:
            lp = g.level_place_rx.match(ftext, e)
            if lp and lp.group("level") and not lp.group("place") and not _level_as_written(
                    text[lp.start("level"):lp.end("level")], g):
                lp = None  # "quán triệt" folds like "quận": a level is matched with its accents
            if lp:
                e = lp.end()
                if lp.group("level") and not lp.group("place"):
                    e = _extend_place(text, e)
                if lp.group("level") and not lp.group("place") and e == lp.end():
                    e = _extend_levels(text, ftext, e, g)
        last_end = e
        surface = _tidy(text[s:e])
        suffix = _tidy(text[name_end:e])
        canon = f"{canon_name} {suffix}" if suffix else canon_name
        title = None
        s_out = s
        tm = g.title_rx.search(ftext, max(0, s - 40), s)
        if tm:
            title = _tidy(text[tm.start():s])
            s_out = tm.start()
        found.append(UnitMention(s_out, e, _capitalize(surface), canon, kind, title))
    found.sort(key=lambda u: u.start)
    return _join_parent_bodies(text, found)


def _extend_levels(text: str, ftext: str, end: int, g: Gazetteer) -> int:
    """The end of a body's list of levels (``xã, phường, đặc khu``, ``tỉnh, thành phố
    trực thuộc Trung ương``) that starts with the level ending at ``end``."""
    while g.more_levels_rx is not None:
        m = g.more_levels_rx.match(ftext, end)
        if not m or (m.group("level") and not _level_as_written(
                text[m.start("level"):m.end("level")], g)):
            return end
        end = m.end()
        if not m.group("level"):
            return end  # "trực thuộc Trung ương" closes the list
    return end


def _level_as_written(surface: str, g: Gazetteer) -> bool:
    """Whether a level word matched on folded text is that word with its accents."""
    words = canonical_tones(re.sub(r"\s+", " ", surface).lower()).split()
    if words[:1] == ["các"]:
        words = words[1:]
    if words[:1] == ["cấp"]:
        words = words[1:]
    return " ".join(words) in g.level_words or words[:1] == ["các"]


def _join_parent_bodies(text: str, found: list[UnitMention]) -> list[UnitMention]:
    """``Ban Tuyên giáo`` + ``Tỉnh ủy`` written next to each other is one unit (a board of
    the parent body)."""
    out: list[UnitMention] = []
    for m in found:
        prev = out[-1] if out else None
        if (prev is not None and m.kind == "body" and m.title is None
                and prev.kind in ("department", "unit")
                and not text[prev.end:m.start].strip()):
            out[-1] = UnitMention(prev.start, m.end, f"{prev.text} {m.text}",
                                  f"{prev.canonical} {m.canonical}", prev.kind, prev.title)
            continue
        out.append(m)
    return out


def find_units(text: str) -> list[tuple[int, int, str]]:
    """Units named in ``text`` as ``(start, end, canonical name)``, in order.

    See :func:`find_unit_mentions` for the rules; this is its compact form.
    """
    return [(m.start, m.end, m.canonical) for m in find_unit_mentions(text)]
