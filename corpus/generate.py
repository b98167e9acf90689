"""Generate the bundled sample corpus from the source texts in ``corpus/src/``.

Run from the repository root::

    .venv/bin/python corpus/generate.py            # everything into corpus/files/
    .venv/bin/python corpus/generate.py --out /tmp/x --skip-doc

Every output is deterministic: fixed timestamps and metadata, seeded noise, zip entries
rewritten with fixed dates. The Word 97 ``.doc`` is made by LibreOffice: stable run to run
with one LibreOffice build, but not across versions; ``--skip-doc`` leaves it out. A format whose tool is missing
(LibreOffice) is skipped with a message.

Each source file is a YAML front matter (the facts the document states, used for
``corpus/expected.json``) followed by the document text in sections
(``[issuer]``, ``[number]``, ``[vv]``, ``[motto]``, ``[date]``, ``[title]``, ``[body]``,
``[recipients]``, ``[signer]``, optional ``[mark]``). See ``corpus/README.md``.
"""

from __future__ import annotations

import argparse
import hashlib
import io
import json
import logging
import random
import re
import shutil
import subprocess
import sys
import tempfile
import unicodedata
import zipfile
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import yaml
from PIL import Image, ImageDraw, ImageFilter, ImageFont

__all__ = ["SourceDoc", "generate", "load_sources", "main", "tcvn3_encode"]

log = logging.getLogger("corpus.generate")

CORPUS = Path(__file__).resolve().parent
SRC = CORPUS / "src"
FILES = CORPUS / "files"
EXPECTED = CORPUS / "expected.json"

FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
FONT_FILES = {
    "": "DejaVuSerifCondensed.ttf",
    "B": "DejaVuSerifCondensed-Bold.ttf",
    "I": "DejaVuSerifCondensed-Italic.ttf",
    "BI": "DejaVuSerifCondensed-BoldItalic.ttf",
}
ICT = timezone(timedelta(hours=7))  # Vietnam time, for fixed document timestamps
SECTIONS = ("mark", "issuer", "number", "vv", "motto", "date", "title", "body", "recipients", "signer")

# ---------------------------------------------------------------- sources


@dataclass
class SourceDoc:
    """One source document: its declared facts (front matter) and its text sections."""

    path: Path
    meta: dict[str, Any]
    sections: dict[str, list[str]] = field(default_factory=dict)

    @property
    def doc(self) -> str:
        return str(self.meta["doc"])

    @property
    def party(self) -> bool:
        return bool(self.sections["motto"]) and self.sections["motto"][0].startswith("ĐẢNG")

    @property
    def subject(self) -> str:
        lines = self.sections["vv"] or self.sections["title"][1:]
        return " ".join(s.strip() for s in lines)

    @property
    def stamp(self) -> datetime:
        """Fixed file timestamp: the document date at 08:00 Vietnam time (1st for partial)."""
        parts = [int(p) for p in str(self.meta["date"]).split("-")] + [1, 1]
        return datetime(parts[0], parts[1], parts[2], 8, 0, 0, tzinfo=ICT)

    @property
    def seed(self) -> int:
        return int(hashlib.sha256(self.doc.encode()).hexdigest()[:8], 16)


def load_sources(src: Path = SRC) -> list[SourceDoc]:
    """Read every ``*.txt`` source in ``src`` (sorted), validating sections against facts."""
    docs = []
    for path in sorted(src.glob("*.txt")):
        raw = unicodedata.normalize("NFC", path.read_text(encoding="utf-8"))
        _, front, text = raw.split("---\n", 2)
        meta = yaml.safe_load(front)
        sections: dict[str, list[str]] = {name: [] for name in SECTIONS}
        current = None
        for line in text.splitlines():
            m = re.fullmatch(r"\[(\w+)\]", line.strip())
            if m and m.group(1) in SECTIONS:
                current = m.group(1)
                continue
            if current is None:
                raise ValueError(f"{path.name}: text before the first [section]")
            sections[current].append(line.rstrip())
        for name in ("body", "recipients", "signer"):
            while sections[name] and not sections[name][-1]:
                sections[name].pop()
        doc = SourceDoc(path, meta, sections)
        _validate(doc)
        docs.append(doc)
    return docs


def _validate(doc: SourceDoc) -> None:
    """The header lines must state what the front matter says (ground truth by construction)."""
    m, s = doc.meta, doc.sections
    for name in ("issuer", "number", "motto", "date", "body", "recipients", "signer"):
        if not s[name]:
            raise ValueError(f"{doc.path.name}: section [{name}] is empty")
    number_line = re.sub(r"\s+", "", s["number"][0])
    if not number_line.endswith(str(m["symbol"])):
        raise ValueError(f"{doc.path.name}: number line {s['number'][0]!r} != {m['symbol']}")
    if not s["date"][0].startswith(f"{m['place']}, ngày"):
        raise ValueError(f"{doc.path.name}: place mismatch in {s['date'][0]!r}")
    body = re.sub(r"\s+", "", "\n".join(s["body"]))
    for sym in m["cites"]:
        if sym not in body:
            raise ValueError(f"{doc.path.name}: cited {sym} not in the body")
    if not s["recipients"][-1].startswith("- Lưu"):
        raise ValueError(f"{doc.path.name}: Nơi nhận must end with '- Lưu…'")


