"""What a file really is, from its bytes, and whether its ZIP container is safe to open.

:func:`sniff` returns one of ``pdf | docx | doc | xlsx | image | txt`` or raises a
:class:`~evidence.errors.FileError` with a one-line reason. The bytes decide; the
extension only decides how a mismatch is reported:

- a supported format under another known extension (a PDF named ``.docx``) is read as
  what it is, and :func:`detect` returns a warning for the document;
- plain text or unknown binary data under a binary extension (``.pdf``, ``.docx``,
  ``.xlsx``, images, ``.doc``) is ``FileError(reason=WRONG_EXTENSION)`` -- usually a
  failed download or an error page saved under the document's name;
- executables, media, other archives, ``.xls``/``.ppt`` and the like are
  :class:`~evidence.errors.UnsupportedFormat`; a 0-byte file is
  :class:`~evidence.errors.EmptyFile`.

RTF, and HTML or Word-2003 XML named ``.doc``/``.docx`` (what old e-office systems
export), are reported as ``doc``: LibreOffice converts them like a Word 97 file.

:func:`check_zip` inspects a ZIP central directory before python-docx or openpyxl opens
it: too many entries, too many bytes once expanded, or an extreme compression ratio is
:class:`~evidence.errors.TooLarge` ("zip bomb"). Python's ``zipfile`` never inflates an
entry beyond its declared size (it stops and fails the CRC check), so the declared sizes
are a safe upper bound.
"""

from __future__ import annotations

import logging
import mmap
import zipfile
from dataclasses import dataclass
from pathlib import Path

from evidence.errors import (
    CorruptFile,
    EmptyFile,
    EncryptedFile,
    FailReason,
    FileError,
    TooLarge,
    UnsupportedFormat,
)

__all__ = [
    "Sniffed",
    "ZipLimits",
    "check_zip",
    "detect",
    "extension_warning",
    "sniff",
]

log = logging.getLogger(__name__)

_EXT_FORMAT = {
    ".pdf": "pdf",
    ".docx": "docx", ".docm": "docx", ".dotx": "docx",
    ".doc": "doc", ".dot": "doc", ".rtf": "doc",
    ".xlsx": "xlsx", ".xlsm": "xlsx",
    ".txt": "txt", ".text": "txt", ".csv": "txt", ".tsv": "txt", ".md": "txt",
    ".jpg": "image", ".jpeg": "image", ".jpe": "image", ".png": "image", ".tif": "image",
    ".tiff": "image", ".gif": "image", ".bmp": "image", ".webp": "image", ".jp2": "image",
}
_FORMAT_LABEL = {"pdf": "PDF", "docx": "DOCX", "doc": "Word 97-2003/RTF document",
                 "xlsx": "XLSX workbook", "image": "image", "txt": "plain text"}
_TEXT_FORMATS = {"txt"}

_HEAD = 8192
_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


@dataclass(frozen=True)
class Sniffed:
    """The real format of a file and, when its extension says otherwise, a warning."""

    format: str
    warning: str | None = None
    detail: str | None = None  # e.g. "rtf", "html", "jpeg": the precise kind


def sniff(path: Path) -> str:
    """Return the real format of ``path`` (``pdf|docx|doc|xlsx|image|txt``).

    Raises:
        EmptyFile: the file has no bytes.
        UnsupportedFormat: a type the project does not read (executable, media, archive,
            ``.xls``, ``.pptx``, ...).
        EncryptedFile: a password-protected Office file (an OLE2 ``EncryptedPackage``).
        FileError: ``reason=WRONG_EXTENSION`` when a binary extension holds text or
            unknown bytes, ``reason=BINARY_TEXT`` for a ``.txt`` holding binary data,
            ``reason=TRUNCATED``/:class:`CorruptFile` for a broken ZIP container.
    """
    return detect(path).format


