"""DOCX -> one page of NFC text, in reading order.

What is read:

- the body's block children in document order: paragraphs (``w:p``), tables (``w:tbl``,
  nested tables too) and content controls (``w:sdt``);
- tables row by row. A row with up to two non-empty cells -- the header block of an
  official document is a borderless 2-column table, sometimes with a spacer column --
  gives each cell's paragraphs on their own lines, left cell before right cell. A row
  of three or more single-line cells is one line, cells separated by tabs;
- text boxes (``w:txbxContent``), also inside ``mc:AlternateContent`` where only the
  ``Choice`` branch is read (``Fallback`` repeats the same box as VML), placed on their
  own lines after the paragraph that anchors them;
- section headers and footers: the header shown on page 1 of the first section goes
  before the body, every other header/footer after it (each distinct text once);
  page-number fields (``PAGE``, ``NUMPAGES``) are dropped, they are noise;
- footnotes and endnotes, last;
- automatic list labels (``w:numPr``: ``1.``, ``a)``, ``II.``; ``-`` for bullets) are
  written before the paragraph, unless the paragraph already starts with them;
- tracked insertions are kept, deletions, hidden text (``w:vanish``) and field codes
  (``w:instrText``) are not; ``w:caps`` runs are upper-cased as Word shows them.

Legacy fonts: each run's font is resolved (``w:rFonts`` hAnsi, else ascii; through the
run style, the paragraph style chain and ``w:docDefaults``) and runs in ``.Vn*``/``VNI-*``
fonts are converted by :mod:`evidence.ingest.legacy` (adjacent runs of one encoding are
converted together, so a VNI accent in the next run still combines). Text in other fonts
is then checked as a whole for UTF-8 mojibake or TCVN3/VNI content and repaired only on a
clear signal (``legacy.fix_text_encoding``), with a warning.

DOCX has no pages: the result is one ``Page(number=1)``; the pipeline records
``pages: null`` for DOCX. Explicit page breaks are kept as line breaks.

Safety: the ZIP central directory is checked first (:func:`ingest.sniff.check_zip`);
python-docx parses with ``resolve_entities=False`` (checked in its ``oxml/parser.py``) and
any part read here directly uses a parser with entities, DTD loading and network access
off, so no external entity is fetched or expanded.
"""

from __future__ import annotations

import io
import logging
import re
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from evidence.errors import CorruptFile, EncryptedFile, FileError, UnsupportedFormat
from evidence.extract.normalize import clean_text
from evidence.ingest import legacy
from evidence.ingest.base import ParsedFile, ParseOptions
from evidence.ingest.sniff import check_zip
from evidence.model import Page
from lxml import etree

__all__ = ["docx_text", "parse"]

log = logging.getLogger(__name__)

_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"
_R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_M = "http://schemas.openxmlformats.org/officeDocument/2006/math"


def _w(tag: str) -> str:
    return f"{{{_W}}}{tag}"


_P, _TBL, _TR, _TC, _SDT, _SDT_CONTENT = (_w("p"), _w("tbl"), _w("tr"), _w("tc"), _w("sdt"),
                                          _w("sdtContent"))
_R_RUN, _T, _RPR, _PPR = _w("r"), _w("t"), _w("rPr"), _w("pPr")
_TXBX = _w("txbxContent")
_ALT = f"{{{_MC}}}AlternateContent"
_CHOICE, _FALLBACK = f"{{{_MC}}}Choice", f"{{{_MC}}}Fallback"
_MATH_T = f"{{{_M}}}t"
_VAL = _w("val")

# inline containers whose children are runs (or more containers)
_INLINE_CONTAINERS = {_w(t) for t in ("hyperlink", "ins", "smartTag", "customXml", "fldSimple",
                                      "moveTo", "dir", "bdo")}
_SKIP_INLINE = {_w(t) for t in ("del", "moveFrom", "pPr", "rPr", "proofErr", "bookmarkStart",
                                "bookmarkEnd", "commentRangeStart", "commentRangeEnd",
                                "permStart", "permEnd")}
_PAGE_FIELDS = re.compile(r"^\s*(PAGE|NUMPAGES|SECTIONPAGES|PAGEREF)\b", re.IGNORECASE)

_SAFE_PARSER = etree.XMLParser(resolve_entities=False, load_dtd=False, no_network=True,
                               huge_tree=False, remove_blank_text=False)

