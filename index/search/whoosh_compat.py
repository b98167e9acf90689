"""The Whoosh internals the Whoosh engine relies on, checked once at import.

``index/search/whoosh_eval.py`` (posting sets with block-level random access) and
``index/search/whoosh_merge.py`` (streamed segment merges), and the writer codec of
``index/search/whoosh_engine.py``, use private names of whoosh-reloaded 2.7 (its block matcher,
its deletion filter, its segment writer). :data:`INTERNALS` is true when the installed
Whoosh is a version they were written against *and* every one of those names is there;
otherwise a warning is logged and the engine falls back to Whoosh's public API: postings
read posting by posting through stock matchers, Whoosh's own writer and merges. Slower,
never a crash, same results.
"""

from __future__ import annotations

import logging

import whoosh
from whoosh.codec.whoosh3 import W3LeafMatcher, W3PerDocReader
from whoosh.matching.wrappers import FilterMatcher
from whoosh.writing import SegmentWriter

__all__ = ["INTERNALS", "MISSING", "SUPPORTED"]

log = logging.getLogger(__name__)

#: (major, minor) versions of whoosh-reloaded whose internals were checked
SUPPORTED = ((2, 7),)

#: private names used, by class
USED: dict[type, tuple[str, ...]] = {
    W3LeafMatcher: ("_goto", "_read_data", "_read_ids", "_read_weights", "_read_values",
                    "_next_block"),
    SegmentWriter: ("_check_state", "_process_posts", "_close_segment", "_flush_segment",
                    "write_per_doc"),
    W3PerDocReader: ("_cached_reader",),
    FilterMatcher: ("__init__",),
}


def _missing() -> list[str]:
    out = [f"{cls.__name__}.{name}" for cls, names in USED.items() for name in names
           if not hasattr(cls, name)]
    # instance attributes set by the constructors
    init = FilterMatcher.__init__.__code__.co_names
    out += [f"FilterMatcher.{n}" for n in ("_exclude", "_ids") if n not in init]
    return out


MISSING = _missing()
_VERSION = tuple(whoosh.__version__[:2])
INTERNALS = _VERSION in SUPPORTED and not MISSING
if not INTERNALS:  # pragma: no cover - depends on the installed Whoosh
    log.warning("whoosh %s is not a version the fast search paths were written for%s: "
                "using Whoosh's public API (slower)", whoosh.versionstring(),
                f" (missing {', '.join(MISSING)})" if MISSING else "")
