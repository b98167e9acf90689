"""Vietnamese date grammar (``../shared/spec/vn-format.md`` §4).

Header lines ``<Place>, ngày <d> tháng <m> năm <yyyy>`` (blank day or month give a partial
ISO date) and body dates ``17/01/2023``, ``03/8/2023``, ``01-10-1997``, ``31 / 01 / 2023``,
``ngày 5 tháng 3 năm 2023``. Impossible dates give ``None``; the raw text is kept.

It is also the one grammar of the dates users type (``--from``, ``--to``, ``--due-before``,
...): :func:`parse_user_date` takes ``31/01/2023``, ``3/8/2023``, ``31-01-2023``,
``31.01.2023``, ISO ``2023-01-31`` and, where the option allows a partial date,
``01/2023``, ``2023-01``, ``2023`` (and the long forms ``ngày 31 tháng 01 năm 2023``,
``tháng 01/2023``); an impossible date (``31/02/2023``) is refused with the reason
(:class:`UserDateError`, shown in Vietnamese by the message catalogue).
"""

from __future__ import annotations

import calendar
import re
import unicodedata
from dataclasses import dataclass
from datetime import date as _date

__all__ = [
    "DateMatch",
    "UserDateError",
    "adoption_date",
    "damaged_date_line",
    "find_dates",
    "iso_date",
    "parse_date",
    "parse_month",
    "parse_place_date",
    "parse_user_date",
    "vn_date",
]

# blank placeholders printed for a day or month not yet filled in
_BLANK = r"(?:[.…_\s]*)"
_D = r"(?P<d>\d{1,2})"
_M = r"(?P<m>\d{1,2})"
_Y = r"(?P<y>(?:19|20)\d\d)"

# "ngày 05 tháng 02 năm 2024", "ngày  tháng 10 năm 2023", "ngày … tháng … năm 2023"
_LONG = re.compile(
    r"ngày\s*(?P<d>\d{1,2})?" + _BLANK + r"\s*tháng\s*(?P<m>\d{1,2})?" + _BLANK
    + r"\s*năm\s*" + _Y,
    re.IGNORECASE,
)
# "17/01/2023", "03/8/2023", "01-10-1997", "31 / 01 / 2023", "…/…/2023", "17.01.2023"
_SHORT = re.compile(
    r"(?<![\d/.-])(?:(?P<d>\d{1,2})|[.…_]+)\s*(?P<sep>[/.-])\s*(?:(?P<m>\d{1,2})|[.…_]+)\s*(?P=sep)\s*"
    + _Y + r"(?!\d)",
)
# "tháng 12/2023", "tháng 12 năm 2023" (a month, used for deadlines)
_MONTH = re.compile(r"tháng\s*(?P<m>\d{1,2})\s*(?:/|năm)\s*" + _Y, re.IGNORECASE)


# a place-date line OCR damaged past reading ("Lam Đóng, ngả)  tháng 7 năm 2(025"): a place,
# its comma, a "ngày" however damaged, then "tháng" and "năm" close together
_DAMAGED_LINE = re.compile(
    r"^[^\W\d][^,\n]{0,30},\s*ng\S{0,3}\s[^\n]{0,10}\btháng\b[^\n]{0,12}\bn[ăa]m\b",
    re.IGNORECASE)


def damaged_date_line(line: str) -> bool:
    """Whether ``line`` is a place-date line whose day, month or year OCR could not read
    (no whole date in it), the line the issuer's date stands on."""
    line = line.strip()
    return bool(_DAMAGED_LINE.match(line)) and not any(
        d.precision == "day" for d in find_dates(line))


@dataclass(frozen=True)
class DateMatch:
    iso: str | None  # "2023-01-17", "2023-10", "2023"; None when impossible
    precision: str  # day | month | year
    start: int
    end: int
    raw: str


