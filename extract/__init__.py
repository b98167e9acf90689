"""Text -> facts: pure functions over NFC text (no I/O, no store).

Public names are imported lazily (PEP 562): ``evidence search`` needs only
``extract.normalize`` and ``extract.symbols`` and must not pay for the whole extractor.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

_EXPORTS = {
    "SymbolParts": "symbols",
    "extract_facts": "document",
    "find_citations": "citations",
    "find_recipients": "recipients",
    "find_signer": "signer",
    "find_symbols": "symbols",
    "find_tasks": "tasks",
    "normalize_symbol": "symbols",
    "parse_header": "header",
    "parse_symbol": "symbols",
    "sentence_case": "header",
}

__all__ = [
    "SymbolParts",
    "extract_facts",
    "find_citations",
    "find_recipients",
    "find_signer",
    "find_symbols",
    "find_tasks",
    "normalize_symbol",
    "parse_header",
    "parse_symbol",
    "sentence_case",
]
assert sorted(_EXPORTS) == __all__

if TYPE_CHECKING:
    from .casing import sentence_case
    from .citations import find_citations
    from .document import extract_facts
    from .header import parse_header
    from .recipients import find_recipients
    from .signer import find_signer
    from .symbols import SymbolParts, find_symbols, normalize_symbol, parse_symbol
    from .tasks import find_tasks


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value