# what python-docx/lxml/zipfile raise on damaged input
_BROKEN_INPUT = (etree.LxmlError, zipfile.BadZipFile, zlib.error, KeyError, ValueError, OSError,
                 EOFError, RuntimeError, NotImplementedError, AttributeError, TypeError,
                 IndexError)

_Segment = tuple[str, str | None]  # (text, legacy encoding of the run or None)
_Line = list[_Segment]


def _on(el: Any) -> bool:
    """A w:ON_OFF property: present and not false."""
    if el is None:
        return False
    return el.get(_VAL) not in ("0", "false", "off")


# ---------------------------------------------------------------------------------------
class _Styles:
    """Run properties inherited from styles and docDefaults (fonts, caps, vanish)."""

    def __init__(self, styles_root: Any | None) -> None:
        self._styles: dict[str, Any] = {}
        self._default_para: str | None = None
        self._defaults_rpr: Any | None = None
        if styles_root is None:
            return
        for st in styles_root.iter(_w("style")):
            sid = st.get(_w("styleId"))
            if sid:
                self._styles[sid] = st
                if st.get(_w("type")) == "paragraph" and st.get(_w("default")) in ("1", "true"):
                    self._default_para = sid
        rpr_default = styles_root.find(f"{_w('docDefaults')}/{_w('rPrDefault')}/{_RPR}")
        self._defaults_rpr = rpr_default

    def _chain(self, style_id: str | None) -> Iterator[Any]:
        seen: set[str] = set()
        while style_id and style_id not in seen and style_id in self._styles:
            seen.add(style_id)
            st = self._styles[style_id]
            rpr = st.find(_RPR)
            if rpr is not None:
                yield rpr
            based = st.find(_w("basedOn"))
            style_id = based.get(_VAL) if based is not None else None

    def numbering(self, para_style: str | None) -> tuple[str | None, int | None]:
        """(numId, ilvl) a paragraph style (or its base styles) gives its paragraphs."""
        num_id: str | None = None
        ilvl: int | None = None
        seen: set[str] = set()
        style_id = para_style or self._default_para
        while style_id and style_id not in seen and style_id in self._styles:
            seen.add(style_id)
            st = self._styles[style_id]
            numpr = st.find(f"{_PPR}/{_w('numPr')}")
            if numpr is not None:
                num_el, lvl_el = numpr.find(_w("numId")), numpr.find(_w("ilvl"))
                if num_id is None and num_el is not None:
                    num_id = num_el.get(_VAL)
                if ilvl is None and lvl_el is not None:
                    ilvl = _int(lvl_el.get(_VAL))
            based = st.find(_w("basedOn"))
            style_id = based.get(_VAL) if based is not None else None
        return num_id, ilvl

    def levels(self, run_rpr: Any | None, para_style: str | None) -> list[Any]:
        """rPr elements from most to least specific for one run."""
        out: list[Any] = []
        if run_rpr is not None:
            out.append(run_rpr)
            rstyle = run_rpr.find(_w("rStyle"))
            if rstyle is not None:
                out.extend(self._chain(rstyle.get(_VAL)))
        out.extend(self._chain(para_style or self._default_para))
        if self._defaults_rpr is not None:
            out.append(self._defaults_rpr)
        return out


def _int(value: str | None, default: int = 0) -> int:
    try:
        return int(value) if value is not None else default
    except ValueError:
        return default


