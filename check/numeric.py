"""Figures stated in documents: ``tỷ lệ hồ sơ trực tuyến đạt 62,5%`` -> 62.5 %.

Vietnamese writes the decimal comma and the thousands dot (``1.234,5``); OCR and
English-style drafts use ``62.5``. :func:`parse_number` reads both. :func:`find_metric_value`
finds the figure whose nearby words best match a metric's words (accent-insensitive,
abbreviations such as ``TTHC`` expanded) and returns the line that states it, so the report
can quote it.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from evidence.check.text import word_tokens
from evidence.extract.normalize import fold_keep_length

__all__ = ["FigureIndex", "FigureMatch", "compare", "find_figures", "find_metric_value", "format_number", "parse_number"]

# a number: 1.234,5 | 1,234.5 | 62,5 | 62.5 | 100
# a run of digits with inner dots/commas (parse_number decides what it means); a number
# glued to "/" (a symbol, a date) or preceded by "." or "," is not a figure
_NUM = r"(?<![\d.,/])(?P<num>\d(?:[\d.,]*\d)?)(?![\d/])"
_PERCENT = re.compile(_NUM + r"\s*(?P<unit>%|phần\s*trăm|phan\s*tram)", re.IGNORECASE)
_ANY = re.compile(_NUM)
# clause ends: ";", a sentence end, a blank line; single line breaks are soft wraps (PDF, OCR)
_BOUNDARY = re.compile(r"\n\s*\n|;|\.(?=\s)|:(?=\s*\n)")
# words that carry no meaning when matching a metric's name ("tỷ lệ ... của các ...")
_STOP = frozenset({"ty", "le", "cua", "va", "cac", "duoc", "cho", "tren", "trong", "voi",
                   "theo", "la", "dat", "the", "nhung", "mot", "tong"})
# words every administrative figure is surrounded by: they count a quarter, so that
# "tỷ lệ hồ sơ thanh toán trực tuyến" is not read from "tỷ lệ hồ sơ trực tuyến đạt 62,5%"
# while "tỷ lệ hồ sơ giải quyết đúng hạn" is read from "tỷ lệ giải quyết đúng hạn đạt 98,2%"
_GENERIC = frozenset({"ho", "so", "ket", "qua", "giai", "quyet", "thu", "tuc", "hanh", "chinh",
                      "van", "ban", "nhiem", "vu", "ke", "hoach", "co", "quan", "don", "vi",
                      "nam", "thuc", "hien", "cac", "tren", "cai", "cach"})
_GENERIC_WEIGHT = 0.25
_MIN_SCORE = 0.75  # weighted share of the metric's content words found next to the figure


@dataclass(frozen=True)
class FigureMatch:
    """A figure found in a text, with where it is and the line that states it."""

    value: float
    unit: str | None
    raw: str
    start: int
    end: int
    quote: str
    score: float = 1.0


def parse_number(text: str) -> float | None:
    """Read a number written the Vietnamese way (or the English way).

    ``62,5`` -> 62.5, ``1.234`` -> 1234, ``1.234,5`` -> 1234.5, ``62.5`` -> 62.5,
    ``1,234.5`` -> 1234.5. Returns None when ``text`` is not a number.
    """
    s = text.strip().replace(" ", "")
    if not s or not re.fullmatch(r"[\d.,]+", s) or not re.search(r"\d", s):
        return None
    if "," in s and "." in s:
        dec = "," if s.rfind(",") > s.rfind(".") else "."
        grp = "." if dec == "," else ","
        s = s.replace(grp, "").replace(dec, ".")
    elif "," in s:
        if s.count(",") > 1:
            s = s.replace(",", "")  # 1,234,567: only thousands separators repeat
        else:
            s = s.replace(",", ".")  # Vietnamese decimal comma
    elif "." in s:
        head, _, tail = s.partition(".")
        if s.count(".") > 1 or (len(tail) == 3 and head != "0"):
            s = s.replace(".", "")  # 1.234 / 1.234.567: thousands dots
    try:
        return float(s)
    except ValueError:
        return None


def format_number(value: float) -> str:
    """Vietnamese display: ``42.5`` -> ``42,5``, ``50.0`` -> ``50``."""
    if float(value).is_integer():
        return f"{int(value)}"
    return f"{value:.2f}".rstrip("0").rstrip(".").replace(".", ",")


def find_figures(text: str, unit: str | None = "%") -> list[FigureMatch]:
    """Every figure in ``text`` with ``unit`` (``%`` also matches ``phần trăm``;
    ``None`` = any number). NFC or NFD input; offsets refer to the NFC text."""
    nfc = unicodedata.normalize("NFC", text)
    rx = _unit_regex(unit)
    out = []
    for m in rx.finditer(nfc):
        val = parse_number(m.group("num"))
        if val is None:
            continue
        out.append(FigureMatch(val, unit, nfc[m.start():m.end()], m.start(), m.end(),
                               _line(nfc, m.start(), m.end())))
    return out


def find_metric_value(text: str, metric: str, unit: str | None = "%") -> FigureMatch | None:
    """The figure that states ``metric`` in ``text``, or None.

    Each figure with the unit is scored by the share of the metric's content words
    (``tỷ lệ``, ``của``... ignored; abbreviations expanded; words such as ``hồ sơ``,
    ``giải quyết`` that surround every figure count a quarter) found in its clause: the
    words before it back to the previous figure or clause end, and (weighted 0.8) the
    words after it. The best figure scoring at least 0.75 wins; ties go to the first.
    """
    return FigureIndex(text).find(metric, unit)


@dataclass(frozen=True)
class _Figure:
    value: float
    start: int
    end: int
    before: frozenset[str]
    after: frozenset[str]


class FigureIndex:
    """The figures of one text with the words around each, computed once per unit, so
    many metrics can be looked up in the same document cheaply."""

    def __init__(self, text: str) -> None:
        self.text = unicodedata.normalize("NFC", text)
        self._by_unit: dict[str | None, list[_Figure]] = {}

    def _figures(self, unit: str | None) -> list[_Figure]:
        figs = self._by_unit.get(unit)
        if figs is not None:
            return figs
        folded = self.text  # digits, "%" and clause marks are the same folded or not
        matches = [(m, v) for m in _unit_regex(unit).finditer(folded)
                   if (v := parse_number(m.group("num"))) is not None]
        figs = []
        for i, (m, val) in enumerate(matches):
            prev_end = matches[i - 1][0].end() if i else 0
            next_start = matches[i + 1][0].start() if i + 1 < len(matches) else len(folded)
            before = folded[max(prev_end, m.start() - 200):m.start()]
            cut = list(_BOUNDARY.finditer(before))
            if cut:
                before = before[cut[-1].end():]
            after = folded[m.end():min(next_start, m.end() + 100)]
            stop = _BOUNDARY.search(after)
            if stop:
                after = after[:stop.start()]
            figs.append(_Figure(val, m.start(), m.end(), _tokens(before), _tokens(after)))
        self._by_unit[unit] = figs
        return figs

    def find(self, metric: str, unit: str | None = "%") -> FigureMatch | None:
        """See :func:`find_metric_value`."""
        want = _content_tokens(metric)
        if not want:
            return None
        total = _weight(want)
        best: _Figure | None = None
        best_score = 0.0
        for f in self._figures(unit):
            score = max(_weight(want & f.before), 0.8 * _weight(want & f.after)) / total
            if score >= _MIN_SCORE and score > best_score:
                best, best_score = f, score
        if best is None:
            return None
        return FigureMatch(best.value, unit, self.text[best.start:best.end], best.start, best.end,
                           _line(self.text, best.start, best.end), best_score)


def compare(value: float, op: str, target: float | None) -> bool:
    """``value op target``; ``report`` only asks that the figure is stated."""
    if op == "report" or target is None:
        return True
    if op == ">=":
        return value >= target - 1e-9
    if op == "<=":
        return value <= target + 1e-9
    if op == ">":
        return value > target
    if op == "<":
        return value < target
    return abs(value - target) < 1e-9


@lru_cache(maxsize=64)
def _unit_regex(unit: str | None) -> re.Pattern[str]:
    """Numbers followed by the unit, on NFC text, case-insensitive, with or without accents."""
    if unit is None:
        return _ANY
    nfc = unicodedata.normalize("NFC", unit).strip()
    folded = fold_keep_length(nfc)
    if folded in ("%", "phan tram"):
        return _PERCENT
    alts = "|".join(re.escape(u) for u in dict.fromkeys((nfc, folded)))
    return re.compile(_NUM + r"\s*(?P<unit>" + alts + r")(?!\w)", re.IGNORECASE)


@lru_cache(maxsize=1024)
def _content_tokens(metric: str) -> frozenset[str]:
    return frozenset(t for t in word_tokens(metric) if t not in _STOP)


def _weight(tokens: frozenset[str]) -> float:
    return sum(_GENERIC_WEIGHT if t in _GENERIC else 1.0 for t in tokens)


def _tokens(window: str) -> frozenset[str]:
    return frozenset(word_tokens(window))


def _line(text: str, start: int, end: int) -> str:
    """The clause stating the figure: back to the previous ``;``, sentence end or blank
    line, on to the next one (at most ~200 characters each way), whitespace collapsed."""
    lo = max(0, start - 200)
    cuts = [m.end() for m in _BOUNDARY.finditer(text, lo, start)]
    if cuts:
        lo = cuts[-1]
    else:
        nl = text.rfind("\n", lo, start)
        lo = nl + 1 if lo > 0 and nl >= 0 else lo
    hi = min(len(text), end + 200)
    nxt = _BOUNDARY.search(text, end, hi)
    if nxt:
        hi = nxt.start() + (1 if text[nxt.start()] == "." else 0)
    return " ".join(text[lo:hi].split())