def detect(path: Path) -> Sniffed:
    """Like :func:`sniff`, also returning the extension-mismatch warning (if any).

    The warning is a one-line English/Vietnamese-neutral sentence for
    ``Document.warnings``, e.g. ``"named .docx but is a PDF; read as PDF"``.
    """
    path = Path(path)
    try:
        size = path.stat().st_size
        with path.open("rb") as fh:
            head = fh.read(_HEAD)
    except OSError as exc:
        raise FileError(f"cannot read file: {exc.strerror or exc}", subject=str(path),
                        reason=FailReason.CORRUPT) from exc
    if size == 0:
        raise EmptyFile("empty file (0 bytes)", subject=str(path))
    ext = path.suffix.lower()
    ext_format = _EXT_FORMAT.get(ext)
    fmt, detail = _from_bytes(path, head, ext, size)
    if fmt is None:
        return _unknown(path, head, ext, ext_format)
    if fmt in _TEXT_FORMATS and ext_format is not None and ext_format not in _TEXT_FORMATS:
        raise FileError(f"named {ext} but holds plain text, not a {_FORMAT_LABEL[ext_format]}",
                        subject=str(path), reason=FailReason.WRONG_EXTENSION)
    if fmt in _TEXT_FORMATS and ext and ext_format is None:
        # .json, .xml, .ini, .log, source code...: text, but not a document an officer files
        raise UnsupportedFormat(f"unsupported file type: {ext} (text data, not a document)",
                                subject=str(path))
    warning = extension_warning(path, fmt)
    return Sniffed(fmt, warning, detail)


def extension_warning(path: Path, fmt: str) -> str | None:
    """A warning when ``path``'s extension names another supported format than ``fmt``."""
    ext = Path(path).suffix.lower()
    ext_format = _EXT_FORMAT.get(ext)
    if ext_format is None or ext_format == fmt:
        return None
    return f"named {ext} but is a {_FORMAT_LABEL[fmt]}; read as {fmt}"


