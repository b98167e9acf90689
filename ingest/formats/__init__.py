"""Format dispatch: sniff a file's real format, then call that format's parser.

The parser modules (``evidence.ingest.formats.pdf``, ``image``, ``docx``, ``doc``, ``xlsx``,
``txt``) are imported on first use, one per format, so reading a ``.txt`` never imports
pdfplumber and a worker process only loads what its files need.
"""

from __future__ import annotations

import importlib
import logging
from pathlib import Path

from evidence.errors import UnsupportedFormat
from evidence.extract.normalize import clean_text
from evidence.ingest.base import ParsedFile, ParseOptions

__all__ = ["FORMATS", "parse_file"]

log = logging.getLogger(__name__)

#: real formats (as :func:`evidence.ingest.sniff.sniff` names them) and their parser modules
FORMATS: dict[str, str] = {
    "pdf": "evidence.ingest.formats.pdf",
    "image": "evidence.ingest.formats.image",
    "docx": "evidence.ingest.formats.docx",
    "doc": "evidence.ingest.formats.doc",
    "xlsx": "evidence.ingest.formats.xlsx",
    "txt": "evidence.ingest.formats.txt",
}


def parse_file(path: Path, options: ParseOptions | None = None) -> ParsedFile:
    """Read one file into pages of NFC text, whatever its format.

    Args:
        path: the file.
        options: OCR mode and engine, limits; defaults when None.

    Returns:
        The parsed file; every page's text has been through
        :func:`~evidence.extract.normalize.clean_text` (parsers already do this; applying
        it again is idempotent and guarantees the store never holds NFD text).

    Raises:
        FileError: a subclass naming why the file cannot be read (unsupported, empty,
            encrypted, corrupt, too large, wrong extension, ...).
    """
    from evidence.ingest.sniff import detect

    options = options or ParseOptions()
    sniffed = detect(path)
    fmt = sniffed.format
    module_name = FORMATS.get(fmt)
    if module_name is None:
        raise UnsupportedFormat(f"unsupported format {fmt!r}", subject=str(path))
    parser = importlib.import_module(module_name)
    log.debug("%s: parsing as %s", path, fmt)
    parsed: ParsedFile = parser.parse(path, options)
    for page in parsed.pages:
        page.text = clean_text(page.text)
    if sniffed.warning and sniffed.warning not in parsed.warnings:
        parsed.warnings.append(sniffed.warning)  # "named .docx but is a PDF; read as PDF"
    return parsed