def expected_record(doc: SourceDoc, files: list[str]) -> dict[str, Any]:
    """The facts a correct extractor should report for ``doc`` (contract field names)."""
    m, s = doc.meta, doc.sections
    signer = m["signer"]
    return {
        "doc": doc.doc,
        "source": f"corpus/src/{doc.path.name}",
        "files": files,
        "pages": m.get("pages"),
        "format": m["format"],
        "unicode": m.get("unicode", "NFC"),
        "annex": f"corpus/files/{m['annex']}" if m.get("annex") else None,
        "doc_type": m["doc_type"],
        "doc_type_name": m["doc_type_name"],
        "number": m["number"],
        "symbol": m["symbol"],
        "date": str(m["date"]),
        "place": m["place"],
        "issuer": m["issuer"],
        "parent_issuer": m["parent_issuer"],
        "issuer_lines": [x for x in s["issuer"] if x != "*"],
        "type_line": None if s["vv"] else s["title"][0],
        "subject": doc.subject,
        "signer": {
            "name": signer["name"],
            "position": signer["position"],
            "authority": signer["authority"],
            "authority_chain": signer["chain"],
        },
        "recipients": [r[2:].rstrip(";.") for r in s["recipients"][1:]],
        "cites": list(m["cites"]),
        "draft": bool(s["mark"]),
    }


# ---------------------------------------------------------------- page layout (PDF, images)
# A tiny layout engine: positions lines of text on A4 pages in millimetres; the text-PDF and
# image renderers draw the same ops, so scans and text PDFs look alike.

PT = 0.3528  # mm per point
PAGE_W, PAGE_H = 210.0, 297.0
LEFT, RIGHT, TOP, BOTTOM = 30.0, 15.0, 20.0, 20.0


@dataclass
class Op:
    kind: str  # text | line | rect | seal | sign
    x: float
    y: float  # text: baseline
    text: str = ""
    style: str = ""
    size: float = 13.0
    x2: float = 0.0
    y2: float = 0.0