_ROMAN = ((1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"), (90, "xc"),
          (50, "l"), (40, "xl"), (10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i"))


def _format_number(n: int, fmt: str) -> str:
    """A list counter in a ``w:numFmt`` (the formats Vietnamese documents use)."""
    if fmt in ("lowerLetter", "upperLetter") and n > 0:
        letters = chr(ord("a") + (n - 1) % 26) * ((n - 1) // 26 + 1)  # a..z, aa..zz
        return letters.upper() if fmt == "upperLetter" else letters
    if fmt in ("lowerRoman", "upperRoman") and 0 < n < 4000:
        out, rest = [], n
        for value, numeral in _ROMAN:
            while rest >= value:
                out.append(numeral)
                rest -= value
        roman = "".join(out)
        return roman.upper() if fmt == "upperRoman" else roman
    if fmt == "decimalZero":
        return f"{n:02d}"
    return str(n)


class _Numbering:
    """Automatic list labels (``w:numPr``) as Word shows them: ``1.``, ``a)``, ``II.``,
    ``-`` for bullets. Lists sharing an abstract definition continue one another unless
    a ``w:startOverride`` restarts them (Word's "Restart numbering")."""

    def __init__(self, root: Any | None) -> None:
        # abstractNumId -> ilvl -> (numFmt, lvlText, start)
        self._abstract: dict[str, dict[int, tuple[str, str, int]]] = {}
        self._nums: dict[str, tuple[str, dict[int, int]]] = {}  # numId -> (abstract, starts)
        self._counters: dict[str, list[int | None]] = {}
        self._restarted: set[tuple[str, int]] = set()
        if root is None:
            return
        for absn in root.iter(_w("abstractNum")):
            levels: dict[int, tuple[str, str, int]] = {}
            for lvl in absn.findall(_w("lvl")):
                fmt_el, text_el = lvl.find(_w("numFmt")), lvl.find(_w("lvlText"))
                start_el = lvl.find(_w("start"))
                levels[_int(lvl.get(_w("ilvl")))] = (
                    (fmt_el.get(_VAL) if fmt_el is not None else None) or "decimal",
                    (text_el.get(_VAL) if text_el is not None else None) or "",
                    _int(start_el.get(_VAL) if start_el is not None else None, 1))
            self._abstract[str(absn.get(_w("abstractNumId")))] = levels
        for num in root.iter(_w("num")):
            abs_el = num.find(_w("abstractNumId"))
            if abs_el is None:
                continue
            starts = {}
            for override in num.findall(_w("lvlOverride")):
                start = override.find(_w("startOverride"))
                if start is not None:
                    starts[_int(override.get(_w("ilvl")))] = _int(start.get(_VAL), 1)
            self._nums[str(num.get(_w("numId")))] = (str(abs_el.get(_VAL)), starts)

    def label(self, num_id: str, ilvl: int) -> str | None:
        """The label of the next paragraph of list ``num_id`` at level ``ilvl``."""
        if num_id not in self._nums or not 0 <= ilvl < 9:
            return None
        abs_id, starts = self._nums[num_id]
        levels = self._abstract.get(abs_id, {})
        if ilvl not in levels:
            return None
        counters = self._counters.setdefault(abs_id, [None] * 9)
        fmt, text, start = levels[ilvl]
        if ilvl in starts and (num_id, ilvl) not in self._restarted:
            self._restarted.add((num_id, ilvl))
            counters[ilvl] = None
            start = starts[ilvl]
        current = counters[ilvl]
        counters[ilvl] = start if current is None else current + 1
        for deeper in range(ilvl + 1, 9):
            counters[deeper] = None
        if fmt == "none":
            return ""
        if fmt == "bullet":
            return "-"

        def number(m: re.Match[str]) -> str:
            k = int(m.group(1)) - 1
            level = levels.get(k)
            value = counters[k]
            if value is None:
                value = level[2] if level else 1
            return _format_number(value, level[0] if level else "decimal")

        return re.sub(r"%([1-9])", number, text).strip()


@dataclass
class _RunProps:
    encoding: str | None
    caps: bool
    hidden: bool


def _font_of(levels: list[Any]) -> str | None:
    # Word draws characters above 0x7F (where legacy letters live) in the hAnsi font.
    for attr in ("hAnsi", "ascii"):
        for rpr in levels:
            fonts = rpr.find(_w("rFonts"))
            if fonts is None:
                continue
            if fonts.get(_w(f"{attr}Theme")) is not None:
                break  # a theme font: Unicode (Times New Roman, Calibri...)
            name = fonts.get(_w(attr))
            if name:
                return str(name)
    return None


def _flag(levels: list[Any], tag: str) -> bool:
    for rpr in levels:
        el = rpr.find(_w(tag))
        if el is not None:
            return _on(el)
    return False


# ---------------------------------------------------------------------------------------
@dataclass
class _Walker:
    styles: _Styles
    part: Any = None  # the main document part: resolves w:altChunk relationships
    numbering: _Numbering | None = None
    warnings: list[str] = field(default_factory=list)
    _style_props: dict[str | None, _RunProps] = field(default_factory=dict)

    # -- blocks ------------------------------------------------------------------------
    def blocks(self, container: Any) -> list[_Line]:
        lines: list[_Line] = []
        for child in container:
            tag = child.tag
            if not isinstance(tag, str):
                continue  # comments, processing instructions, unresolved entities
            if tag == _P:
                lines.extend(self.paragraph(child))
            elif tag == _TBL:
                lines.extend(self.table(child))
            elif tag == _SDT:
                content = child.find(_SDT_CONTENT)
                if content is not None:
                    lines.extend(self.blocks(content))
            elif tag == _ALT:
                branch = _alternate_branch(child)
                if branch is not None:
                    lines.extend(self.blocks(branch))
            elif tag in (_w("customXml"), _SDT_CONTENT, _w("ins"), _w("moveTo")):
                lines.extend(self.blocks(child))
            elif tag == _w("altChunk"):
                lines.extend(self.alt_chunk(child.get(f"{{{_R}}}id")))
        return lines

    def alt_chunk(self, rid: str | None) -> list[_Line]:
        """An embedded alternative-format chunk (HTML, MHT, plain text), as e-office
        systems that build DOCX from HTML templates produce."""
        if self.part is None or not rid or rid not in self.part.rels:
            return []
        rel = self.part.rels[rid]
        if rel.is_external:
            # never fetched: a link to a remote part is a beacon, not content
            self.warnings.append(f"embedded chunk outside the file not read ({rel.target_ref})")
            return []
        target = rel.target_part
        ctype = str(getattr(target, "content_type", ""))
        blob = bytes(getattr(target, "blob", b"") or b"")
        text: str | None = None
        if ctype in ("text/html", "application/xhtml+xml"):
            text = _html_text(blob)
        elif ctype in ("message/rfc822", "multipart/related"):
            text = _mht_text(blob)
        elif ctype == "text/plain":
            from evidence.ingest.formats.txt import decode_text

            text = decode_text(blob)[0] if blob else ""
        if text is None:
            self.warnings.append(f"embedded {ctype or 'unknown'} chunk not read")
            return []
        return [[(ln, None)] for ln in text.splitlines() if ln.strip()]

    def table(self, tbl: Any) -> list[_Line]:
        lines: list[_Line] = []
        for tr in _children(tbl, _TR):
            cells = [c for c in self._row_cells(tr) if c]
            if len(cells) >= 3 and all(len(c) == 1 for c in cells):
                joined: _Line = []
                for i, cell in enumerate(cells):
                    if i:
                        joined.append(("\t", None))
                    joined.extend(cell[0])
                lines.append(joined)
            else:
                for cell in cells:
                    lines.extend(cell)
        return lines

    def _row_cells(self, tr: Any) -> list[list[_Line]]:
        cells = []
        for tc in _children(tr, _TC):
            tcpr = tc.find(_w("tcPr"))
            vmerge = tcpr.find(_w("vMerge")) if tcpr is not None else None
            if vmerge is not None and vmerge.get(_VAL) != "restart":
                continue  # continuation of a vertically merged cell: no own content
            cells.append([ln for ln in self.blocks(tc) if _line_text(ln).strip()])
        return cells

    # -- paragraphs --------------------------------------------------------------------
    def paragraph(self, p: Any) -> list[_Line]:
        ppr = p.find(_PPR)
        pstyle_el = ppr.find(_w("pStyle")) if ppr is not None else None
        pstyle = pstyle_el.get(_VAL) if pstyle_el is not None else None
        segments: _Line = []
        boxes: list[_Line] = []
        field_state: list[str] = []  # per open field: "code" | "result" | "skip"
        self._inline(p, pstyle, segments, boxes, field_state)
        label = self._list_label(ppr, pstyle)
        if label:
            text = _line_text(segments).lstrip()
            if text and not text.startswith(label):  # typed numbers are not doubled
                segments.insert(0, (label + " ", None))
        return [segments, *boxes]

    def _list_label(self, ppr: Any | None, pstyle: str | None) -> str | None:
        if self.numbering is None:
            return None
        numpr = ppr.find(_w("numPr")) if ppr is not None else None
        num_id, ilvl = self.styles.numbering(pstyle)
        if numpr is not None:
            num_el, lvl_el = numpr.find(_w("numId")), numpr.find(_w("ilvl"))
            if num_el is not None:
                num_id = num_el.get(_VAL)
            if lvl_el is not None:
                ilvl = _int(lvl_el.get(_VAL))
        if not num_id or num_id == "0":
            return None
        return self.numbering.label(num_id, ilvl or 0)

    def _inline(self, el: Any, pstyle: str | None, out: _Line, boxes: list[_Line],
                fields: list[str]) -> None:
        for child in el:
            tag = child.tag
            if not isinstance(tag, str) or tag in _SKIP_INLINE:
                continue
            if tag == _R_RUN:
                self._run(child, pstyle, out, boxes, fields)
            elif tag == _w("fldSimple"):
                if not _PAGE_FIELDS.match(child.get(_w("instr")) or ""):
                    self._inline(child, pstyle, out, boxes, fields)
            elif tag in _INLINE_CONTAINERS:
                self._inline(child, pstyle, out, boxes, fields)
            elif tag == _SDT:
                content = child.find(_SDT_CONTENT)
                if content is not None:
                    self._inline(content, pstyle, out, boxes, fields)
            elif tag == _ALT:
                branch = _alternate_branch(child)
                if branch is not None:
                    self._inline(branch, pstyle, out, boxes, fields)
            elif tag.startswith(f"{{{_M}}}"):
                text = "".join(t.text or "" for t in child.iter(_MATH_T))
                if text:
                    out.append((text, None))

    def _props(self, rpr: Any | None, pstyle: str | None) -> _RunProps:
        if rpr is None and pstyle in self._style_props:
            return self._style_props[pstyle]
        levels = self.styles.levels(rpr, pstyle)
        font = _font_of(levels)
        props = _RunProps(legacy.font_encoding(font), _flag(levels, "caps"), _flag(levels, "vanish"))
        if rpr is None:
            self._style_props[pstyle] = props
        return props

    def _run(self, r: Any, pstyle: str | None, out: _Line, boxes: list[_Line],
             fields: list[str]) -> None:
        props = self._props(r.find(_RPR), pstyle)
        parts: list[str] = []
        for child in r:
            tag = child.tag
            if not isinstance(tag, str):
                continue
            if tag == _w("fldChar"):
                kind = child.get(_w("fldCharType"))
                if kind == "begin":
                    fields.append("code")
                elif kind == "separate" and fields:
                    fields[-1] = "skip" if fields[-1] == "skip" else "result"
                elif kind == "end" and fields:
                    fields.pop()
                continue
            if tag == _w("instrText"):
                if fields and fields[-1] == "code" and _PAGE_FIELDS.match(child.text or ""):
                    fields[-1] = "skip"
                continue
            if fields and fields[-1] in ("code", "skip"):
                continue
            if tag == _T:
                parts.append(child.text or "")
            elif tag in (_w("tab"), _w("ptab")):
                parts.append("\t")
            elif tag in (_w("br"), _w("cr")):
                parts.append("\n")
            elif tag == _w("noBreakHyphen"):
                parts.append("-")
            elif tag == _w("softHyphen"):
                # TCVN3 keeps the letter ư in the soft-hyphen slot (0xAD): Word, or a
                # .doc conversion, may store it as <w:softHyphen/> (viparse VIP-87)
                if props.encoding in ("tcvn3", "tcvn3-caps"):
                    parts.append("\u00ad")
            elif tag in (_w("drawing"), _w("pict"), _ALT, _w("object")):
                for box in _text_boxes(child):
                    boxes.extend(ln for ln in self.blocks(box) if _line_text(ln).strip())
        if props.hidden:
            return
        text = "".join(parts)
        if not text:
            return
        if props.caps and props.encoding is None:
            text = text.upper()
        out.append((text, props.encoding if props.encoding else None))
        if props.caps and props.encoding in ("tcvn3", "vni"):
            # w:caps on a legacy run: upper-case after conversion (see _render)
            out[-1] = (text, props.encoding + "+caps")


def _children(el: Any, tag: str) -> Iterator[Any]:
    """Direct children with ``tag``, looking through content controls and customXml."""
    for child in el:
        if child.tag == tag:
            yield child
        elif child.tag in (_SDT, _w("customXml")):
            inner = child.find(_SDT_CONTENT) if child.tag == _SDT else child
            if inner is not None:
                yield from _children(inner, tag)


def _alternate_branch(alt: Any) -> Any | None:
    """The first ``mc:Choice`` of an ``mc:AlternateContent``, else its ``mc:Fallback``."""
    choice = alt.find(_CHOICE)
    if choice is not None:
        return choice
    return alt.find(_FALLBACK)


def _text_boxes(el: Any) -> Iterator[Any]:
    """Outermost ``w:txbxContent`` under ``el``, reading one branch of each
    ``mc:AlternateContent`` (Choice and Fallback hold the same box twice)."""
    if el.tag == _ALT:
        el = _alternate_branch(el)
        if el is None:
            return
    stack = [el]
    while stack:
        node = stack.pop()
        for child in reversed(list(node)):
            tag = child.tag
            if not isinstance(tag, str):
                continue
            if tag == _TXBX:
                yield child
            elif tag == _ALT:
                branch = _alternate_branch(child)
                if branch is not None:
                    stack.append(branch)
            else:
                stack.append(child)


_HTML_BLOCKS = ("p", "div", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "table",
                "blockquote", "pre", "section", "article", "header", "footer", "title")


def _html_text(blob: bytes) -> str:
    """Visible text of an HTML chunk, one line per block element, cells tab-separated."""
    import lxml.html

    if not blob.strip():
        return ""
    try:
        doc = lxml.html.document_fromstring(_decode_html(blob))
    except (etree.LxmlError, ValueError):
        return ""
    for bad in doc.xpath("//script|//style|//head/meta"):
        bad.drop_tree()
    for el in doc.iter():
        if not isinstance(el.tag, str):
            continue
        if el.tag == "br" or el.tag in _HTML_BLOCKS:
            el.tail = "\n" + (el.tail or "")
        elif el.tag in ("td", "th"):
            el.tail = "\t" + (el.tail or "")
    text = str(doc.text_content())
    return "\n".join(ln.strip(" \t") for ln in text.splitlines())


def _decode_html(blob: bytes) -> str:
    """HTML bytes to str: the declared charset, else UTF-8, else cp1258 (lxml alone
    assumes Latin-1 when no charset is declared)."""
    declared = re.search(rb"""charset=["']?([A-Za-z0-9_-]+)""", blob[:4096])
    codecs = [declared.group(1).decode("ascii")] if declared else []
    for codec in [*codecs, "utf-8-sig", "cp1258"]:
        try:
            text = blob.decode(codec)
            break
        except (LookupError, UnicodeDecodeError):
            continue
    else:
        text = blob.decode("latin-1")
    # lxml refuses str input that carries an XML encoding declaration
    return re.sub(r"^\s*<\?xml[^>]*\?>", "", text)


def _mht_text(blob: bytes) -> str | None:
    """The HTML part of a MIME HTML (.mht) chunk."""
    import email
    from email import policy

    msg = email.message_from_bytes(blob, policy=policy.default)
    for part in msg.walk():
        if part.get_content_type() == "text/html":
            payload = part.get_payload(decode=True)
            if isinstance(payload, bytes):
                charset = part.get_content_charset()
                if charset and b"charset=" not in payload[:4096]:
                    payload = payload.decode(charset, "replace").encode("utf-8")
                return _html_text(payload)
    return None


def _line_text(line: _Line) -> str:
    return "".join(t for t, _ in line)


# ---------------------------------------------------------------------------------------
def _groups(line: _Line) -> list[_Segment]:
    """Adjacent segments of one encoding merged (a VNI accent may sit in the next run)."""
    out: list[_Segment] = []
    for text, enc in line:
        if out and out[-1][1] == enc:
            out[-1] = (out[-1][0] + text, enc)
        else:
            out.append((text, enc))
    return out


def _render(lines: list[_Line], warnings: list[str]) -> str:
    """Convert legacy-font text, repair the rest when clearly broken, join lines.

    Runs named ``.VnTime`` often hold Unicode text (documents built on old templates), so
    each legacy group is weighed (``legacy.legacy_evidence``); undecided groups follow the
    document's majority, and the font when nothing is decided.
    """
    grouped = [_groups(ln) for ln in lines]
    votes = {1: 0, -1: 0}
    evidence: dict[tuple[int, int], int] = {}
    for li, line in enumerate(grouped):
        for gi, (text, enc) in enumerate(line):
            if enc is not None:
                ev = legacy.legacy_evidence(text, _base_encoding(enc))
                evidence[(li, gi)] = ev
                if ev:
                    votes[ev] += len(text)
    tie_converts = votes[1] >= votes[-1]
    converted: set[str] = set()
    rendered: list[list[tuple[str, bool]]] = []  # (text, is-plain) per group
    for li, line in enumerate(grouped):
        out_line = []
        for gi, (text, enc) in enumerate(line):
            if enc is None:
                out_line.append((text, True))
                continue
            ev = evidence[(li, gi)]
            if ev > 0 or (ev == 0 and tie_converts):
                new = legacy.decode(text, _base_encoding(enc))
                if enc.endswith("+caps"):
                    new = new.upper()
                if new != text:
                    converted.add(_base_encoding(enc).removesuffix("-caps"))
                out_line.append((new, False))
            else:
                out_line.append((text, True))
        rendered.append(out_line)
    if converted:
        warnings.append("legacy-font text converted to Unicode: "
                        + ", ".join(sorted(e.upper() for e in converted)))
    plain = "\n".join("".join(t for t, is_plain in ln if is_plain) for ln in rendered)
    fix: str | None = None
    if plain.strip():
        _, fix = legacy.fix_text_encoding(plain)
        if fix == "mojibake":
            warnings.append("UTF-8 text read as cp1252 (mojibake): repaired")
        elif fix:
            warnings.append(f"{fix.upper()} text in Unicode-font runs: converted to Unicode")
    out_lines = []
    for ln in rendered:
        pieces = []
        for text, is_plain in ln:
            if is_plain and fix == "mojibake":
                text = legacy.repair_mojibake(text, force=True)[0]
            elif is_plain and fix and legacy.legacy_evidence(text, fix) >= 0:
                text = legacy.decode(text, fix)
            pieces.append(text)
        out_lines.append("".join(pieces))
    return "\n".join(out_lines)


def _base_encoding(enc: str) -> str:
    return enc.removesuffix("+caps")


def _safe_xml(blob: bytes) -> Any:
    return etree.fromstring(blob, _SAFE_PARSER)


def _element(part: Any) -> Any | None:
    el = getattr(part, "element", None)
    if el is not None:
        return el
    blob = getattr(part, "blob", None)
    return _safe_xml(blob) if blob else None


def _related(part: Any, suffix: str) -> list[Any]:
    return [rel.target_part for rel in part.rels.values()
            if not rel.is_external and rel.reltype.endswith(suffix)]


def docx_text(path: Path) -> tuple[str, list[str]]:
    """Text of a DOCX file in reading order, and warnings (legacy fonts, repairs).

    Raises:
        TooLarge: the ZIP container is a bomb (``ingest.sniff.check_zip``).
        CorruptFile: the package or its XML cannot be read.
    """
    import docx.opc.exceptions

    check_zip(path)
    repairs: list[str] = []
    try:
        package = _open_package(path, repairs)
        main = package.main_document_part
        body_root = _element(main)
    except docx.opc.exceptions.PackageNotFoundError as exc:
        raise CorruptFile("not a readable DOCX package", subject=str(path)) from exc
    except (KeyError, zipfile.BadZipFile, etree.XMLSyntaxError, ValueError) as exc:
        raise CorruptFile(f"corrupt DOCX: {_short(exc)}", subject=str(path)) from exc
    if body_root is None:
        raise CorruptFile("DOCX without a main document part", subject=str(path))
    styles_parts = _related(main, "/styles")
    styles_root = _element(styles_parts[0]) if styles_parts else None
    numbering_parts = _related(main, "/numbering")
    numbering_root = _element(numbering_parts[0]) if numbering_parts else None
    walker = _Walker(_Styles(styles_root), part=main, numbering=_Numbering(numbering_root))

    body = body_root.find(_w("body"))
    if body is None:
        raise CorruptFile("DOCX document part has no body", subject=str(path))
    first_header, other_hf = _headers_footers(main, body)
    before = [ln for root in first_header for ln in walker.blocks(root)]
    lines = walker.blocks(body)
    after = [ln for root in other_hf for ln in walker.blocks(root)]
    notes: list[_Line] = []
    for suffix, tag in (("/footnotes", "footnote"), ("/endnotes", "endnote")):
        for part in _related(main, suffix):
            root = _element(part)
            if root is None:
                continue
            for note in root.iter(_w(tag)):
                if note.get(_w("type")) in (None, "normal"):
                    notes.extend(walker.blocks(note))

    seen = {_line_text(ln).strip() for ln in lines}
    extra_after: list[_Line] = []
    for ln in after:
        key = _line_text(ln).strip()
        if key and key not in seen:
            seen.add(key)
            extra_after.append(ln)
    all_lines = [ln for ln in before if _line_text(ln).strip()] + lines + extra_after + notes
    warnings = repairs + walker.warnings
    text = _render(all_lines, warnings)
    return text, warnings


def _open_package(path: Path, repairs: list[str]) -> Any:
    """Open the package; one whose relationships point at parts missing from the ZIP (a
    dangling image, a lost header) is opened again without those relationships, so what
    can be read is read, and ``repairs`` names what was left out."""
    from docx.package import Package

    try:
        return Package.open(str(path))
    except KeyError:
        fixed, dropped = _without_dangling_relationships(path)
        if not dropped:
            raise
        repairs.append("parts missing from the DOCX were left out: " + ", ".join(dropped[:5]))
        return Package.open(fixed)


def _without_dangling_relationships(path: Path) -> tuple[io.BytesIO, list[str]]:
    """A copy of the package in memory, each ``.rels`` without its internal targets that
    are not in the ZIP; and those targets."""
    import posixpath

    out = io.BytesIO()
    dropped: list[str] = []
    with zipfile.ZipFile(path) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        names = set(zin.namelist())
        for info in zin.infolist():
            data = zin.read(info)
            if info.filename.endswith(".rels"):
                root = etree.fromstring(data, _SAFE_PARSER)
                # "word/_rels/document.xml.rels" describes parts relative to "word/"
                base = posixpath.dirname(posixpath.dirname(info.filename))
                for rel in list(root):
                    target = rel.get("Target") or ""
                    if rel.get("TargetMode") == "External" or not target:
                        continue
                    name = (target.lstrip("/") if target.startswith("/")
                            else posixpath.normpath(posixpath.join(base, target)))
                    if name not in names:
                        root.remove(rel)
                        dropped.append(name)
                data = etree.tostring(root, xml_declaration=True, encoding="UTF-8",
                                      standalone=True)
            zout.writestr(info, data)
    out.seek(0)
    return out, dropped


def _headers_footers(main: Any, body: Any) -> tuple[list[Any], list[Any]]:
    """(header roots shown on page 1, every other header/footer root), each part once."""
    sect_prs = [sp for sp in body.iter(_w("sectPr"))]
    first: list[Any] = []
    others: list[Any] = []
    seen: set[str] = set()
    # the first section's sectPr is the first one in document order
    for index, sect in enumerate(sect_prs):
        title_pg = _on(sect.find(_w("titlePg")))
        for ref_tag in ("headerReference", "footerReference"):
            for ref in sect.findall(_w(ref_tag)):
                rid = ref.get(f"{{{_R}}}id")
                kind = ref.get(_w("type")) or "default"
                if not rid or rid not in main.rels:
                    continue
                part = main.rels[rid].target_part
                name = str(part.partname)
                if name in seen:
                    continue
                seen.add(name)
                root = _element(part)
                if root is None:
                    continue
                on_page_one = (index == 0 and ref_tag == "headerReference"
                               and kind == ("first" if title_pg else "default"))
                (first if on_page_one else others).append(root)
    return first, others


def _short(exc: BaseException) -> str:
    return str(exc).splitlines()[0][:200] if str(exc) else type(exc).__name__


def parse(path: Path, options: ParseOptions) -> ParsedFile:
    """Parse a DOCX file into one page of NFC text (see the module docstring).

    Args:
        path: the ``.docx`` file.
        options: parse options (DOCX uses none of them; kept for the common interface).

    Raises:
        TooLarge: ZIP bomb; CorruptFile: broken package or XML;
        EncryptedFile: a password-protected document (an OLE2 container).
    """
    path = Path(path)
    with path.open("rb") as fh:
        magic = fh.read(8)
    if magic.startswith(b"\xd0\xcf\x11\xe0"):
        from evidence.ingest.sniff import sniff

        if sniff(path) == "doc":
            raise UnsupportedFormat("a Word 97-2003 file named .docx: read it with ingest.doc",
                                    subject=str(path))
        raise EncryptedFile("password-protected Office file", subject=str(path))
    try:
        text, warnings = docx_text(path)
    except FileError:
        raise
    except _BROKEN_INPUT as exc:
        # python-docx and lxml on damaged packages raise many kinds; all mean "corrupt"
        log.debug("%s: unreadable DOCX", path, exc_info=True)
        raise CorruptFile(f"corrupt DOCX: {_short(exc)}", subject=str(path)) from exc
    text = clean_text(text)
    if not text.strip():
        warnings.append("no text in the document")
    if options.progress is not None:
        options.progress("page", 1)
    return ParsedFile(path=path, format="docx", pages=[Page(number=1, text=text)],
                      warnings=warnings)
