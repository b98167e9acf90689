"""The title block of a document: what it IS, as printed (pure, no I/O).

The title block is the type line (``KẾ HOẠCH``, ``BÁO CÁO``…) or the ``V/v`` line of a
công văn, followed by every line of the trích yếu, kept as printed (joined with ``\\n``),
so a criteria condition on what a document is does not depend on how the subject was
joined, and the body — where a plan lists the other plans it asks for — never counts as
its title.

There is one reader of the trích yếu: :func:`evidence.extract.header.parse_header` (its
``_subject_after`` step) reads ``subject`` and the lines of the title block in the same
pass (``HeaderFacts.title_lines``); this module only renders them.
"""

from __future__ import annotations

from .header import HeaderFacts, parse_header

__all__ = ["title_block", "title_block_of"]


def title_block(text: str) -> str | None:
    """The type line (or V/v line) and the trích yếu lines below it, as printed.

    Args:
        text: the document's text (all pages joined, or the first page), NFC.

    Returns:
        The lines joined with ``\\n`` (spaces inside a line normalised), or ``None`` when
        the header shows neither a type line with a trích yếu nor a ``V/v`` line.
    """
    return title_block_of(parse_header(text))


def title_block_of(hf: HeaderFacts) -> str | None:
    """The title block of an already parsed header (see :func:`title_block`)."""
    return "\n".join(hf.title_lines) if hf.title_lines else None