class Layout:
    """Flows a document's sections onto pages of ``Op`` records."""

    def __init__(self, doc: SourceDoc, *, stamps: bool, size: float = 13.0) -> None:
        self.doc = doc
        self.stamps = stamps
        self.size = size
        self.pages: list[list[Op]] = [[]]
        self.y = TOP
        self._fonts: dict[str, ImageFont.FreeTypeFont] = {}

    # measuring -------------------------------------------------------
    def width(self, text: str, style: str, size: float) -> float:
        font = self._fonts.get(style)
        if font is None:
            font = self._fonts[style] = ImageFont.truetype(str(FONT_DIR / FONT_FILES[style]), 100)
        return float(font.getlength(text)) * size / 100 * PT

    def lh(self, size: float) -> float:
        return size * PT * 1.32

    def need(self, height: float) -> None:
        if self.y + height > PAGE_H - BOTTOM:
            self.pages.append([])
            self.y = TOP + 6
            n = len(self.pages)
            self.emit(Op("text", PAGE_W / 2 - self.width(str(n), "", 12) / 2, TOP - 8, str(n), "", 12))

    def emit(self, op: Op) -> None:
        self.pages[-1].append(op)

    def centred(self, text: str, x0: float, x1: float, y: float, style: str, size: float) -> float:
        w = self.width(text, style, size)
        x = x0 + (x1 - x0 - w) / 2
        self.emit(Op("text", x, y, text, style, size))
        return w

    def wrap(self, runs: list[tuple[str, str]], width: float, size: float, indent: float = 0.0
             ) -> list[list[tuple[str, str]]]:
        """Greedy word wrap of styled runs; returns lines of (word, style)."""
        words = [(w, st) for text, st in runs for w in text.split(" ") if w]
        lines: list[list[tuple[str, str]]] = [[]]
        used = indent
        space = self.width(" ", "", size)
        for w, st in words:
            ww = self.width(w, st, size)
            if lines[-1] and used + space + ww > width:
                lines.append([])
                used = 0.0
            used += (space if lines[-1] else 0.0) + ww
            lines[-1].append((w, st))
        return lines

    def draw_runs(self, line: list[tuple[str, str]], x: float, y: float, size: float) -> None:
        space = self.width(" ", "", size)
        for w, st in line:
            self.emit(Op("text", x, y, w, st, size))
            x += self.width(w, st, size) + space

    # sections ----------------------------------------------------------
    def build(self, break_before: str | None = None) -> list[list[Op]]:
        s = self.doc.sections
        if s["mark"]:
            w = self.width(s["mark"][0], "B", 12)
            self.emit(Op("rect", LEFT - 8, 8, x2=LEFT - 8 + w + 6, y2=15))
            self.emit(Op("text", LEFT - 5, 13.2, s["mark"][0], "B", 12))
        self.header()
        if not s["vv"]:
            self.title()
        self.body(break_before)
        self.footer()
        return self.pages

    def header(self) -> None:
        s, size = self.doc.sections, 12.5
        lx0, lx1, rx0, rx1 = LEFT - 10, LEFT + 62, LEFT + 58, PAGE_W - RIGHT + 3
        y = TOP
        issuer = s["issuer"]
        for i, line in enumerate(issuer):
            style = "" if (self.doc.party and i == 0) else "B"
            y += self.lh(size)
            w = self.centred(line, lx0, lx1, y, style, size)
        if not self.doc.party:
            mid = (lx0 + lx1) / 2
            self.emit(Op("line", mid - w / 4, y + 1.5, x2=mid + w / 4, y2=y + 1.5))
        ly = y
        y = TOP
        for i, line in enumerate(s["motto"]):
            st_size = 12.0 if (i == 0 and not self.doc.party) else 13.0
            y += self.lh(st_size)
            w = self.centred(line, rx0, rx1, y, "B", st_size)
        mid = (rx0 + rx1) / 2
        self.emit(Op("line", mid - w / 2, y + 1.5, x2=mid + w / 2, y2=y + 1.5))
        y = max(ly, y) + self.lh(13) + 2
        self.centred(s["number"][0], lx0, lx1, y, "", 13)
        self.centred(s["date"][0], rx0, rx1, y, "I", 13)
        for line in s["vv"]:
            y += self.lh(12)
            self.centred(line, lx0, lx1, y, "", 12)
        self.y = y + 5

    def title(self) -> None:
        s = self.doc.sections
        self.y += self.lh(14) + 2
        self.centred(s["title"][0], LEFT, PAGE_W - RIGHT, self.y, "B", 14)
        text_w = PAGE_W - RIGHT - LEFT - 20
        last_w = 0.0
        for line in self.wrap([(" ".join(s["title"][1:]), "B")], text_w, 13.5):
            self.y += self.lh(13.5)
            words = " ".join(w for w, _ in line)
            last_w = self.centred(words, LEFT, PAGE_W - RIGHT, self.y, "B", 13.5)
        mid = (LEFT + PAGE_W - RIGHT) / 2
        half = min(last_w, 60) / 2
        self.emit(Op("line", mid - half, self.y + 3, x2=mid + half, y2=self.y + 3))
        self.y += 5

    def body(self, break_before: str | None) -> None:
        size = self.size
        width = PAGE_W - RIGHT - LEFT
        lines = self.doc.sections["body"]
        i = 0
        while i < len(lines):
            line = lines[i]
            if break_before and line.startswith(break_before) and len(self.pages) == 1:
                self.y = PAGE_H
            if line.startswith("Kính gửi:"):
                items = []
                i += 1
                while i < len(lines) and lines[i].startswith("- "):
                    items.append(lines[i])
                    i += 1
                self.kinh_gui(items)
                continue
            i += 1
            runs, centre, indent = classify(line)
            wrapped = self.wrap(runs, width, size, indent)
            for k, wl in enumerate(wrapped):
                self.need(self.lh(size))
                self.y += self.lh(size)
                if centre:
                    self.centred(" ".join(w for w, _ in wl), LEFT, PAGE_W - RIGHT, self.y, wl[0][1], size)
                else:
                    self.draw_runs(wl, LEFT + (indent if k == 0 else 0), self.y, size)
            self.y += 1.2

    def kinh_gui(self, items: list[str]) -> None:
        self.y += self.lh(13) + 2
        self.emit(Op("text", LEFT + 28, self.y, "Kính gửi:", "", 13))
        for k, item in enumerate(items):
            if k:
                self.y += self.lh(13)
            self.emit(Op("text", LEFT + 52, self.y, item, "", 13))
        self.y += 3

    def footer(self) -> None:
        s = self.doc.sections
        rec, sig = s["recipients"], s["signer"]
        lx0, rx0, rx1 = LEFT - 10, LEFT + 75, PAGE_W - RIGHT
        left_h = self.lh(12) + self.lh(11) * (len(rec) - 1)
        right_h = self.lh(13) * len(sig) + 22
        self.need(max(left_h, right_h) + 6)
        y0 = self.y + 4
        y = y0 + self.lh(12)
        self.emit(Op("text", lx0, y, rec[0], "BI", 12))
        for r in rec[1:]:
            y += self.lh(11)
            self.emit(Op("text", lx0, y, r, "", 11))
        y = y0
        name_seen = False
        for line in sig:
            if not line:
                y += 16  # room for the signature and seal
                continue
            y += self.lh(13)
            if line == sig[-1] and not line.isupper():
                name_seen = True
                if self.stamps:
                    self.emit(Op("seal", (rx0 + rx1) / 2 - 31, y - 7))
                    self.emit(Op("sign", (rx0 + rx1) / 2 - 8, y - 9))
            self.centred(line, rx0, rx1, y, "B", 13)
        if not name_seen:  # unsigned draft: leave the signature space blank
            y += 30
        self.y = max(y, self.y)


def classify(line: str) -> tuple[list[tuple[str, str]], bool, float]:
    """Style of a body line: (runs, centred, first-line indent in mm)."""
    letters = [c for c in line if c.isalpha()]
    upper = bool(letters) and all(c.isupper() for c in letters)
    if upper and (line.endswith(":") or line.startswith("CHỦ TỊCH")):
        return [(line, "B")], True, 0.0
    if upper or re.match(r"^[IVX]+\. ", line):
        return [(line, "B")], False, 10.0
    m = re.match(r"^(Điều \d+\.)\s(.*)$", line)
    if m:
        return [(m.group(1), "B"), (m.group(2), "")], False, 10.0
    return [(line, "")], False, 10.0


