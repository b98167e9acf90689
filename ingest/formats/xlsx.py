"""XLSX annexes -> one page per worksheet of tab-separated rows.

openpyxl in ``read_only=True, data_only=True`` mode (cached formula results, streaming
rows), after the ZIP container passed :func:`ingest.sniff.check_zip`. Empty rows and
trailing empty cells are skipped; a sheet stops after :data:`MAX_ROWS` rows and a row
after :data:`MAX_COLUMNS` cells (with a warning). The stored sheet dimension is ignored
(``reset_dimensions``): files that claim ``A1:XFD1048576`` would otherwise make openpyxl
pad every row to 16,384 cells.

Values: integral floats print without ``.0``, percentages formatted as ``%`` print as
``62.5%``, dates as ISO ``2023-04-05``. String cells set in a ``.VnTime``/``VNI-*`` font
are converted by their font (``legacy.convert_run``); each sheet's remaining text then
goes through ``legacy.fix_text_encoding`` (legacy text in Unicode-named fonts) and
``clean_text``. Empty sheets are left out; a workbook with no cell text gives one
empty page and a warning.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
import warnings
import zipfile
import zlib
from pathlib import Path
from typing import Any

from evidence.errors import CorruptFile, EncryptedFile, FileError
from evidence.extract.normalize import clean_text
from evidence.ingest import legacy
from evidence.ingest.base import ParsedFile, ParseOptions
from evidence.ingest.sniff import check_zip
from evidence.model import Page

__all__ = ["MAX_COLUMNS", "MAX_ROWS", "format_value", "parse"]

log = logging.getLogger(__name__)

MAX_ROWS = 20_000
MAX_COLUMNS = 256
_MAX_SCANNED_ROWS = 200_000  # rows openpyxl yields, empty ones included
_HIGH_LATIN = re.compile("[\u00a1-\u00ff]")
# what openpyxl/zipfile/expat raise on damaged input (xml ParseError is a SyntaxError)
_BROKEN_INPUT = (zipfile.BadZipFile, zlib.error, KeyError, ValueError, OSError, EOFError,
                 SyntaxError, RuntimeError, NotImplementedError, AttributeError, TypeError,
                 IndexError)


def format_value(value: Any, number_format: str | None = None) -> str:
    """One cell value as text (see the module docstring)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0, 0):
            return value.date().isoformat()
        return value.isoformat(sep=" ", timespec="minutes")
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    if isinstance(value, (int, float)):
        if number_format and "%" in number_format:
            return f"{value * 100:.10g}%"
        if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return f"{value:.15g}" if isinstance(value, float) else str(value)
    return str(value)


def _cell_text(cell: Any, fonts: set[str]) -> str:
    value = getattr(cell, "value", None)
    if isinstance(value, str) and _HIGH_LATIN.search(value):
        # a string typed in a .VnTime/VNI-Times cell font holds legacy bytes
        font = getattr(getattr(cell, "font", None), "name", None)
        if font and legacy.font_encoding(font):
            converted = legacy.convert_run(value, font)
            if converted != value:
                fonts.add(font)
                value = converted
    fmt = getattr(cell, "number_format", None) if value is not None else None
    return format_value(value, fmt).replace("\t", " ").replace("\n", " ").strip()


def _sheet_lines(ws: Any, warnings: list[str]) -> list[str]:
    lines: list[str] = []
    scanned = 0
    fonts: set[str] = set()
    for row in ws.iter_rows():
        scanned += 1
        if scanned > _MAX_SCANNED_ROWS or len(lines) >= MAX_ROWS:
            warnings.append(f"sheet {ws.title!r}: stopped after {len(lines)} rows")
            break
        cells = [_cell_text(cell, fonts) for cell in row[:MAX_COLUMNS]]
        while cells and not cells[-1]:
            cells.pop()
        if cells:
            lines.append("\t".join(cells))
    if fonts:
        warnings.append(f"sheet {ws.title!r}: legacy-font cells converted to Unicode "
                        f"({', '.join(sorted(fonts))})")
    return lines


def parse(path: Path, options: ParseOptions) -> ParsedFile:
    """Parse an XLSX workbook: one page per non-empty worksheet.

    Raises:
        TooLarge: ZIP bomb. EncryptedFile: password-protected workbook.
        CorruptFile: anything openpyxl cannot read.
    """
    import openpyxl
    from openpyxl.utils.exceptions import InvalidFileException

    path = Path(path)
    with path.open("rb") as fh:
        if fh.read(8).startswith(b"\xd0\xcf\x11\xe0"):
            raise EncryptedFile("password-protected Office file (or an .xls)",
                                subject=str(path))
    check_zip(path)
    with warnings.catch_warnings():
        # openpyxl warns about every extension it drops (data validation, slicers...):
        # noise for an officer, and the text is unaffected
        warnings.simplefilter("ignore")
        return _parse_workbook(path, options, openpyxl, InvalidFileException)


def _parse_workbook(path: Path, options: ParseOptions, openpyxl: Any,
                    invalid_file: type[Exception]) -> ParsedFile:
    messages: list[str] = []
    pages: list[Page] = []
    try:
        wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (invalid_file, *_BROKEN_INPUT) as exc:
        raise CorruptFile(f"corrupt XLSX: {_short(exc)}", subject=str(path)) from exc
    try:
        for ws in wb.worksheets:
            if hasattr(ws, "reset_dimensions"):
                ws.reset_dimensions()
            lines = _sheet_lines(ws, messages)
            if not lines:
                continue
            text, what = legacy.fix_text_encoding("\n".join(lines))
            if what:
                messages.append(f"sheet {ws.title!r}: {what.upper()} text converted to Unicode")
            pages.append(Page(number=len(pages) + 1, text=clean_text(text)))
    except FileError:
        raise
    except _BROKEN_INPUT as exc:
        log.debug("%s: unreadable XLSX", path, exc_info=True)
        raise CorruptFile(f"corrupt XLSX: {_short(exc)}", subject=str(path)) from exc
    finally:
        wb.close()
    if not pages:
        messages.append("no text in the workbook")
        pages.append(Page(number=1, text=""))
    if options.progress is not None:
        options.progress("page", len(pages))
    return ParsedFile(path=path, format="xlsx", pages=pages, warnings=messages)


def _short(exc: BaseException) -> str:
    return str(exc).splitlines()[0][:200] if str(exc) else type(exc).__name__
