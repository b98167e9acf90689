"""The one abbreviation vocabulary: ``extract/data/abbreviations.yaml``.

Every table of abbreviations in the program is a view of that file for one use
(:data:`USES`): the header's sentence case (:data:`evidence.extract.doctypes.ABBREVIATIONS`),
the words of unit names (:mod:`evidence.extract.gazetteer`), and the folded words the check
compares (:data:`evidence.check.text.ABBREVIATIONS`). Add an abbreviation to the file, with
the uses it serves; never write a table in Python.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import yaml
from evidence.extract.normalize import fold

__all__ = ["USES", "VOCABULARY_FILE", "expansions", "folded_expansions"]

VOCABULARY_FILE = Path(__file__).parent / "data" / "abbreviations.yaml"
#: where an abbreviation is expanded (the file's header says what each means)
USES = frozenset({"header", "unit", "unit_name", "criteria"})


@cache
def _entries() -> tuple[tuple[str, str, frozenset[str]], ...]:
    """(short, long, uses) in file order.

    Raises:
        ValueError: an entry without its long form or with a use not in :data:`USES`
            (a packaging error: the file ships with the program).
    """
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    data = yaml.load(VOCABULARY_FILE.read_text(encoding="utf-8"), Loader=loader) or {}
    out = []
    for short, entry in (data.get("abbreviations") or {}).items():
        long, uses = (entry or {}).get("long"), frozenset((entry or {}).get("uses") or ())
        if not long or not uses or not uses <= USES:
            raise ValueError(f"{VOCABULARY_FILE.name}: {short}: needs `long` and `uses` "
                             f"among {sorted(USES)}")
        out.append((str(short), str(long), uses))
    return tuple(out)


def expansions(use: str) -> dict[str, str]:
    """Abbreviation -> expansion, as printed, for one use, in the file's order.

    Raises:
        ValueError: ``use`` is not one of :data:`USES`.
    """
    if use not in USES:
        raise ValueError(f"unknown abbreviation use {use!r}")
    return {short: long for short, long, uses in _entries() if use in uses}


def folded_expansions(use: str) -> dict[str, str]:
    """Like :func:`expansions`, both sides folded (no tone marks, ``đ`` -> ``d``, lower
    case): ``cchc`` -> ``cai cach hanh chinh``."""
    return {fold(short): fold(long) for short, long in expansions(use).items()}
