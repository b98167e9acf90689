"""Exit codes, the exception hierarchy and per-file failure reasons.

Every error the library raises on purpose is an :class:`EvidenceError`; ``cli.py`` has the
one handler that turns it into ``error: <thing>: <reason>`` on stderr and the exit code of
the contract (0 ok, 1 needs attention, 2 bad usage or input).
"""

from __future__ import annotations

from enum import IntEnum, StrEnum


class ExitCode(IntEnum):
    OK = 0
    ATTENTION = 1
    USAGE = 2
    INTERRUPTED = 130


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
    """Base class: a problem the user can act on. ``str()`` is the one-line reason."""

    exit_code: ExitCode = ExitCode.USAGE
    reason: FailReason = FailReason.INTERNAL
    #: lines printed after the error line (e.g. the candidates of an ambiguous reference)
    details: list[str]

    def __init__(self, message: str, *, subject: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.subject = subject  # the file or thing the error is about
        self.details = []

    def one_line(self) -> str:
        head = f"{self.subject}: " if self.subject else ""
        return f"error: {head}{self.message}".replace("\n", " ")


class FileError(EvidenceError):
    """A single input file cannot be parsed; a batch records it and goes on."""

    exit_code = ExitCode.ATTENTION

    def __init__(self, message: str, *, subject: str | None = None,
                 reason: FailReason | None = None) -> None:
        super().__init__(message, subject=subject)
        if reason is not None:
            self.reason = reason


class EncryptedFile(FileError):
    reason = FailReason.ENCRYPTED


class CorruptFile(FileError):
    reason = FailReason.CORRUPT


class EmptyFile(FileError):
    reason = FailReason.EMPTY


class UnsupportedFormat(FileError):
    reason = FailReason.UNSUPPORTED


class TooLarge(FileError):
    reason = FailReason.TOO_LARGE


class OcrUnavailable(FileError):
    reason = FailReason.OCR_UNAVAILABLE


class ConverterMissing(FileError):
    reason = FailReason.CONVERTER_MISSING


class StoreError(EvidenceError):
    """The store (catalogue or index) cannot be used as asked."""

    exit_code = ExitCode.USAGE


class StoreBusy(StoreError):
    """Another process holds the index writer lock."""


class NotFound(EvidenceError):
    """A document reference (symbol, id, path) matches nothing in the store."""


class BadQuery(EvidenceError, ValueError):
    """A search query or filter that cannot be run (a filter date that is not a date).

    Also a ``ValueError``, which these filters raised before it existed."""


class BadCriteriaFile(EvidenceError):
    """A criteria catalogue that does not follow schema_version 1."""