def iso_date(year: int, month: int | None = None, day: int | None = None) -> str | None:
    """ISO text for a possibly partial date; ``None`` when the parts are impossible."""
    if not 1900 <= year <= 2100:
        return None
    if month is None:
        return f"{year:04d}"
    if not 1 <= month <= 12:
        return None
    if day is None:
        return f"{year:04d}-{month:02d}"
    try:
        return _date(year, month, day).isoformat()
    except ValueError:
        return None


def _from_groups(m: re.Match[str]) -> tuple[str | None, str]:
    y = int(m.group("y"))
    mo = int(m.group("m")) if m.group("m") else None
    d = int(m.group("d")) if m.group("d") else None
    if mo is None:
        # a day without a month is not a usable date: keep the year only
        return iso_date(y), "year"
    if d is None:
        return iso_date(y, mo), "month"
    return iso_date(y, mo, d), "day"


def find_dates(text: str) -> list[DateMatch]:
    """All explicit dates in ``text``, in order (long and short forms)."""
    found: list[DateMatch] = []
    taken: list[tuple[int, int]] = []
    for rx in (_LONG, _SHORT):
        for m in rx.finditer(text):
            if any(s < m.end() and m.start() < e for s, e in taken):
                continue
            iso, precision = _from_groups(m)
            found.append(DateMatch(iso, precision, m.start(), m.end(), m.group(0)))
            taken.append((m.start(), m.end()))
    found.sort(key=lambda dm: dm.start)
    return found


def parse_date(text: str) -> DateMatch | None:
    """The first date in ``text`` (``None`` when there is none)."""
    dates = find_dates(text)
    return dates[0] if dates else None


def parse_month(text: str) -> DateMatch | None:
    """``tháng 12/2023`` or ``tháng 12 năm 2023`` as a month-precision date."""
    m = _MONTH.search(text)
    if not m:
        return None
    iso = iso_date(int(m.group("y")), int(m.group("m")))
    return DateMatch(iso, "month", m.start(), m.end(), m.group(0))


_PLACE_DATE = re.compile(
    r"^\s*(?P<place>[^\d,\n]{2,60}?)\s*,\s*(?=ngày)", re.IGNORECASE | re.MULTILINE
)


def parse_place_date(line: str) -> tuple[str | None, DateMatch | None]:
    """Split a header line ``Đức Thọ, ngày 12 tháng 10 năm 2023`` into place and date.

    The place may hold dots (``TP. Hồ Chí Minh``); only the comma before ``ngày`` ends it.
    """
    m = _LONG.search(line)
    if not m:
        return None, None
    iso, precision = _from_groups(m)
    dm = DateMatch(iso, precision, m.start(), m.end(), m.group(0))
    head = line[: m.start()]
    pm = re.search(r"([^\n,]{2,60}?)\s*,\s*$", head)
    place = pm.group(1).strip(" \t*_") if pm else None
    return (place or None), dm


# "Luật này được Quốc hội nước Cộng hòa xã hội chủ nghĩa Việt Nam khóa XV, kỳ họp thứ 7
# thông qua ngày 29 tháng 6 năm 2024." (laws and resolutions of an elected body carry
# no header date: they are dated by their adoption)
_ADOPTION = re.compile(
    r"(?:Luật|Bộ\s+luật|Nghị\s+quyết|Pháp\s+lệnh|Hiến\s+pháp)\s+này\s+(?:đã\s+)?được\s+"
    r"(?P<body>Quốc\s+hội|Ủy\s+ban\s+[Tt]hường\s+vụ\s+Quốc\s+hội|Uỷ\s+ban\s+[Tt]hường\s+vụ\s+Quốc\s+hội"
    r"|Hội\s+đồng\s+nhân\s+dân|Chính\s+phủ)"
    r"[^.;]{0,200}?thông\s+qua\s+(?P<date>ngày\s*\d{1,2}\s*tháng\s*\d{1,2}\s*năm\s*(?:19|20)\d\d)",
    re.IGNORECASE,
)