def _from_bytes(path: Path, head: bytes, ext: str, size: int) -> tuple[str | None, str | None]:
    """(format, detail) from magic bytes; ``None`` format when the bytes are not known."""
    if b"%PDF-" in head[:1024]:
        return "pdf", "pdf"
    if head.startswith((b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")):
        return _zip_kind(path, ext), "zip"
    if head.startswith(_OLE2):
        return _ole2_kind(path), "ole2"
    image = _image_kind(head)
    if image is not None:
        return "image", image
    other = _unsupported_kind(head)
    if other is not None:
        raise UnsupportedFormat(f"unsupported file type: {other}", subject=str(path))
    stripped = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if stripped.startswith(b"{\\rtf"):
        return "doc", "rtf"
    if ext in (".doc", ".docx", ".dot") and (
        stripped.startswith((b"<!doctype html", b"<html", b"<?xml"))
        or b"<html" in stripped[:2048]
    ):
        # e-office "Word" exports that are HTML or Word 2003 XML: LibreOffice reads them
        return "doc", "html" if b"html" in stripped[:2048] else "xml"
    if stripped.startswith((b"<!doctype html", b"<html")):
        known = _EXT_FORMAT.get(ext)
        if known is not None and known not in _TEXT_FORMATS:
            # an error page saved under the document's name: a failed download
            raise FileError(f"named {ext} but holds an HTML page, not a {_FORMAT_LABEL[known]}",
                            subject=str(path), reason=FailReason.WRONG_EXTENSION)
        raise UnsupportedFormat("unsupported file type: HTML page", subject=str(path))
    if head.startswith((b"\xff\xfe", b"\xfe\xff")) and _looks_like_text(
            head[2:].decode("utf-16-le" if head[0] == 0xFF else "utf-16-be", "ignore")
            .encode("utf-8")):
        return "txt", "utf-16"
    if _looks_like_text(head):
        return "txt", "text"
    return None, None


def _zip_kind(path: Path, ext: str) -> str:
    try:
        with zipfile.ZipFile(path) as zf:
            names = set(zf.namelist())
    except zipfile.BadZipFile as exc:
        if ext in (".docx", ".xlsx", ".docm", ".xlsm", ".dotx"):
            raise FileError(f"truncated or corrupt {ext[1:].upper()} (ZIP container: {exc})",
                            subject=str(path), reason=FailReason.TRUNCATED) from exc
        raise CorruptFile(f"corrupt ZIP archive: {exc}", subject=str(path)) from exc
    if "word/document.xml" in names or any(n.startswith("word/document") for n in names):
        return "docx"
    if "xl/workbook.xml" in names:
        return "xlsx"
    if "[Content_Types].xml" in names and ext in (".docx", ".docm", ".dotx", ".xlsx", ".xlsm"):
        part = "xl/workbook.xml" if ext.startswith(".xl") else "word/document.xml"
        raise CorruptFile(f"Office package without its main part ({part})", subject=str(path))
    if "ppt/presentation.xml" in names:
        kind = "PowerPoint presentation (.pptx)"
    elif "mimetype" in names and "content.xml" in names:
        kind = "OpenDocument file (.odt/.ods): save it as .docx or .xlsx"
    else:
        kind = "ZIP archive (unpack it and ingest the folder)"
    raise UnsupportedFormat(f"unsupported file type: {kind}", subject=str(path))


def _ole2_kind(path: Path) -> str:
    """Tell Word/Excel/PowerPoint/encrypted OOXML apart by their stream names (UTF-16LE)."""
    names = ("EncryptedPackage", "WordDocument", "Workbook", "Book", "PowerPoint Document")
    found: set[str] = set()
    with path.open("rb") as fh, mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ) as mm:
        # directory entries hold stream names in UTF-16LE; search the mapping, no copy
        for name in names:
            if mm.find(name.encode("utf-16-le")) >= 0:
                found.add(name)

    def has(name: str) -> bool:
        return name in found

    if has("EncryptedPackage"):
        raise EncryptedFile("password-protected Office file", subject=str(path))
    if has("WordDocument"):
        if _word97_encrypted(path):
            raise EncryptedFile("password-protected Word 97-2003 document", subject=str(path))
        return "doc"
    if has("Workbook") or has("Book"):
        kind = "Excel 97-2003 workbook (.xls): save it as .xlsx"
    elif has("PowerPoint Document"):
        kind = "PowerPoint 97-2003 presentation (.ppt)"
    else:
        kind = "OLE2 compound file of unknown kind"
    raise UnsupportedFormat(f"unsupported file type: {kind}", subject=str(path))


def _word97_encrypted(path: Path) -> bool:
    """The ``fEncrypted`` bit of a Word 97 FIB ([MS-DOC] 2.5.2), found through the OLE2
    directory entry of the ``WordDocument`` stream (the FIB is in its first sector, so
    the FAT chain need not be followed). False when the structure is not as expected:
    LibreOffice then reports the problem itself."""
    name = "WordDocument".encode("utf-16-le")
    with path.open("rb") as fh, mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ) as mm:
        if len(mm) < 512:
            return False
        sector = 1 << int.from_bytes(mm[30:32], "little")
        if sector not in (512, 4096):
            return False
        pos = mm.find(name)
        while pos >= 0:
            entry = mm[pos:pos + 128]
            if (len(entry) == 128 and int.from_bytes(entry[64:66], "little") == len(name) + 2
                    and entry[66] == 2):
                start = int.from_bytes(entry[116:120], "little")
                fib = (start + 1) * sector
                if start >= 0xFFFFFFFA or fib + 12 > len(mm):
                    return False
                if int.from_bytes(mm[fib:fib + 2], "little") != 0xA5EC:
                    return False
                return bool(int.from_bytes(mm[fib + 10:fib + 12], "little") & 0x0100)
            pos = mm.find(name, pos + 1)
    return False


def _image_kind(head: bytes) -> str | None:
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head.startswith((b"II*\x00", b"MM\x00*")):
        return "tiff"
    if head.startswith((b"GIF87a", b"GIF89a")):
        return "gif"
    if head.startswith(b"BM") and len(head) > 14 and head[6:10] == b"\x00\x00\x00\x00":
        return "bmp"
    if head.startswith(b"RIFF") and head[8:12] == b"WEBP":
        return "webp"
    if head.startswith(b"\x00\x00\x00\x0cjP  \r\n\x87\n"):
        return "jpeg2000"
    return None


def _unsupported_kind(head: bytes) -> str | None:
    if head.startswith(b"MZ"):
        return "Windows executable"
    if head.startswith(b"\x7fELF"):
        return "ELF executable"
    if head.startswith(b"#!"):
        return "script"
    if head[4:8] == b"ftyp":
        brand = head[8:12]
        if brand in (b"heic", b"heix", b"mif1", b"msf1", b"heim", b"heis"):
            return "HEIC photo (export it as JPEG)"
        return "video/audio (MP4/QuickTime)"
    if head.startswith(b"RIFF"):
        return {b"AVI ": "AVI video", b"WAVE": "WAV audio"}.get(head[8:12], "RIFF media")
    if head.startswith((b"ID3", b"\xff\xfb", b"\xff\xf3", b"OggS", b"fLaC", b"\x1aE\xdf\xa3")):
        return "audio/video"
    if head.startswith(b"\x1f\x8b"):
        return "gzip archive"
    if head.startswith(b"Rar!\x1a\x07"):
        return "RAR archive"
    if head.startswith(b"7z\xbc\xaf\x27\x1c"):
        return "7-Zip archive"
    if head.startswith(b"SQLite format 3\x00"):
        return "SQLite database"
    return None