# ---------------------------------------------------------------- text PDF (fpdf2)


def render_text_pdf(doc: SourceDoc, out: Path) -> None:
    """A born-digital PDF with a Unicode text layer (fpdf2, DejaVu Serif Condensed)."""
    from fpdf import FPDF

    pages = Layout(doc, stamps=False).build()
    form = doc.meta.get("unicode", "NFC")  # NFD: a text layer of decomposed letters (§6.1)
    pdf = FPDF(unit="mm", format="A4")
    pdf.set_auto_page_break(False)
    for style, fname in FONT_FILES.items():
        pdf.add_font("serif", style, str(FONT_DIR / fname))
    pdf.set_creation_date(doc.stamp)
    pdf.set_creator("Hệ thống quản lý văn bản và điều hành")
    pdf.set_producer("evidence corpus generator")
    pdf.set_author("UBND huyện Đức Thọ" if "Đức Thọ" in doc.meta["issuer"] else doc.meta["issuer"])
    pdf.set_title(f"{doc.meta['symbol']} {doc.subject}")
    for ops in pages:
        pdf.add_page()
        for op in ops:
            if op.kind == "text":
                pdf.set_font("serif", op.style, op.size)
                pdf.text(op.x, op.y, unicodedata.normalize(form, op.text))
            elif op.kind == "line":
                pdf.set_line_width(0.3)
                pdf.line(op.x, op.y, op.x2, op.y2)
            elif op.kind == "rect":
                pdf.rect(op.x, op.y, op.x2 - op.x, op.y2 - op.y)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(bytes(pdf.output()))


# ---------------------------------------------------------------- page images (scans, photos)


def render_page_images(doc: SourceDoc, dpi: int, *, break_before: str | None = None,
                       size: float = 13.0) -> list[Image.Image]:
    """Draw the laid-out pages as clean grayscale images at ``dpi``."""
    scale = dpi / 25.4
    fonts: dict[tuple[str, int], ImageFont.FreeTypeFont] = {}
    images = []
    for ops in Layout(doc, stamps=True, size=size).build(break_before):
        img = Image.new("L", (round(PAGE_W * scale), round(PAGE_H * scale)), 255)
        draw = ImageDraw.Draw(img)
        for op in ops:
            if op.kind == "text":
                px = round(op.size * PT * scale)
                font = fonts.get((op.style, px))
                if font is None:
                    font = fonts[(op.style, px)] = ImageFont.truetype(
                        str(FONT_DIR / FONT_FILES[op.style]), px)
                draw.text((op.x * scale, op.y * scale), op.text, fill=20, font=font, anchor="ls")
            elif op.kind == "line":
                draw.line([(op.x * scale, op.y * scale), (op.x2 * scale, op.y2 * scale)],
                          fill=30, width=max(1, round(0.3 * scale)))
            elif op.kind == "rect":
                draw.rectangle([op.x * scale, op.y * scale, op.x2 * scale, op.y2 * scale],
                               outline=30, width=max(1, round(0.3 * scale)))
            elif op.kind == "seal":
                cx, cy, r = op.x * scale, op.y * scale, 14 * scale
                for rr, wd in ((r, 0.8), (r * 0.72, 0.4)):
                    draw.ellipse([cx - rr, cy - rr, cx + rr, cy + rr], outline=205,
                                 width=max(1, round(wd * scale)))
                draw.text((cx, cy), "★", fill=205, anchor="mm",
                          font=ImageFont.truetype(str(FONT_DIR / "DejaVuSans.ttf"), round(6 * scale)))
            elif op.kind == "sign":
                rng = random.Random(doc.seed)
                pts = [((op.x + k * 2.2) * scale, (op.y + rng.uniform(-3, 3)) * scale)
                       for k in range(12)]
                draw.line(pts, fill=120, width=max(1, round(0.5 * scale)), joint="curve")
        images.append(img)
    return images


def degrade_scan(img: Image.Image, rng: random.Random) -> Image.Image:
    """Mild scanner artefacts: small skew, blur, grey paper, seeded speckle noise."""
    img = img.rotate(rng.uniform(-0.6, 0.6), resample=Image.Resampling.BICUBIC, fillcolor=255)
    img = img.filter(ImageFilter.GaussianBlur(0.5))
    w, h = img.size[0] // 2, img.size[1] // 2  # 2x2-pixel specks on ~0.4% of the cells
    noise = Image.frombytes("L", (w, h), rng.randbytes(w * h)).resize(img.size, Image.Resampling.NEAREST)
    noise = noise.point(lambda v: 255 if v < 255 else 150)
    img = Image.composite(img, noise, noise.point(lambda v: 255 if v == 255 else 0))
    return img.point(lambda v: min(255, 22 + v * 0.9))  # greyish paper, toner not quite black


def images_to_pdf(images: list[Image.Image], out: Path, stamp: datetime, quality: int = 30) -> None:
    """Wrap JPEG page images into an image-only PDF (fpdf2 embeds the JPEG bytes as is)."""
    from fpdf import FPDF

    pdf = FPDF(unit="mm", format="A4")
    pdf.set_auto_page_break(False)
    pdf.set_creation_date(stamp)
    pdf.set_creator("Scanner")
    pdf.set_producer("evidence corpus generator")
    for img in images:
        buf = io.BytesIO()
        img.save(buf, "JPEG", quality=quality, optimize=True)
        buf.seek(0)
        pdf.add_page()
        pdf.image(buf, 0, 0, PAGE_W, PAGE_H)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(bytes(pdf.output()))


