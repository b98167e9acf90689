"""Exit codes, the exception hierarchy and per-file failure reasons.

Every error the library raises on purpose is an :class:`EvidenceError`; ``cli.py`` has the
one handler that turns it into ``error: <thing>: <reason>`` on stderr and the exit code of
the contract (0 ok, 1 needs attention, 2 bad usage or input, 130 interrupted).

Each error has a stable code (``docs/errors.md``): a file's :class:`FailReason`, else the
class's ``kind``. The message is the library's English text; the Vietnamese an officer reads
(the reason and the fix hint of each code) lives in the message catalogue, ``messages.py``
(``translate``, ``HINTS``).

A failure reason is set one way: the class names its default (``EncryptedFile.reason``) and
the constructor's ``reason=`` overrides it for one case (``FileError(..., reason=TIMEOUT)``).
"""

from __future__ import annotations

from enum import IntEnum, StrEnum
from typing import ClassVar


class ExitCode(IntEnum):
    """The exit codes of the command line (a stable interface, README "Exit codes")."""

    OK = 0
    ATTENTION = 1  # ran, but something needs attention (a file failed; check --strict)
    USAGE = 2  # bad usage or bad input stopped the command
    INTERRUPTED = 130  # Ctrl-C (128 + SIGINT); work done so far is kept


class FailReason(StrEnum):
    """Stable reason codes for files that could not be ingested (stored, listed by status)."""

    ENCRYPTED = "encrypted"
    CORRUPT = "corrupt"
    PERMISSION = "permission"  # the file or folder cannot be read (access denied)
    TRUNCATED = "truncated"
    EMPTY = "empty"
    WRONG_EXTENSION = "wrong_extension"
    UNSUPPORTED = "unsupported"
    TOO_LARGE = "too_large"  # zip bombs, decompression bombs, oversize files
    BINARY_TEXT = "binary_text"  # NUL-filled or non-text bytes in a .txt
    NO_TEXT = "no_text"  # nothing readable and OCR disabled or unavailable
    OCR_UNAVAILABLE = "ocr_unavailable"
    CONVERTER_MISSING = "converter_missing"  # e.g. LibreOffice for .doc
    TIMEOUT = "timeout"
    INTERNAL = "internal"


class EvidenceError(Exception):
    """Base class: a problem the user can act on. ``str()`` is the one-line reason.

    Args:
        message: the reason, one line (English; the catalogue shows it in Vietnamese).
        subject: the file or thing the error is about (the ``<thing>`` of the error line).
        reason: the failure reason, when not the class's default.
    """

    exit_code: ClassVar[ExitCode] = ExitCode.USAGE
    #: the stable code of an error that is not about one file (``docs/errors.md``)
    kind: ClassVar[str] = "error"
    reason: FailReason = FailReason.INTERNAL
    #: lines printed after the error line (e.g. the candidates of an ambiguous reference)
    details: list[str]

    def __init__(self, message: str, *, subject: str | None = None,
                 reason: FailReason | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.subject = subject
        self.details = []
        if reason is not None:
            self.reason = reason

    def one_line(self) -> str:
        """The library's own error line (English; the CLI prints the catalogue's Vietnamese)."""
        head = f"{self.subject}: " if self.subject else ""
        return f"error: {head}{self.message}".replace("\n", " ")

    @property
    def code(self) -> str:
        """The stable code: the failure reason of a file (or of the file an error is
        about), else the error's ``kind``."""
        if isinstance(self, FileError) or self.reason is not FailReason.INTERNAL:
            return str(self.reason)
        return self.kind


class FileError(EvidenceError):
    """A single input file cannot be parsed; a batch records it (with its reason) and goes on."""

    exit_code = ExitCode.ATTENTION


class EncryptedFile(FileError):
    """The file is password-protected (a PDF or an Office file with an open password)."""

    reason = FailReason.ENCRYPTED


class CorruptFile(FileError):
    """The file's content is damaged or is not the format it claims."""

    reason = FailReason.CORRUPT


class EmptyFile(FileError):
    """The file has no bytes, or no content at all."""

    reason = FailReason.EMPTY


class UnsupportedFormat(FileError):
    """A file type evidence does not read (not a document: data, media, archives...)."""

    reason = FailReason.UNSUPPORTED


class TooLarge(FileError):
    """Past a safety limit: a zip or decompression bomb, too many pages, an oversize file."""

    reason = FailReason.TOO_LARGE


class OcrUnavailable(FileError):
    """A page needs OCR but Tesseract or its Vietnamese data is not installed."""

    reason = FailReason.OCR_UNAVAILABLE


class ConverterMissing(FileError):
    """A legacy format needs a converter that is not installed (LibreOffice for ``.doc``)."""

    reason = FailReason.CONVERTER_MISSING


class UnreadableInput(EvidenceError):
    """The one file a command was given cannot be read: the command could not run (exit 2),
    unlike a file of a batch (exit 1). Keeps the file's failure ``reason``."""

    kind = "unreadable_input"


class StoreError(EvidenceError):
    """The store (catalogue or index) cannot be used as asked: none yet, damaged, newer,
    or an unknown search engine."""

    kind = "store"


class StoreBusy(StoreError):
    """Another process holds the index writer lock."""

    kind = "store_busy"


class NotFound(EvidenceError):
    """A document reference (symbol, id, path) matches nothing in the store."""

    kind = "not_found"


class Ambiguous(EvidenceError):
    """A document reference that matches several documents; ``details`` lists them (one
    line each: id prefix, symbol, date, issuer, subject, file)."""

    kind = "ambiguous"


class BadValue(EvidenceError):
    """A value an officer typed that does not fit its field (``fix --number l5``, an
    unknown requirement for ``link``, an export file that is not .xlsx/.csv)."""

    kind = "bad_value"


class NothingToDo(EvidenceError):
    """A command that would change nothing (``fix`` without a field, nothing to undo, no
    stale correction, no decision to forget)."""

    kind = "nothing_to_do"


class BadQuery(EvidenceError, ValueError):
    """A search query or filter that cannot be run (a filter date that is not a date).

    Also a ``ValueError``, which these filters raised before it existed."""

    kind = "bad_query"


class BadCriteriaFile(EvidenceError):
    """A criteria catalogue that does not follow its schema."""

    kind = "bad_criteria"