def adoption_date(text: str) -> DateMatch | None:
    """The date of the adoption sentence of a law or resolution (the last one in the text,
    since an attached text may quote another), with offsets in ``text``; ``None`` when the
    text has none or its date is impossible."""
    found = None
    for m in _ADOPTION.finditer(text, max(0, len(text) - 20000)):
        found = m
    if found is None:
        return None
    dm = _LONG.search(found.group("date"))
    if dm is None:
        return None
    iso, precision = _from_groups(dm)
    if iso is None or precision != "day":
        return None
    return DateMatch(iso, precision, found.start("date"), found.end("date"), found.group("date"))


# ---- dates typed by users ------------------------------------------------------------------

# "2023-01-31", "2023-1-5", "2023-01", "2023"
_USER_ISO = re.compile(r"(?P<y>\d{4})(?:-(?P<m>\d{1,2})(?:-(?P<d>\d{1,2}))?)?")
# "31/01/2023", "3/8/2023", "31-01-2023", "31.01.2023", "01/2023"
_USER_DMY = re.compile(
    r"(?:(?P<d>\d{1,2})\s*(?P<sep>[/.-])\s*)?(?P<m>\d{1,2})\s*(?(sep)(?P=sep)|[/.-])\s*(?P<y>\d{4})")
_USER_FORMS = "31/01/2023, 2023-01-31"
_USER_PARTIAL_FORMS = "31/01/2023, 2023-01-31, 01/2023, 2023-01, 2023"


class UserDateError(ValueError):
    """A date typed by a user that is not a date. ``str()`` is the library's English
    message (``not a date: …``, ``not a whole date: …``, ``date impossible: …``); the CLI
    shows it in Vietnamese through the message catalogue (``messages.py``)."""


def parse_user_date(text: str, *, partial: bool = True) -> DateMatch:
    """A date as users type it (see the module docstring), checked against the calendar.

    Args:
        text: what was typed.
        partial: also accept a month (``01/2023``, ``2023-01``) or a year (``2023``).

    Returns:
        The date; ``iso`` is ``2023-01-31``, ``2023-01`` or ``2023`` (precision day, month,
        year).

    Raises:
        UserDateError: not one of the forms, an impossible date (``31/02/2023``,
            ``2023-13``), or a partial date where ``partial`` is false.
    """
    t = " ".join(unicodedata.normalize("NFC", str(text)).split())
    m = (_USER_ISO.fullmatch(t) or _USER_DMY.fullmatch(t) or _LONG.fullmatch(t)
         or _MONTH.fullmatch(t))
    forms = _USER_PARTIAL_FORMS if partial else _USER_FORMS
    if m is None:
        raise UserDateError(f"not a date: {t!r} (use {forms})")
    parts = m.groupdict()
    y = int(parts["y"])
    mo = int(parts["m"]) if parts["m"] else None
    d = int(parts["d"]) if parts.get("d") else None
    if (mo is None or d is None) and not partial:
        raise UserDateError(f"not a whole date: {t!r} (use {forms})")
    iso = iso_date(y, mo, d)
    if iso is None:
        raise UserDateError(f"date impossible: {t!r} ({_why(y, mo)})")
    precision = ("year", "month", "day")[iso.count("-")]
    return DateMatch(iso, precision, 0, len(t), t)


def _why(year: int, month: int | None) -> str:
    if not 1900 <= year <= 2100:
        return "years run from 1900 to 2100"
    if month is None or not 1 <= month <= 12:
        return "months run from 1 to 12"
    return f"month {month}/{year} has {calendar.monthrange(year, month)[1]} days"


def vn_date(iso: str | None) -> str | None:
    """An ISO (possibly partial) date as an officer writes it: ``2023-03-02`` ->
    ``02/03/2023``, ``2023-03`` -> ``03/2023``, ``2023`` -> ``2023``; None for none."""
    if not iso:
        return None
    return "/".join(reversed(str(iso).split("-")))