def render_scan(docs: list[SourceDoc], out: Path, dpi: int = 300) -> None:
    """One scanned PDF holding ``docs`` (several for a batch scan), grayscale JPEG pages."""
    pages = []
    for doc in docs:
        imgs = render_page_images(doc, dpi)
        want = doc.meta.get("pages")
        if want and len(imgs) != want[1] - want[0] + 1:
            raise ValueError(f"{doc.path.name}: {len(imgs)} pages, expected {want}")
        rng = random.Random(doc.seed)
        pages += [degrade_scan(im, rng) for im in imgs]
    images_to_pdf(pages, out, docs[0].stamp)


def render_photos(doc: SourceDoc, folder: Path, names: tuple[str, ...]) -> list[Path]:
    """Phone photos of a printed document: perspective, uneven light, page 2 turned 90°."""
    imgs = render_page_images(doc, 190, break_before=doc.meta.get("break_before"), size=14.5)
    if len(imgs) != len(names):
        raise ValueError(f"{doc.path.name}: {len(imgs)} pages for {len(names)} photos")
    rng = random.Random(doc.seed)
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for k, (img, name) in enumerate(zip(imgs, names, strict=True)):
        w, h = img.size
        bg_w, bg_h = int(w * 1.08), int(h * 1.06)
        page = img.convert("RGB")
        # paper tint, then a light gradient (lamp on one side)
        page = Image.merge("RGB", [
            page.getchannel(0).point(lambda v: min(255, v)),
            page.getchannel(1).point(lambda v: min(255, int(v * 0.98))),
            page.getchannel(2).point(lambda v: min(255, int(v * 0.92))),
        ])
        grad = Image.linear_gradient("L").transpose(
            Image.Transpose.ROTATE_90 if k else Image.Transpose.ROTATE_270).resize((w, h))
        shade = grad.point(lambda v: 200 + v * 55 // 255)
        page = Image.composite(page, Image.new("RGB", (w, h), (0, 0, 0)), shade)
        canvas = Image.new("RGB", (bg_w, bg_h), (92, 74, 58))  # wooden desk
        canvas.paste(page, ((bg_w - w) // 2, (bg_h - h) // 2))
        d = [rng.uniform(-0.025, 0.025) * bg_w for _ in range(8)]
        quad = (d[0], d[1], d[2], bg_h + d[3], bg_w + d[4], bg_h + d[5], bg_w + d[6], d[7])
        photo = canvas.transform((bg_w, bg_h), Image.Transform.QUAD, quad,
                                 resample=Image.Resampling.BICUBIC, fillcolor=(92, 74, 58))
        photo = photo.filter(ImageFilter.GaussianBlur(0.3))
        if k == 1:
            photo = photo.transpose(Image.Transpose.ROTATE_270)  # taken sideways
        path = folder / name
        photo.save(path, "JPEG", quality=72, optimize=True)
        paths.append(path)
    return paths


# ---------------------------------------------------------------- DOCX (python-docx)


def tcvn3_table() -> dict[str, str]:
    """Unicode letter -> TCVN3 (ABC) byte shown as its Latin-1 character (vn-format §6.4).

    ABC fonts have the seven base capitals with a mark (Ă Â Ê Ô Ơ Ư Đ) but no toned
    capitals; toned letters are lower case only. Checked against glibc ``iconv -f
    TCVN5712-1`` by ``tests/test_corpus.py``.
    """
    table = {"Ă": 0xA1, "Â": 0xA2, "Ê": 0xA3, "Ô": 0xA4, "Ơ": 0xA5, "Ư": 0xA6, "Đ": 0xA7,
             "ă": 0xA8, "â": 0xA9, "ê": 0xAA, "ô": 0xAB, "ơ": 0xAC, "ư": 0xAD, "đ": 0xAE}
    # vowel -> codes for (huyền, hỏi, ngã, sắc, nặng)
    toned = {
        "a": (0xB5, 0xB6, 0xB7, 0xB8, 0xB9), "ă": (0xBB, 0xBC, 0xBD, 0xBE, 0xC6),
        "â": (0xC7, 0xC8, 0xC9, 0xCA, 0xCB), "e": (0xCC, 0xCE, 0xCF, 0xD0, 0xD1),
        "ê": (0xD2, 0xD3, 0xD4, 0xD5, 0xD6), "i": (0xD7, 0xD8, 0xDC, 0xDD, 0xDE),
        "o": (0xDF, 0xE1, 0xE2, 0xE3, 0xE4), "ô": (0xE5, 0xE6, 0xE7, 0xE8, 0xE9),
        "ơ": (0xEA, 0xEB, 0xEC, 0xED, 0xEE), "u": (0xEF, 0xF1, 0xF2, 0xF3, 0xF4),
        "ư": (0xF5, 0xF6, 0xF7, 0xF8, 0xF9), "y": (0xFA, 0xFB, 0xFC, 0xFD, 0xFE),
    }
    marks = ("\u0300", "\u0309", "\u0303", "\u0301", "\u0323")
    for base, codes in toned.items():
        for mark, code in zip(marks, codes, strict=True):
            table[unicodedata.normalize("NFC", base + mark)] = code
    return {k: chr(v) for k, v in table.items()}


_TCVN3 = tcvn3_table()


def tcvn3_encode(text: str) -> list[tuple[str, bool]]:
    """Encode Unicode text as TCVN3 runs: (Latin-1 surface text, needs the H capital font).

    Toned capitals do not exist in ABC fonts: a typist either writes ``Uû`` for ``Ủy``
    (capital ASCII U, lower-case ỷ: the old tone position) or switches to ``.VnTimeH``
    for that one letter, which we emit as a separate run flagged True.
    """
    text = unicodedata.normalize("NFC", text).replace("Ủy", "Uỷ")
    runs: list[tuple[str, bool]] = []
    for ch in text:
        if ch in _TCVN3:
            piece, cap = _TCVN3[ch], False
        elif ord(ch) < 128:
            piece, cap = ch, False
        elif ch.lower() in _TCVN3:
            piece, cap = _TCVN3[ch.lower()], True
        elif ch == "–":
            piece, cap = "-", False
        else:
            raise ValueError(f"no TCVN3 code for {ch!r}")
        if runs and runs[-1][1] == cap:
            runs[-1] = (runs[-1][0] + piece, cap)
        else:
            runs.append((piece, cap))
    return runs


class DocxWriter:
    """Renders a source document as an e-office style DOCX (header/footer as 2-col tables)."""

    def __init__(self, doc: SourceDoc, *, tcvn3: bool = False) -> None:
        import docx
        from docx.shared import Mm, Pt

        self.src = doc
        self.tcvn3 = tcvn3
        self.d = docx.Document()
        sec = self.d.sections[0]
        sec.page_width, sec.page_height = Mm(210), Mm(297)
        sec.left_margin, sec.right_margin = Mm(30), Mm(15)
        sec.top_margin, sec.bottom_margin = Mm(20), Mm(20)
        normal = self.d.styles["Normal"]
        normal.font.name = ".VnTime" if tcvn3 else "Times New Roman"
        normal.font.size = Pt(13)
        normal.paragraph_format.space_after = Pt(0)

    def run(self, par: Any, text: str, *, bold: bool = False, italic: bool = False,
            size: float | None = None) -> None:
        from docx.shared import Pt

        pieces: list[tuple[str, str | None]]
        if not self.tcvn3:
            pieces = [(text, None)]
        else:
            letters = [c for c in text if c.isalpha()]
            if letters and all(c.isupper() for c in letters):
                # headings typed in lower case and drawn as capitals by the H font
                pieces = [("".join(p for p, _ in tcvn3_encode(text.lower())), ".VnTimeH")]
            else:
                pieces = [(p, ".VnTimeH" if cap else ".VnTime") for p, cap in tcvn3_encode(text)]
        for piece, font in pieces:
            r = par.add_run(piece)
            r.bold, r.italic = bold or None, italic or None
            if size:
                r.font.size = Pt(size)
            if font:
                r.font.name = font

    def para(self, container: Any, text: str = "", *, align: str = "center", **kw: Any) -> Any:
        from docx.enum.text import WD_ALIGN_PARAGRAPH

        p = container.add_paragraph()
        p.alignment = {"center": WD_ALIGN_PARAGRAPH.CENTER, "left": WD_ALIGN_PARAGRAPH.LEFT,
                       "justify": WD_ALIGN_PARAGRAPH.JUSTIFY, "right": WD_ALIGN_PARAGRAPH.RIGHT}[align]
        if text:
            self.run(p, text, **kw)
        return p

    def table(self, widths: tuple[float, float]) -> tuple[Any, Any]:
        from docx.shared import Mm

        t = self.d.add_table(rows=1, cols=2)
        t.autofit = False
        cells = t.rows[0].cells
        for col, cell, w in zip(t.columns, cells, widths, strict=True):
            col.width = Mm(w)
            cell.width = Mm(w)
            cell.paragraphs[0]._element.getparent().remove(cell.paragraphs[0]._element)
        return cells[0], cells[1]

    def build(self) -> Any:
        from docx.shared import Mm, Pt

        s = self.src.sections
        if s["mark"]:
            self.para(self.d, s["mark"][0], align="left", bold=True, size=12)
        left, right = self.table((68, 102))
        for i, line in enumerate(s["issuer"]):
            self.para(left, line, bold=not (self.src.party and i == 0), size=12.5)
        self.para(left, s["number"][0], size=13)
        for line in s["vv"]:
            self.para(left, line, size=12)
        for i, line in enumerate(s["motto"]):
            self.para(right, line, bold=True, size=12 if (i == 0 and not self.src.party) else 13)
        p = self.para(right, s["date"][0], italic=True, size=13)
        p.paragraph_format.space_before = Pt(6)
        if not s["vv"]:
            p = self.para(self.d, s["title"][0], bold=True, size=14)
            p.paragraph_format.space_before = Pt(12)
            self.para(self.d, " ".join(s["title"][1:]), bold=True, size=13.5)
        body = s["body"]
        i = 0
        while i < len(body):
            line = body[i]
            i += 1
            if line.startswith("Kính gửi:"):
                items = []
                while i < len(body) and body[i].startswith("- "):
                    items.append(body[i])
                    i += 1
                p = self.para(self.d, align="left")
                p.paragraph_format.left_indent = Mm(28)
                p.paragraph_format.space_before = Pt(12)
                self.run(p, "Kính gửi:\t" + items[0])
                for item in items[1:]:
                    q = self.para(self.d, item, align="left")
                    q.paragraph_format.left_indent = Mm(52)
                continue
            runs, centre, indent = classify(line)
            p = self.para(self.d, align="center" if centre else "justify")
            p.paragraph_format.first_line_indent = Mm(indent) if indent else None
            p.paragraph_format.space_before = Pt(6)
            for k, (text, style) in enumerate(runs):
                self.run(p, (" " if k else "") + text, bold="B" in style)
        self.d.add_paragraph()
        left, right = self.table((80, 85))
        self.para(left, s["recipients"][0], align="left", bold=True, italic=True, size=12)
        for r in s["recipients"][1:]:
            self.para(left, r, align="left", size=11)
        for line in s["signer"]:
            self.para(right, line, bold=bool(line), size=13)
        self.fix_properties()
        return self.d

    def fix_properties(self) -> None:
        cp = self.d.core_properties
        stamp = self.src.stamp.astimezone(UTC).replace(tzinfo=None)
        cp.author = "Văn thư"
        cp.last_modified_by = "Văn thư"
        cp.title = f"{self.src.meta['symbol']}"
        cp.subject = self.src.subject
        cp.comments = ""
        cp.keywords = ""
        cp.created = stamp
        cp.modified = stamp
        cp.last_printed = stamp
        cp.revision = 1


def render_docx(doc: SourceDoc, out: Path, *, tcvn3: bool = False) -> None:
    buf = io.BytesIO()
    DocxWriter(doc, tcvn3=tcvn3).build().save(buf)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(normalise_zip(buf.getvalue(), doc.stamp))


def render_xlsx(doc: SourceDoc, out: Path) -> None:
    """The annex ("Danh mục … kèm theo") as an Excel workbook with fixed properties."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, Side

    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "Danh mục"
    stamp = doc.stamp.astimezone(UTC).replace(tzinfo=None)
    wb.properties.creator = "Văn phòng HĐND và UBND huyện"
    wb.properties.lastModifiedBy = "Văn phòng HĐND và UBND huyện"
    wb.properties.created = stamp
    wb.properties.modified = stamp
    rows = [
        ["Phụ lục"],
        ["DANH MỤC CÔNG CHỨC LÀM VIỆC TẠI BỘ PHẬN MỘT CỬA HUYỆN ĐỨC THỌ"],
        [f"(Kèm theo Quyết định số {doc.meta['symbol']} ngày 05/4/2023 của Chủ tịch UBND huyện)"],
        [],
        ["TT", "Họ và tên", "Chức vụ", "Cơ quan", "Lĩnh vực tiếp nhận", "Ghi chú"],
    ]
    people = [
        ("Nguyễn Hữu Thắng", "Chánh Văn phòng", "Văn phòng HĐND và UBND huyện", "Phụ trách chung", "Trưởng bộ phận"),
        ("Trần Thị Mai", "Chuyên viên", "Văn phòng HĐND và UBND huyện", "Điều phối, số hóa hồ sơ", ""),
        ("Lê Văn Hùng", "Chuyên viên", "Phòng Tài nguyên và Môi trường", "Đất đai, môi trường", ""),
        ("Phạm Thị Lan", "Chuyên viên", "Phòng Tư pháp", "Hộ tịch, chứng thực", ""),
        ("Hoàng Văn Nam", "Chuyên viên", "Phòng Kinh tế - Hạ tầng", "Xây dựng, giao thông", ""),
        ("Võ Thị Hằng", "Chuyên viên", "Phòng Tài chính – Kế hoạch", "Đăng ký kinh doanh hộ", ""),
        ("Bùi Đình Khoa", "Chuyên viên", "Phòng Lao động - TB&XH", "Chính sách xã hội", ""),
        ("Nguyễn Thị Thu", "Chuyên viên", "Phòng Văn hóa - Thông tin", "Văn hóa, thông tin", ""),
        ("Đinh Quốc Bảo", "Chuyên viên", "Phòng Nội vụ", "Thi đua, tôn giáo", ""),
    ]
    rows += [[k, *p] for k, p in enumerate(people, 1)]
    for r in rows:
        ws.append(r)
    for rng_ in ("A1:F1", "A2:F2", "A3:F3"):
        ws.merge_cells(rng_)
    ws["A1"].font = Font(name="Times New Roman", bold=True, size=13)
    ws["A2"].font = Font(name="Times New Roman", bold=True, size=13)
    ws["A3"].font = Font(name="Times New Roman", italic=True, size=12)
    for ref in ("A1", "A2", "A3"):
        ws[ref].alignment = Alignment(horizontal="center")
    thin = Side(style="thin")
    for row in ws.iter_rows(min_row=5, max_row=ws.max_row):
        for c in row:
            c.border = Border(left=thin, right=thin, top=thin, bottom=thin)
            c.font = Font(name="Times New Roman", size=12, bold=c.row == 5)
    for col, w in zip("ABCDEF", (5, 24, 18, 32, 26, 16), strict=True):
        ws.column_dimensions[col].width = w
    buf = io.BytesIO()
    wb.save(buf)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(normalise_zip(buf.getvalue(), doc.stamp))


def normalise_zip(data: bytes, stamp: datetime) -> bytes:
    """Rewrite an OOXML zip with fixed entry dates and core-property dates (stable bytes)."""
    iso = stamp.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as zin, zipfile.ZipFile(out, "w") as zout:
        for info in zin.infolist():
            body = zin.read(info.filename)
            if info.filename == "docProps/core.xml":
                text = body.decode("utf-8")
                text = re.sub(r"(<dcterms:(?:created|modified)[^>]*>)[^<]*", rf"\g<1>{iso}", text)
                body = text.encode("utf-8")
            zi = zipfile.ZipInfo(info.filename, date_time=stamp.timetuple()[:6])
            zi.compress_type = zipfile.ZIP_DEFLATED
            zi.external_attr = 0o644 << 16
            zout.writestr(zi, body)
    return out.getvalue()


# ---------------------------------------------------------------- .doc (LibreOffice)


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def render_doc(doc: SourceDoc, out: Path) -> bool:
    """Word 97 ``.doc``: render the DOCX, convert with LibreOffice headless.

    The bytes depend on the LibreOffice version (stable run to run with one build).
    """
    exe = soffice()
    if exe is None:
        log.warning("skipping %s: LibreOffice (soffice) is not installed", out.name)
        return False
    with tempfile.TemporaryDirectory(prefix="corpus-doc-") as tmp:
        t = Path(tmp)
        src = t / (out.stem + ".docx")
        render_docx(doc, src)
        cmd = [exe, f"-env:UserInstallation=file://{t / 'profile'}", "--headless",
               "--convert-to", "doc:MS Word 97", "--outdir", str(t / "out"), str(src)]
        subprocess.run(cmd, check=True, capture_output=True, timeout=180)
        out.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(t / "out" / (out.stem + ".doc"), out)
    return True


# ---------------------------------------------------------------- driver

PHOTO_NAMES = ("trang 1.jpg", "trang 2.jpg")


def generate(out: Path = FILES, *, expected: Path | None = EXPECTED, skip_doc: bool = False,
             only: str | None = None) -> list[Path]:
    """Generate every output into ``out``; write the ground truth to ``expected``.

    Args:
        out: target folder (created; existing files are overwritten, others left alone).
        expected: where to write ``expected.json`` (None: do not write it).
        skip_doc: leave out the LibreOffice ``.doc`` (its bytes are not deterministic).
        only: generate only documents whose id (``07``, ``25a``) starts with this.

    Returns:
        The paths written.
    """
    docs = load_sources()
    written: list[Path] = []
    records = []
    scans: dict[str, list[SourceDoc]] = {}
    for doc in docs:
        fmt, rel = doc.meta["format"], doc.meta["output"]
        files = [f"corpus/files/{rel}"]
        if fmt == "photos":
            files = [f"corpus/files/{rel}{n}" for n in PHOTO_NAMES]
        records.append(expected_record(doc, files))
        if only and not doc.doc.startswith(only):
            continue
        target = out / rel
        log.info("%s -> %s", doc.path.name, rel)
        if fmt == "docx":
            render_docx(doc, target)
        elif fmt == "docx-tcvn3":
            render_docx(doc, target, tcvn3=True)
        elif fmt == "text-pdf":
            render_text_pdf(doc, target)
        elif fmt == "scan-pdf":
            scans.setdefault(rel, []).append(doc)
            continue
        elif fmt == "photos":
            written += render_photos(doc, target, PHOTO_NAMES)
            continue
        elif fmt == "doc":
            if skip_doc or not render_doc(doc, target):
                continue
        else:
            raise ValueError(f"{doc.path.name}: unknown format {fmt}")
        written.append(target)
        if doc.meta.get("annex"):
            render_xlsx(doc, out / doc.meta["annex"])
            written.append(out / doc.meta["annex"])
    for rel, group in scans.items():
        render_scan(group, out / rel)
        written.append(out / rel)
    if expected is not None:
        expected.write_text(json.dumps({"generator": "corpus/generate.py", "documents": records},
                                       ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return written


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", type=Path, default=FILES, help="output folder (default corpus/files)")
    ap.add_argument("--expected", type=Path, default=EXPECTED, help="ground-truth JSON path")
    ap.add_argument("--no-expected", action="store_true", help="do not write expected.json")
    ap.add_argument("--skip-doc", action="store_true", help="skip the LibreOffice .doc")
    ap.add_argument("--only", help="only documents whose id starts with this (e.g. 07)")
    args = ap.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(message)s", stream=sys.stderr)
    log.setLevel(logging.INFO)
    missing = [f for f in FONT_FILES.values() if not (FONT_DIR / f).is_file()]
    if missing:
        log.error("error: %s: fonts missing (%s); install the Debian packages "
                  "fonts-dejavu-core fonts-dejavu-extra", FONT_DIR, ", ".join(missing))
        return 2
    paths = generate(args.out, expected=None if args.no_expected else args.expected,
                     skip_doc=args.skip_doc, only=args.only)
    total = sum(p.stat().st_size for p in paths)
    log.info("%d files, %.1f MB", len(paths), total / 1e6)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
