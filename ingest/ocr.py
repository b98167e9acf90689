"""Tesseract OCR as a subprocess: one single-threaded ``tesseract -l vie`` per page.

Why a subprocess with ``OMP_THREAD_LIMIT=1``: measured here (Tesseract 5.3, 300 dpi pages),
the default OpenMP threads cost 8.1 s/page, one thread 3.6 s/page, and two single-threaded
processes 2.0 s/page each — parallelism belongs to the ingest workers, not to
Tesseract. One run writes only ``tsv``: word boxes, confidences and block/paragraph/line
ids, from which :mod:`evidence.ingest.layout` builds the text in reading order (header
columns and the signer block apart) and places every word in it.

Second readings: the header band (when the first pass's header lacks its number, date or
issuer) and the signer block (when its title lines stand without a name) are read again
on their own, and kept only when they give more (``docs/ingest-formats-pdf.md``).

Orientation: upside-down and 90° scans occur. Running every page with OSD (``--psm 1``)
costs 10-35% more on every page, so pages are read with ``--psm 3`` and only a page whose
mean confidence is low is checked: ``--psm 0`` (needs ``osd.traineddata``, Debian
``tesseract-ocr-osd``) on a half-size copy, or, without it, trial rotations of a half-size
copy; when a rotation reads better the page is read again rotated.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import shutil
import subprocess
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import replace
from functools import lru_cache
from pathlib import Path

from evidence.errors import FailReason, FileError, OcrUnavailable
from evidence.ingest.base import OcrResult
from evidence.ingest.layout import header_band, layout_text, merge_crops_tsv, parse_tsv
from evidence.model import Word
from PIL import Image

__all__ = [
    "APT_INSTALL",
    "OcrCache",
    "TesseractEngine",
    "default_engine",
    "from_tsv",
    "signer_band",
    "tesseract_languages",
]

log = logging.getLogger(__name__)

APT_INSTALL = "sudo apt-get install -y tesseract-ocr tesseract-ocr-vie tesseract-ocr-osd"
#: below this mean word confidence a page is checked for rotation
ROTATION_CHECK_BELOW = 60.0
_ROTATIONS = (180, 90, 270)
#: bump when the text built from the TSV changes: cached results are then read again
_LAYOUT_VERSION = "layout-1"
#: bump when the header pass (band, crops, settings) changes
_HEADER_VERSION = "h8"
#: bump when the signer pass (crop, settings) changes
_SIGNER_VERSION = "s2"
#: the signer crop reaches this many title-line heights under the block's last title line
#: (the space left for the signature and the seal, then the name)
SIGNER_REACH = 14
#: ... and left of the title lines by this share of their width (a name line with a rank
#: is wider than "KT. BỘ TRƯỞNG")
SIGNER_WIDEN = 0.6
#: a header that gives these needs no second reading
_FULL_HEADER = frozenset({"number", "date", "issuer"})
# a page whose first pass shows none of these, and no motto, has no header to read again
_ANY_HEADER = frozenset({"so_line", "date", "issuer"})
MOTTO_LINES = 15
_LOG_LEVELS = (
    (re.compile(r"^(Error|error|Failed|Cannot|Can't|Unable)"), logging.ERROR),
    (re.compile(r"^(Warning|Empty page|Detected \d+ diacritics|Too few characters)"),
     logging.DEBUG),
    (re.compile(r"^(Estimating resolution|Tesseract Open Source|Page \d+)"), logging.DEBUG),
)


@lru_cache(maxsize=4)
def tesseract_languages(binary: str = "tesseract") -> frozenset[str]:
    """Languages the installed Tesseract can read (``tesseract --list-langs``).

    Args:
        binary: the tesseract executable.

    Returns:
        The language codes; empty when the binary is missing or fails.
    """
    path = shutil.which(binary)
    if path is None:
        return frozenset()
    try:
        out = subprocess.run([path, "--list-langs"], capture_output=True, text=True,
                             timeout=30, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return frozenset()
    return frozenset(line.strip() for line in out.stdout.splitlines()[1:] if line.strip())


class OcrCache:
    """On-disk OCR results keyed by image sha256 and engine settings (one JSON per image).

    Re-ingesting a changed store or rebuilding after a crash does not pay for OCR twice.
    """

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def _path(self, key: str) -> Path:
        return self.folder / key[:2] / f"{key}.json"

    def get(self, key: str) -> OcrResult | None:
        """Return the cached result for ``key``, or None."""
        try:
            d = json.loads(self._path(key).read_text(encoding="utf-8"))
            rotation = int(d.get("rotation", 0))
            if d.get("tsv"):
                return from_tsv(d["tsv"], tuple(d["size"]), rotation)
            return OcrResult(text=d["text"], confidence=d["confidence"], rotation=rotation)
        except (OSError, ValueError, KeyError, IndexError, TypeError):
            return None

    def put(self, key: str, result: OcrResult) -> None:
        """Store ``result`` under ``key`` (atomic rename; errors only logged).

        A Tesseract result is kept as its TSV: the text is rebuilt from it on reading."""
        path = self._path(key)
        record = ({"tsv": result.tsv, "size": list(result.size), "rotation": result.rotation}
                  if result.tsv else
                  {"text": result.text, "confidence": result.confidence,
                   "rotation": result.rotation})
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_suffix(f".{os.getpid()}.tmp")
            tmp.write_text(json.dumps(record, ensure_ascii=False), encoding="utf-8")
            tmp.replace(path)
        except OSError as exc:
            log.warning("OCR cache not written (%s): %s", path, exc)


def from_tsv(tsv: str, size: tuple[int, int], rotation: int = 0) -> OcrResult:
    """An :class:`OcrResult` from Tesseract's TSV: text in reading order, placed words,
    mean word confidence.

    Args:
        tsv: the TSV output.
        size: the image's pixel size (used when the TSV has no page row).
        rotation: degrees the page was turned to be read.
    """
    rows, tsv_size = parse_tsv(tsv)
    size = tsv_size if tsv_size != (0, 0) else size
    text, words = layout_text(rows, size)
    mean = round(sum(w.conf for w in rows) / len(rows), 2) if rows else None
    return OcrResult(text, mean, rotation, tuple(words), tsv=tsv, size=size)


class TesseractEngine:
    """An :class:`~evidence.ingest.base.OcrEngine` running the ``tesseract`` binary.

    Args:
        lang: Tesseract language(s), ``vie`` by default.
        psm: page segmentation mode for reading (3: automatic, no OSD).
        timeout: seconds for one Tesseract run; a timeout raises :class:`FileError`
            with reason ``timeout``.
        detect_orientation: check low-confidence pages for 90°/180°/270° rotation.
        header_pass: read the header band of a page again, column by column, when the
            first pass's header lacks its number, date or issuer (a second Tesseract run
            on the crops only).
        signer_pass: read the signer block of a page again, on its own, when the first
            pass found its title lines but no name it could trust (a name under a seal or
            a signature stroke that the page's segmentation lost).
        binary: the executable (``tesseract`` on PATH).
        cache: optional :class:`OcrCache`.

    Raises:
        OcrUnavailable: the binary or the language data is missing (message has the apt line).
    """

    def __init__(self, lang: str = "vie", *, psm: int = 3, timeout: float = 180.0,
                 detect_orientation: bool = True, binary: str = "tesseract",
                 cache: OcrCache | None = None, header_pass: bool = True,
                 signer_pass: bool = True) -> None:
        path = shutil.which(binary)
        if path is None:
            raise OcrUnavailable(f"tesseract is not installed; install it with: {APT_INSTALL}")
        langs = tesseract_languages(binary)
        missing = [x for x in lang.split("+") if x not in langs]
        if missing:
            raise OcrUnavailable(
                f"tesseract has no {'+'.join(missing)} language data; install it with: "
                f"{APT_INSTALL}")
        self.binary = path
        self.lang = lang
        self.psm = psm
        self.timeout = timeout
        self.detect_orientation = detect_orientation
        self.has_osd = "osd" in langs
        self.cache = cache
        self.header_pass = header_pass
        self.signer_pass = signer_pass

    def __repr__(self) -> str:
        return f"TesseractEngine(lang={self.lang!r}, psm={self.psm})"

    # -- public -------------------------------------------------------------------------

    def __call__(self, image_path: Path) -> OcrResult:
        """OCR one page image (any format Leptonica reads: PNG, PGM, TIFF, JPEG).

        Args:
            image_path: the page image.

        Returns:
            NFC text, mean word confidence (0-100, None when no word was read) and the
            rotation (degrees clockwise) applied to read the page.
        """
        key = None
        result = None
        if self.cache is not None:
            key = self._cache_key(image_path)
            result = self.cache.get(key)
        if result is None:
            result = self._ocr(image_path)
            if self.cache is not None and key is not None:
                self.cache.put(key, result)
        if self.header_pass:
            result = self._header_pass(image_path, result, key)
        if self.signer_pass:
            result = self._signer_pass(image_path, result, key)
        return result

    # -- internals ----------------------------------------------------------------------

    def _cache_key(self, image_path: Path) -> str:
        h = hashlib.sha256(
            f"{self.lang}:{self.psm}:{self.detect_orientation}:{_LAYOUT_VERSION};".encode())
        with image_path.open("rb") as fh:
            for block in iter(lambda: fh.read(1 << 20), b""):
                h.update(block)
        return h.hexdigest()

    def _header_pass(self, image_path: Path, first: OcrResult, key: str | None) -> OcrResult:
        """Read the header band again, column by column (``--psm 6`` on its crops, stacked
        in one image), when the first pass's header lacks its number, date or issuer; the
        page keeps the second reading only when its header gives all that the first gave and
        more (:func:`header_fields`)."""
        if not first.tsv or first.rotation:
            return first
        rows, size = parse_tsv(first.tsv)
        size = size if size != (0, 0) else first.size
        band = header_band(rows, size)
        if band is None:
            return first
        before = header_fields(first.text)
        if _FULL_HEADER <= before or not (before & _ANY_HEADER or _has_motto(first.text)):
            return first  # a whole header, or none: a page that continues a document
        return self._read_again(image_path, first, size, band, f"header-{_HEADER_VERSION}",
                                lambda second: header_fields(second.text) > before, key)

    def _signer_pass(self, image_path: Path, first: OcrResult, key: str | None) -> OcrResult:
        """Read the signer block again on its own (``--psm 6`` on a crop from its title
        lines down) when the first pass found the title lines but no name it could trust;
        the page keeps the second reading only when its block then has a name."""
        if not first.tsv or first.rotation:
            return first
        size = first.size if first.size != (0, 0) else parse_tsv(first.tsv)[1]
        box = signer_band(first.text, first.words, size)
        if box is None:
            return first
        return self._read_again(image_path, first, size, [box], f"signer-{_SIGNER_VERSION}",
                                lambda second: _signer_name(second.text) is not None, key)

    def _read_again(self, image_path: Path, first: OcrResult, size: tuple[int, int],
                    boxes: list[tuple[int, int, int, int]], what: str,
                    better: Callable[[OcrResult], bool], key: str | None) -> OcrResult:
        """The page with the words inside ``boxes`` read again: the crops stacked in one
        image (one Tesseract start-up, as costly as reading a crop), ``--psm 6``, each word
        put back at its place; kept only when ``better`` says so. The second reading is
        cached with the first under ``what``, kept or not: ``better`` is asked again each
        time, so a change of the extraction rules needs no new Tesseract run."""
        hkey = f"{key}-{what}" if key is not None else None
        cached = self.cache.get(hkey) if self.cache is not None and hkey else None
        if cached is not None:
            return cached if cached.tsv and better(cached) else first
        gap = max(8, (boxes[0][3] - boxes[0][1]) // 10)  # white between the crops
        pieces: list[tuple[tuple[int, int, int, int], int]] = []
        y = 0
        for box in boxes:
            pieces.append((box, y))
            y += box[3] - box[1] + gap
        with tempfile.TemporaryDirectory(prefix="evidence-again-") as tmp, \
                Image.open(image_path) as im:
            stack = Image.new(im.mode, (max(b[2] - b[0] for b in boxes), y - gap),
                              255 if im.mode in ("L", "1") else (255,) * len(im.getbands()))
            for box, top in pieces:
                stack.paste(im.crop(box), (0, top))
            crop = Path(tmp) / "crops.png"
            stack.save(crop)
            out = Path(tmp) / "crops"
            self._run([str(crop), str(out), "-l", self.lang, "--psm", "6", "tsv"], image_path)
            second_tsv = out.with_suffix(".tsv").read_text(encoding="utf-8", errors="replace")
        second = from_tsv(merge_crops_tsv(first.tsv, second_tsv, pieces), size, first.rotation)
        kept = better(second)
        log.debug("%s: %s read again: %s", image_path, what, "kept" if kept else "dropped")
        if self.cache is not None and hkey:
            self.cache.put(hkey, second)
        return second if kept else first

    def _ocr(self, image_path: Path) -> OcrResult:
        first = self._read(image_path, self.psm)
        if (not self.detect_orientation or not first.words
                or (first.confidence or 0.0) >= ROTATION_CHECK_BELOW):
            # no word at all: a blank page (a turned page of text still yields words)
            return first
        with tempfile.TemporaryDirectory(prefix="evidence-osd-") as tmp:
            angle = self._orientation(image_path, Path(tmp))
            if not angle:
                return first
            rotated = Path(tmp) / "rotated.png"
            with Image.open(image_path) as im:
                # PIL rotates counter-clockwise; ``angle`` is clockwise
                im.rotate(-angle, expand=True).save(rotated)
            second = self._read(rotated, self.psm)
        log.debug("%s: rotated %d°: confidence %.1f -> %.1f", image_path, angle,
                  first.confidence or 0.0, second.confidence or 0.0)
        if (second.confidence or 0.0) > (first.confidence or 0.0):
            return replace(second, rotation=angle)
        return first

    def _orientation(self, image_path: Path, tmp: Path) -> int:
        """Clockwise degrees to turn the page upright (0 when upright or unknown)."""
        small = tmp / "half.png"
        with Image.open(image_path) as im:
            im.convert("L").reduce(2).save(small)
        if self.has_osd:
            # OSD fails loudly on sparse pages ("Too few characters", "Error during
            # processing"): that only means "no rotation found", so DEBUG
            out = self._run([str(small), "stdout", "--psm", "0"], image_path, check=False,
                            quiet=True)
            rotate = re.search(r"Rotate:\s*(\d+)", out)
            sure = re.search(r"Orientation confidence:\s*([\d.]+)", out)
            if rotate and sure and float(sure.group(1)) >= 1.0:
                return int(rotate.group(1)) % 360
            return 0
        best, best_conf = 0, self._read(small, self.psm).confidence or 0.0
        for angle in _ROTATIONS:
            turned = tmp / f"turn{angle}.png"
            with Image.open(small) as im:
                im.rotate(-angle, expand=True).save(turned)
            conf = self._read(turned, self.psm).confidence or 0.0
            if conf > best_conf + 5.0:
                best, best_conf = angle, conf
        return best

    def _read(self, image_path: Path, psm: int) -> OcrResult:
        with tempfile.TemporaryDirectory(prefix="evidence-ocr-") as tmp:
            base = Path(tmp) / "out"
            self._run([str(image_path), str(base), "-l", self.lang, "--psm", str(psm),
                       "tsv"], image_path)
            tsv = base.with_suffix(".tsv").read_text(encoding="utf-8", errors="replace")
        size = (0, 0)
        if "\n1\t" not in tsv[:200]:  # no page row: take the size from the image
            with Image.open(image_path) as im:
                size = im.size
        return from_tsv(tsv, size)

    def _run(self, args: list[str], image_path: Path, *, check: bool = True,
             quiet: bool = False) -> str:
        env = {**os.environ, "OMP_THREAD_LIMIT": "1"}
        try:
            proc = subprocess.run([self.binary, *args], capture_output=True, text=True,
                                  timeout=self.timeout, env=env, check=False,
                                  stdin=subprocess.DEVNULL)
        except subprocess.TimeoutExpired as exc:
            raise FileError(f"OCR timed out after {self.timeout:.0f} s",
                            subject=str(image_path), reason=FailReason.TIMEOUT) from exc
        except OSError as exc:
            raise OcrUnavailable(f"cannot run tesseract: {exc}; install it with: {APT_INSTALL}",
                                 subject=str(image_path)) from exc
        _log_stderr(proc.stderr, image_path, quiet=quiet)
        if check and proc.returncode != 0:
            last = (proc.stderr.strip().splitlines() or ["no message"])[-1]
            raise FileError(f"tesseract failed (exit {proc.returncode}): {last}",
                            subject=str(image_path), reason=FailReason.CORRUPT)
        return proc.stdout + proc.stderr


def _has_motto(text: str) -> bool:
    """Whether the national or the Party motto stands in the page's first lines."""
    from evidence.extract.bundle import motto_start

    lines = [line.split() for line in text.splitlines()[:MOTTO_LINES]]
    return any(motto_start(words) is not None for words in lines if words)


def header_fields(text: str) -> frozenset[str]:
    """What the header of ``text`` gives: ``number``, ``date`` (a full day), ``issuer``,
    and the lines that hold them (``so_line``: a Số line, blank or not; ``type``)."""
    from evidence.extract.header import parse_header

    hf = parse_header(text)
    found = {
        "number": hf.symbol is not None and hf.symbol.number is not None
        and not hf.number_unreadable,
        "date": hf.date is not None and len(hf.date) == 10 and not hf.date_unreadable,
        "issuer": hf.issuer is not None,
        "so_line": hf.symbol is not None,
        "type": hf.type_code is not None or hf.vv,
    }
    return frozenset(k for k, v in found.items() if v)


def _signer_name(text: str) -> str | None:
    from evidence.extract.signer import find_signer_block

    block = find_signer_block(text, ocr=True)
    return block.signer.name if block is not None else None


def signer_band(text: str, words: Sequence[Word],
                size: tuple[int, int]) -> tuple[int, int, int, int] | None:
    """The crop, in pixels ``(left, top, right, bottom)``, under a page's signer block
    whose title lines the first pass read but whose name it did not (or not surely): from
    just under the title lines (which stay as first read) to :data:`SIGNER_REACH` line
    heights under them, from a little left of them to the page's right edge; None when
    the page has no such block."""
    from evidence.extract.signer import find_signer_block

    width, height = size
    block = find_signer_block(text, ocr=True)
    if block is None or block.signer.name is not None or width <= 0 or height <= 0:
        return None
    title = [w for w in words if block.start <= w.start < block.end]
    if not title:
        return None
    x0 = min(w.box[0] for w in title) * width
    x1 = max(w.box[2] for w in title) * width
    y1 = max(w.box[3] for w in title) * height
    line_h = sorted((w.box[3] - w.box[1]) * height for w in title)[len(title) // 2]
    left = max(0, int(x0 - SIGNER_WIDEN * (x1 - x0)))
    top = int(y1 + 0.2 * line_h)
    bottom = min(height, int(y1 + SIGNER_REACH * line_h))
    if bottom - top < 3 * line_h or width - left < 4 * line_h:
        return None
    return (left, top, width, bottom)


def _log_stderr(stderr: str, image_path: Path, *, quiet: bool = False) -> None:
    for line in stderr.splitlines():
        line = line.strip()
        if not line:
            continue
        level = logging.INFO
        for pattern, lvl in _LOG_LEVELS:
            if pattern.search(line):
                level = lvl
                break
        if quiet:
            level = logging.DEBUG
        log.log(level, "%s: tesseract: %s", image_path, line)


def default_engine(cache_dir: Path | None = None) -> TesseractEngine:
    """The engine used when :attr:`ParseOptions.ocr_engine` is None.

    Args:
        cache_dir: optional folder for an :class:`OcrCache` (e.g. ``<home>/ocr-cache``).

    Returns:
        A ``vie`` :class:`TesseractEngine` with orientation detection.

    Raises:
        OcrUnavailable: tesseract or its ``vie`` data is not installed.
    """
    return TesseractEngine("vie", cache=OcrCache(cache_dir) if cache_dir else None)