def _looks_like_text(head: bytes) -> bool:
    """No NUL bytes, and either valid UTF-8 or mostly printable 8-bit text."""
    if b"\x00" in head:
        return False
    try:
        head.decode("utf-8")
        return True
    except UnicodeDecodeError as exc:
        if exc.start >= len(head) - 3:  # a character cut by the 8 KB window
            return True
    controls = sum(1 for b in head if b < 32 and b not in (9, 10, 12, 13))
    return controls <= len(head) * 0.01


def _unknown(path: Path, head: bytes, ext: str, ext_format: str | None) -> Sniffed:
    if ext_format in _TEXT_FORMATS:
        raise FileError("binary data (NUL or control bytes) in a text file", subject=str(path),
                        reason=FailReason.BINARY_TEXT)
    if ext_format is not None:
        raise FileError(f"named {ext} but the bytes are not a {_FORMAT_LABEL[ext_format]} "
                        "(unknown binary data)", subject=str(path),
                        reason=FailReason.WRONG_EXTENSION)
    raise UnsupportedFormat("unsupported file type: unrecognised binary data",
                            subject=str(path))


# ---------------------------------------------------------------------------------------
@dataclass(frozen=True)
class ZipLimits:
    """Caps applied to a ZIP container (DOCX/XLSX) before it is opened."""

    max_total: int = 200 * 1024 * 1024  # bytes once expanded, all entries
    max_entry_xml: int = 60 * 1024 * 1024  # one XML part (parsed into memory by lxml)
    max_ratio: float = 100.0  # expanded/compressed, for entries above ratio_floor
    ratio_floor: int = 10 * 1024 * 1024
    max_entries: int = 10_000


def check_zip(path: Path, limits: ZipLimits | None = None) -> None:
    """Refuse ZIP bombs and broken containers before a library inflates them.

    Raises:
        TooLarge: too many entries, too much expanded data, an extreme ratio, or one XML
            part too big to parse in bounded memory.
        EncryptedFile: ZIP-level encrypted entries.
        FileError: ``reason=TRUNCATED`` when the central directory is missing,
            :class:`CorruptFile` for other ZIP damage.
    """
    lim = limits or ZipLimits()
    try:
        with zipfile.ZipFile(path) as zf:
            infos = zf.infolist()
    except zipfile.BadZipFile as exc:
        raise FileError(f"truncated or corrupt ZIP container: {exc}", subject=str(path),
                        reason=FailReason.TRUNCATED) from exc
    except (OSError, ValueError) as exc:
        raise CorruptFile(f"corrupt ZIP container: {exc}", subject=str(path)) from exc
    if any(i.flag_bits & 0x1 for i in infos):
        raise EncryptedFile("encrypted ZIP entries (password-protected archive)",
                            subject=str(path))
    if len(infos) > lim.max_entries:
        raise TooLarge(f"zip bomb: {len(infos)} entries (limit {lim.max_entries})",
                       subject=str(path))
    total = sum(i.file_size for i in infos)
    if total > lim.max_total:
        raise TooLarge(f"zip bomb: expands to {total // (1024 * 1024)} MB "
                       f"(limit {lim.max_total // (1024 * 1024)} MB)", subject=str(path))
    for info in infos:
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > lim.ratio_floor and ratio > lim.max_ratio:
            raise TooLarge(f"zip bomb: {info.filename} expands to "
                           f"{info.file_size // (1024 * 1024)} MB ({ratio:.0f}x)",
                           subject=str(path))
        if info.filename.endswith((".xml", ".rels")) and info.file_size > lim.max_entry_xml:
            raise TooLarge(f"too large: XML part {info.filename} expands to "
                           f"{info.file_size // (1024 * 1024)} MB "
                           f"(limit {lim.max_entry_xml // (1024 * 1024)} MB)", subject=str(path))
