"""What every format parser returns, and the options it receives.

A parser is a function ``parse(path: Path, options: ParseOptions) -> ParsedFile``. It reads
one file and returns its pages of NFC text (``extract.normalize.clean_text`` applied); it
never touches the store. Failures are raised as :class:`evidence.errors.FileError`
subclasses with a one-line reason.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Protocol

from evidence.ingest.cpu import CpuSlots
from evidence.model import Page, Word


class OcrMode(StrEnum):
    AUTO = "auto"  # OCR pages without a usable text layer (none, or garbage)
    ALWAYS = "always"
    NEVER = "never"


@dataclass(frozen=True)
class OcrResult:
    text: str
    confidence: float | None  # mean word confidence 0-100
    rotation: int = 0  # degrees the page was rotated to read it
    # the words placed in ``text`` (boxes as fractions of the image as read, i.e. after
    # ``rotation``); empty for engines that give no layout
    words: tuple[Word, ...] = ()
    # Tesseract's TSV and image size behind ``text``/``words`` (what the OCR cache keeps, so
    # a change of the reading-order rules needs no new OCR run); empty for other engines
    tsv: str = field(default="", compare=False, repr=False)
    size: tuple[int, int] = field(default=(0, 0), compare=False, repr=False)


class OcrEngine(Protocol):
    """Reads one page image. Injected so tests can use a fake (OCRmyPDF's tesseract_noop)."""

    def __call__(self, image_path: Path) -> OcrResult: ...


@dataclass
class ParseOptions:
    ocr: OcrMode = OcrMode.AUTO
    ocr_engine: OcrEngine | None = None  # None: the default Tesseract engine (ingest.ocr)
    dpi: int = 300
    timeout: float = 300.0  # seconds per file (the pipeline enforces it)
    max_pages: int = 2000
    progress: Callable[[str, int], None] | None = None  # ("page"/"ocr_page", count)
    # a worker's CPU slots: pages of one file may be OCR'd on an idle worker's CPU
    spare_cpu: CpuSlots | None = None


@dataclass
class ParsedFile:
    path: Path
    format: str  # pdf | docx | doc | image | txt | xlsx
    pages: list[Page]
    warnings: list[str] = field(default_factory=list)

    @property
    def ocr_pages(self) -> int:
        return sum(1 for p in self.pages if p.ocr)
