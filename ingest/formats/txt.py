"""Plain text files -> pages of NFC text.

Decoding, in order:

1. a BOM decides: UTF-8 (``EF BB BF``) or UTF-16 (``FF FE``/``FE FF``, what Notepad's
   "Unicode" writes);
2. NUL bytes without a UTF-16 BOM, or many control bytes, are binary data:
   ``FileError(reason=BINARY_TEXT)``;
3. strict UTF-8;
4. otherwise an 8-bit file: Windows-1258 (with a warning ``decoded as cp1258``) unless
   reading the bytes as TCVN3 or VNI gives clearly more valid Vietnamese syllables;
5. then, for text that decoded fine, UTF-8 mojibake and TCVN3/VNI text pasted into a
   Unicode file are repaired on a clear signal (``legacy.fix_text_encoding``).

Form feeds (``\\f``, as ``pdftotext`` writes between pages) split pages; a file without
them is one page.
"""

from __future__ import annotations

import logging
import unicodedata
from pathlib import Path

from evidence.errors import EmptyFile, FailReason, FileError, TooLarge
from evidence.extract.normalize import clean_text
from evidence.ingest import legacy
from evidence.ingest.base import ParsedFile, ParseOptions
from evidence.model import Page

__all__ = ["MAX_TEXT_BYTES", "decode_text", "parse"]

log = logging.getLogger(__name__)

MAX_TEXT_BYTES = 64 * 1024 * 1024
# C0 controls that never appear in text (tab, LF, FF, CR and DOS EOF 0x1A are allowed)
_CONTROL_BYTES = bytes(b for b in range(32) if b not in (9, 10, 12, 13, 26))


def decode_text(data: bytes, *, subject: str | None = None) -> tuple[str, list[str]]:
    """Decode the bytes of a text file (see the module docstring for the order).

    Returns:
        ``(text, warnings)``; text is NFC but not yet ``clean_text``-ed.

    Raises:
        FileError: ``reason=BINARY_TEXT`` for NUL-filled or binary data.
    """
    warnings: list[str] = []
    if data.startswith(b"\xef\xbb\xbf"):
        text = data[3:].decode("utf-8", errors="replace")
        return _repair(text, warnings), warnings
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        codec = "utf-16-le" if data[0] == 0xFF else "utf-16-be"
        text = data[2:].decode(codec, errors="replace")
        warnings.append("decoded as UTF-16")
        return _repair(text, warnings), warnings
    if b"\x00" in data:
        raise FileError("binary data (NUL bytes) in a text file", subject=subject,
                        reason=FailReason.BINARY_TEXT)
    controls = len(data) - len(data.translate(None, _CONTROL_BYTES))
    if controls > max(8, len(data) // 100):
        raise FileError("binary data (control bytes) in a text file", subject=subject,
                        reason=FailReason.BINARY_TEXT)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        text, label = _decode_8bit(data)
        warnings.append(f"decoded as {label}")
        return text, warnings
    return _repair(text, warnings), warnings


def _decode_8bit(data: bytes) -> tuple[str, str]:
    """cp1258 unless TCVN3/VNI bytes read clearly better (more valid syllables)."""
    cp1258 = unicodedata.normalize("NFC", data.decode("cp1258", errors="replace"))
    latin = data.decode("latin-1")
    enc = legacy.detect_legacy(latin)
    if enc is not None:
        candidate = legacy.decode(latin, enc)
        if _syllables(candidate) > _syllables(cp1258):
            return candidate, f"{enc.upper()} (8-bit legacy encoding)"
    return cp1258, "cp1258"


def _syllables(text: str) -> int:
    return sum(1 for w in text.split() if legacy.is_vietnamese_syllable(w.strip(".,;:()\"'")))


def _repair(text: str, warnings: list[str]) -> str:
    fixed, what = legacy.fix_text_encoding(text)
    if what == "mojibake":
        warnings.append("UTF-8 text read as cp1252 (mojibake): repaired")
    elif what:
        warnings.append(f"{what.upper()} text in a Unicode file: converted to Unicode")
    return fixed


def parse(path: Path, options: ParseOptions) -> ParsedFile:
    """Parse a text file into pages (split on form feeds) of NFC text.

    Raises:
        EmptyFile: no bytes, or only whitespace.
        TooLarge: more than :data:`MAX_TEXT_BYTES`.
        FileError: ``reason=BINARY_TEXT`` for binary content.
    """
    path = Path(path)
    size = path.stat().st_size
    if size == 0:
        raise EmptyFile("empty file (0 bytes)", subject=str(path))
    if size > MAX_TEXT_BYTES:
        raise TooLarge(f"text file of {size // (1024 * 1024)} MB "
                       f"(limit {MAX_TEXT_BYTES // (1024 * 1024)} MB)", subject=str(path))
    text, warnings = decode_text(path.read_bytes(), subject=str(path))
    text = clean_text(text)
    if not text.strip():
        raise EmptyFile("text file holds only whitespace", subject=str(path))
    chunks = text.split("\f")
    while len(chunks) > 1 and not chunks[-1].strip():
        chunks.pop()
    pages = [Page(number=i, text=chunk) for i, chunk in enumerate(chunks, start=1)]
    if options.progress is not None:
        options.progress("page", len(pages))
    return ParsedFile(path=path, format="txt", pages=pages, warnings=warnings)
