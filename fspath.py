"""File names that are not valid UTF-8 (folders copied from Windows, ZIPs made there).

On POSIX a file name is bytes. Python hands an undecodable byte to us as a lone surrogate
(``b"\\xff"`` -> ``"\\udcff"``, PEP 383), which SQLite and JSON cannot hold. Everything
above the walk — the catalogue, the JSON, the messages — uses the *escaped* text of a
path instead: each undecodable byte written ``\\xNN``, the rest unchanged. The mapping is
exact both ways (a literal backslash that would read as an escape is itself written
``\\x5c``), so :func:`os_path` gives back the very bytes on disk.

:func:`display_path` is a best-effort readable name: the components that are not UTF-8
decoded as Windows-1258 (Vietnamese Windows), the code page such names usually come from.
"""

from __future__ import annotations

import os
import re
import unicodedata

__all__ = ["display_path", "escape_path", "is_escaped", "os_path"]

_SURROGATE = re.compile("[\udc80-\udcff]")
_ESCAPE_LIKE = re.compile(r"\\(?=x[0-9a-fA-F]{2})")
_ESCAPE = re.compile(r"\\x([0-9a-fA-F]{2})")


def escape_path(path: str | os.PathLike[str]) -> str:
    """The text form of a path: valid Unicode, undecodable bytes as ``\\xNN``.

    A path that decoded cleanly and holds no ``\\xNN``-like sequence is returned as is.
    """
    text = os.fspath(path)
    if not _SURROGATE.search(text) and "\\x" not in text:
        return text
    text = _ESCAPE_LIKE.sub(r"\\x5c", text)
    return _SURROGATE.sub(lambda m: f"\\x{ord(m.group(0)) - 0xDC00:02x}", text)


def os_path(text: str) -> str:
    """The inverse of :func:`escape_path`: the path as the OS knows it."""
    if "\\x" not in text:
        return text
    return _ESCAPE.sub(lambda m: _unescape_byte(int(m.group(1), 16)), text)


def _unescape_byte(b: int) -> str:
    # bytes below 0x80 are plain characters (only "\x5c" is written that way)
    return chr(b) if b < 0x80 else chr(0xDC00 + b)


def is_escaped(text: str) -> bool:
    """Whether the path held bytes that are not UTF-8 (or an escaped backslash)."""
    return bool(_ESCAPE.search(text))


def display_path(text: str) -> str:
    """A readable rendering of an escaped path: each component that is not UTF-8 is
    decoded as Windows-1258 (NFC), the others kept."""
    if not is_escaped(text):
        return text
    parts = []
    for part in os_path(text).split(os.sep):
        raw = os.fsencode(part)
        try:
            parts.append(raw.decode("utf-8"))
        except UnicodeDecodeError:
            parts.append(unicodedata.normalize("NFC", raw.decode("cp1258", errors="replace")))
    return os.sep.join(parts)
