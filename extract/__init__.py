"""Text -> facts: pure functions over NFC text (no I/O, no store)."""

from __future__ import annotations

from .citations import find_citations
from .document import extract_facts
from .header import parse_header, sentence_case
from .recipients import find_recipients
from .signer import find_signer
from .symbols import SymbolParts, find_symbols, normalize_symbol, parse_symbol

__all__ = [
    "SymbolParts",
    "extract_facts",
    "find_citations",
    "find_recipients",
    "find_signer",
    "find_symbols",
    "normalize_symbol",
    "parse_header",
    "parse_symbol",
    "sentence_case",
]
