"""DOCX reading order, tables, headers/footers, text boxes, legacy fonts, bad input."""

from __future__ import annotations

import http.server
import threading
import time
import unicodedata
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import ClassVar

import docx
import pytest
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Pt
from evidence.errors import CorruptFile, FailReason, FileError, TooLarge
from evidence.ingest.base import ParseOptions
from evidence.ingest.formats import docx as docx_ingest

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def _parse(path: Path) -> tuple[str, list[str]]:
    parsed = docx_ingest.parse(path, ParseOptions())
    assert parsed.format == "docx"
    assert len(parsed.pages) == 1 and parsed.pages[0].number == 1
    return parsed.pages[0].text, parsed.warnings


def _lines(text: str) -> list[str]:
    return [ln.strip() for ln in text.splitlines() if ln.strip()]


def _header_table(document: docx.document.Document, left: list[str], right: list[str]) -> None:
    """The official header block: one row, two borderless cells of several paragraphs."""
    table = document.add_table(rows=1, cols=2)
    for cell, paras in zip(table.rows[0].cells, (left, right), strict=True):
        cell.paragraphs[0].text = paras[0]
        for text in paras[1:]:
            cell.add_paragraph(text)


def _rewrite(path: Path, changes: dict[str, Callable[[bytes | None], bytes]]) -> None:
    """Rewrite entries of a DOCX package (None in: the entry is new)."""
    with zipfile.ZipFile(path) as zf:
        entries = {i.filename: zf.read(i.filename) for i in zf.infolist()}
    for name, change in changes.items():
        entries[name] = change(entries.get(name))
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in entries.items():
            zf.writestr(name, data)


def _plain_fonts(run: docx.text.run.Run, name: str) -> None:
    """Set a run's font (w:rFonts ascii + hAnsi, no theme font)."""
    run.font.name = name


# ---- reading order and structure ------------------------------------------------------

def test_header_table_then_body_in_order(tmp_path: Path) -> None:
    d = docx.Document()
    _header_table(d, ["ỦY BAN NHÂN DÂN", "HUYỆN ĐỨC THỌ", "Số: 111/KH-UBND"],
                  ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc",
                   "Đức Thọ, ngày 17 tháng 01 năm 2023"])
    d.add_paragraph("KẾ HOẠCH")
    d.add_paragraph("Cải cách hành chính huyện Đức Thọ năm 2023")
    data = d.add_table(rows=2, cols=3)
    for row, values in zip(data.rows, (["STT", "Nội dung", "Thời gian"],
                                       ["1", "Rà soát thủ tục", "Quý I"]), strict=True):
        for cell, value in zip(row.cells, values, strict=True):
            cell.text = value
    d.add_paragraph("Nơi nhận: Như trên.")
    p = tmp_path / "kh.docx"
    d.save(str(p))
    text, _ = _parse(p)
    assert _lines(text) == [
        "ỦY BAN NHÂN DÂN", "HUYỆN ĐỨC THỌ", "Số: 111/KH-UBND",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc",
        "Đức Thọ, ngày 17 tháng 01 năm 2023",
        "KẾ HOẠCH", "Cải cách hành chính huyện Đức Thọ năm 2023",
        "STT\tNội dung\tThời gian", "1\tRà soát thủ tục\tQuý I",
        "Nơi nhận: Như trên.",
    ]


def test_header_rows_and_merged_cells(tmp_path: Path) -> None:
    d = docx.Document()
    t = d.add_table(rows=2, cols=2)
    t.cell(0, 0).text = "ỦY BAN NHÂN DÂN TỈNH"
    t.cell(0, 1).text = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
    t.cell(1, 0).text = "Số: 05/CT-UBND"
    t.cell(1, 1).text = "Hà Tĩnh, ngày 17 tháng 4 năm 2023"
    merged = d.add_table(rows=2, cols=3)
    merged.cell(0, 0).merge(merged.cell(0, 2)).text = "Danh mục kèm theo"
    p = tmp_path / "ct.docx"
    d.save(str(p))
    lines = _lines(_parse(p)[0])
    assert lines == ["ỦY BAN NHÂN DÂN TỈNH", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
                     "Số: 05/CT-UBND", "Hà Tĩnh, ngày 17 tháng 4 năm 2023",
                     "Danh mục kèm theo"]


def test_nested_table(tmp_path: Path) -> None:
    d = docx.Document()
    outer = d.add_table(rows=1, cols=1)
    cell = outer.cell(0, 0)
    cell.paragraphs[0].text = "Trước bảng con"
    inner = cell.add_table(rows=1, cols=2)
    inner.cell(0, 0).text = "Phòng Nội vụ"
    inner.cell(0, 1).text = "chủ trì"
    cell.add_paragraph("Sau bảng con")
    p = tmp_path / "nested.docx"
    d.save(str(p))
    assert _lines(_parse(p)[0]) == ["Trước bảng con", "Phòng Nội vụ", "chủ trì",
                                    "Sau bảng con"]


def _field_run_xml(instr: str, result: str) -> list[str]:
    ns = nsdecls("w")
    return [
        f'<w:r {ns}><w:fldChar w:fldCharType="begin"/></w:r>',
        f'<w:r {ns}><w:instrText xml:space="preserve"> {instr} </w:instrText></w:r>',
        f'<w:r {ns}><w:fldChar w:fldCharType="separate"/></w:r>',
        f'<w:r {ns}><w:t>{result}</w:t></w:r>',
        f'<w:r {ns}><w:fldChar w:fldCharType="end"/></w:r>',
    ]


def test_headers_footers_and_page_fields(tmp_path: Path) -> None:
    d = docx.Document()
    section = d.sections[0]
    section.different_first_page_header_footer = True
    section.first_page_header.paragraphs[0].text = "DỰ THẢO"
    section.header.paragraphs[0].text = "Trang sau"
    footer_p = section.footer.paragraphs[0]
    footer_p.text = "Văn phòng HĐND và UBND huyện"
    for xml in _field_run_xml("PAGE \\* MERGEFORMAT", "7"):
        footer_p._p.append(parse_xml(xml))
    body = d.add_paragraph("Nội dung chính. Xem ")
    for xml in _field_run_xml('REF _Ref1 \\h', "mục 2"):
        body._p.append(parse_xml(xml))
    p = tmp_path / "hf.docx"
    d.save(str(p))
    lines = _lines(_parse(p)[0])
    assert lines[0] == "DỰ THẢO"  # page-1 header comes first
    assert "Nội dung chính. Xem mục 2" in lines  # a field's result is kept...
    assert "Trang sau" in lines and "Văn phòng HĐND và UBND huyện" in lines
    assert lines.index("Trang sau") > lines.index("Nội dung chính. Xem mục 2")
    assert "7" not in "".join(lines)  # ...but page numbers are not
    assert "MERGEFORMAT" not in "".join(lines)


TEXTBOX_RUN = (
    '<w:r {ns}><mc:AlternateContent>'
    '<mc:Choice Requires="wps"><w:drawing><wp:anchor><a:graphic><a:graphicData>'
    '<wps:wsp><wps:txbx><w:txbxContent><w:p><w:r><w:t>{text}</w:t></w:r></w:p>'
    '</w:txbxContent></wps:txbx></wps:wsp></a:graphicData></a:graphic></wp:anchor>'
    '</w:drawing></mc:Choice>'
    '<mc:Fallback><w:pict><v:shape><v:textbox><w:txbxContent><w:p><w:r><w:t>{text}</w:t>'
    '</w:r></w:p></w:txbxContent></v:textbox></v:shape></w:pict></mc:Fallback>'
    '</mc:AlternateContent></w:r>'
)


def test_text_box_read_once(tmp_path: Path) -> None:
    d = docx.Document()
    anchor = d.add_paragraph("Đoạn neo")
    ns = " ".join([
        nsdecls("w", "wp", "a"),
        'xmlns:v="urn:schemas-microsoft-com:vml"',
        'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006"',
        'xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape"',
    ])
    anchor._p.append(parse_xml(TEXTBOX_RUN.format(ns=ns, text="Số: 2650/UBND-NV")))
    d.add_paragraph("Đoạn sau")
    p = tmp_path / "box.docx"
    d.save(str(p))
    lines = _lines(_parse(p)[0])
    assert lines == ["Đoạn neo", "Số: 2650/UBND-NV", "Đoạn sau"]


def test_deleted_hidden_and_caps_runs(tmp_path: Path) -> None:
    d = docx.Document()
    para = d.add_paragraph("Giao ")
    ns = nsdecls("w")
    para._p.append(parse_xml(
        f'<w:del {ns} w:id="1" w:author="a"><w:r><w:delText>Phòng Tư pháp</w:delText></w:r>'
        f'</w:del>'))
    para._p.append(parse_xml(
        f'<w:ins {ns} w:id="2" w:author="a"><w:r><w:t>Phòng Nội vụ</w:t></w:r></w:ins>'))
    hidden = para.add_run(" (ghi chú ẩn)")
    hidden.font.hidden = True
    caps = d.add_paragraph().add_run("quyết định")
    caps.font.all_caps = True
    p = tmp_path / "track.docx"
    d.save(str(p))
    assert _lines(_parse(p)[0]) == ["Giao Phòng Nội vụ", "QUYẾT ĐỊNH"]


def _add_footnotes(path: Path, text: str) -> None:
    notes = (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        f'<w:footnotes xmlns:w="{W_NS}">'
        f'<w:footnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p>'
        f'</w:footnote>'
        f'<w:footnote w:id="1"><w:p><w:r><w:t>{text}</w:t></w:r></w:p></w:footnote>'
        f'</w:footnotes>').encode()
    rel = (b'<Relationship Id="rIdFn1" Type="http://schemas.openxmlformats.org/'
           b'officeDocument/2006/relationships/footnotes" Target="footnotes.xml"/>')
    ctype = (b'<Override PartName="/word/footnotes.xml" ContentType="application/'
             b'vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml"/>')
    _rewrite(path, {
        "word/footnotes.xml": lambda _: notes,
        "word/_rels/document.xml.rels":
            lambda b: (b or b"").replace(b"</Relationships>", rel + b"</Relationships>"),
        "[Content_Types].xml": lambda b: (b or b"").replace(b"</Types>", ctype + b"</Types>"),
    })


def test_footnotes_last(tmp_path: Path) -> None:
    d = docx.Document()
    d.add_paragraph("Thân văn bản")
    p = tmp_path / "fn.docx"
    d.save(str(p))
    _add_footnotes(p, "Văn bản số 206/UBND-KT ngày 12/7/2023")
    assert _lines(_parse(p)[0]) == ["Thân văn bản", "Văn bản số 206/UBND-KT ngày 12/7/2023"]


def _alt_chunk_docx(path: Path, content_type: str, partname: str, blob: bytes) -> None:
    from docx.opc.constants import RELATIONSHIP_TYPE as RT
    from docx.opc.packuri import PackURI
    from docx.opc.part import Part

    d = docx.Document()
    d.add_paragraph("Trước")
    part = Part(PackURI(partname), content_type, blob, d.part.package)
    rid = d.part.relate_to(part, RT.A_F_CHUNK)
    body = d.element.body
    body.insert(len(body) - 1, parse_xml(f'<w:altChunk {nsdecls("w", "r")} r:id="{rid}"/>'))
    d.add_paragraph("Sau")
    d.save(str(path))


def test_html_alt_chunk(tmp_path: Path) -> None:
    # e-office systems build DOCX from HTML templates with w:altChunk
    html = ("<html><head><style>p{color:red}</style><script>var x=1;</script></head><body>"
            "<p>Số: 12/TB-UBND</p><table><tr><td>Phòng Nội vụ</td><td>chủ trì</td></tr>"
            "</table><p>Đức Thọ,<br>ngày 25 tháng 8</p></body></html>").encode()
    p = tmp_path / "alt.docx"
    _alt_chunk_docx(p, "text/html", "/word/afchunk.htm", html)
    text, warnings = _parse(p)
    assert _lines(text) == ["Trước", "Số: 12/TB-UBND", "Phòng Nội vụ\tchủ trì", "Đức Thọ,",
                            "ngày 25 tháng 8", "Sau"]
    assert warnings == []


def test_unreadable_alt_chunk_is_a_warning(tmp_path: Path) -> None:
    p = tmp_path / "alt-rtf.docx"
    _alt_chunk_docx(p, "application/rtf", "/word/afchunk.rtf", b"{\\rtf1 x}")
    text, warnings = _parse(p)
    assert _lines(text) == ["Trước", "Sau"]
    assert warnings == ["embedded application/rtf chunk not read"]


def test_list_numbering_from_styles(tmp_path: Path) -> None:
    d = docx.Document()
    d.add_paragraph("Giao Phòng Nội vụ chủ trì", style="List Number")
    d.add_paragraph("Giao Văn phòng HĐND và UBND huyện", style="List Number")
    d.add_paragraph("3. Các xã, thị trấn", style="List Number")  # typed: not doubled
    d.add_paragraph("Ghi chú", style="List Bullet")
    p = tmp_path / "list.docx"
    d.save(str(p))
    assert _lines(_parse(p)[0]) == ["1. Giao Phòng Nội vụ chủ trì",
                                    "2. Giao Văn phòng HĐND và UBND huyện",
                                    "3. Các xã, thị trấn", "- Ghi chú"]


def _numbered(paragraph: docx.text.paragraph.Paragraph, num_id: int, ilvl: int) -> None:
    ppr = paragraph._p.get_or_add_pPr()
    ppr.insert(0, parse_xml(f'<w:numPr {nsdecls("w")}><w:ilvl w:val="{ilvl}"/>'
                            f'<w:numId w:val="{num_id}"/></w:numPr>'))


def test_multilevel_numbering_and_restart(tmp_path: Path) -> None:
    d = docx.Document()
    numbering = d.part.numbering_part.element
    ns = nsdecls("w")
    numbering.insert(0, parse_xml(
        f'<w:abstractNum {ns} w:abstractNumId="90">'
        f'<w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="upperRoman"/>'
        f'<w:lvlText w:val="%1."/></w:lvl>'
        f'<w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="decimal"/>'
        f'<w:lvlText w:val="%1.%2."/></w:lvl>'
        f'<w:lvl w:ilvl="2"><w:start w:val="1"/><w:numFmt w:val="lowerLetter"/>'
        f'<w:lvlText w:val="%3)"/></w:lvl></w:abstractNum>'))
    numbering.append(parse_xml(f'<w:num {ns} w:numId="90"><w:abstractNumId w:val="90"/></w:num>'))
    numbering.append(parse_xml(
        f'<w:num {ns} w:numId="91"><w:abstractNumId w:val="90"/>'
        f'<w:lvlOverride w:ilvl="2"><w:startOverride w:val="1"/></w:lvlOverride></w:num>'))
    plan = [("NHIỆM VỤ", 90, 0), ("Rà soát", 90, 1), ("cấp huyện", 90, 2), ("cấp xã", 90, 2),
            ("Kiểm tra", 90, 1), ("đợt I", 91, 2), ("TỔ CHỨC THỰC HIỆN", 90, 0)]
    for text, num_id, ilvl in plan:
        _numbered(d.add_paragraph(text), num_id, ilvl)
    p = tmp_path / "multi.docx"
    d.save(str(p))
    assert _lines(_parse(p)[0]) == ["I. NHIỆM VỤ", "I.1. Rà soát", "a) cấp huyện", "b) cấp xã",
                                    "I.2. Kiểm tra", "a) đợt I", "II. TỔ CHỨC THỰC HIỆN"]


# ---- normalisation and encodings -----------------------------------------------------

def test_nfd_input_becomes_nfc(tmp_path: Path) -> None:
    d = docx.Document()
    nfd = unicodedata.normalize("NFD", "Quyết định số 245/QĐ-UBND của Ủy ban nhân dân")
    d.add_paragraph(nfd + "\u200b")
    p = tmp_path / "nfd.docx"
    d.save(str(p))
    text, _ = _parse(p)
    assert text == "Quyết định số 245/QĐ-UBND của Ủy ban nhân dân"
    assert unicodedata.is_normalized("NFC", text)


def test_tcvn3_runs_by_font(tmp_path: Path) -> None:
    d = docx.Document()
    head = d.add_paragraph().add_run("ñy ban nh©n d©n huyÖn §øc Thä")
    _plain_fonts(head, ".VnTimeH")
    body = d.add_paragraph().add_run("QuyÕt ®Þnh sè 870/Q§-UBND ngµy 10/5/2023")
    _plain_fonts(body, ".VnTime")
    mixed = d.add_paragraph()
    _plain_fonts(mixed.add_run("Ng­êi ký: "), ".VnTime")  # ư kept as U+00AD
    mixed.add_run("Trần Văn An")  # a Unicode run in the same paragraph
    p = tmp_path / "tcvn3.docx"
    d.save(str(p))
    text, warnings = _parse(p)
    assert _lines(text) == ["ỦY BAN NHÂN DÂN HUYỆN ĐỨC THỌ",
                            "Quyết định số 870/QĐ-UBND ngày 10/5/2023",
                            "Người ký: Trần Văn An"]
    assert any("TCVN3" in w for w in warnings)


def test_tcvn3_soft_hyphen_element(tmp_path: Path) -> None:
    # a .doc converted by LibreOffice/Word stores TCVN3 "ư" as <w:softHyphen/>
    d = docx.Document()
    para = d.add_paragraph()
    ns = nsdecls("w")
    para._p.append(parse_xml(
        f'<w:r {ns}><w:rPr><w:rFonts w:ascii=".VnTime" w:hAnsi=".VnTime"/></w:rPr>'
        f'<w:t>ng</w:t><w:softHyphen/><w:t xml:space="preserve">êi d©n</w:t></w:r>'))
    para._p.append(parse_xml(f'<w:r {ns}><w:t>Unicode</w:t><w:softHyphen/><w:t>text</w:t></w:r>'))
    p = tmp_path / "shy.docx"
    d.save(str(p))
    assert _lines(_parse(p)[0]) == ["người dânUnicodetext"]


def test_vni_accent_split_across_runs(tmp_path: Path) -> None:
    d = docx.Document()
    para = d.add_paragraph()
    for piece in ("Coäng hoøa xaõ hoäi chuû nghóa Vieä", "t Nam - Ñöùc Tho", "ï"):
        run = para.add_run(piece)
        _plain_fonts(run, "VNI-Times")
        run.font.size = Pt(13)
    p = tmp_path / "vni.docx"
    d.save(str(p))
    text, warnings = _parse(p)
    assert text.strip() == "Cộng hòa xã hội chủ nghĩa Việt Nam - Đức Thọ"
    assert any("VNI" in w for w in warnings)


def _set_normal_font(document: docx.document.Document, name: str) -> None:
    rpr = document.styles["Normal"].element.get_or_add_rPr()
    for old in rpr.findall(qn("w:rFonts")):
        rpr.remove(old)
    rpr.insert(0, parse_xml(f'<w:rFonts {nsdecls("w")} w:ascii="{name}" w:hAnsi="{name}"/>'))


def test_font_inherited_from_style(tmp_path: Path) -> None:
    d = docx.Document()
    _set_normal_font(d, ".VnTime")
    d.add_paragraph("Thùc hiÖn KÕ ho¹ch sè 111/KH-UBND cña UBND huyÖn")
    p = tmp_path / "style.docx"
    d.save(str(p))
    assert _parse(p)[0].strip() == "Thực hiện Kế hoạch số 111/KH-UBND của UBND huyện"


def test_unicode_text_in_vntime_styled_document_is_untouched(tmp_path: Path) -> None:
    # real files: templates keep .VnTime in styles while people type Unicode
    d = docx.Document()
    _set_normal_font(d, ".VnTime")
    lines = ["Các cơ quan, đơn vị báo cáo kết quả thực hiện.", "Cá nhân", "và các xã"]
    for line in lines:
        d.add_paragraph(line)
    p = tmp_path / "unicode-vntime.docx"
    d.save(str(p))
    text, warnings = _parse(p)
    assert _lines(text) == lines
    assert not warnings


def test_tcvn3_text_in_unicode_font_keeps_unicode_header(tmp_path: Path) -> None:
    # fonts switched to Times New Roman without converting the old body text
    d = docx.Document()
    _header_table(d, ["ỦY BAN NHÂN DÂN", "HUYỆN ĐỨC THỌ"],
                  ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc"])
    body = ["Thùc hiÖn KÕ ho¹ch sè 111/KH-UBND ngµy 17/01/2023 cña UBND huyÖn",
            "UBND huyÖn yªu cÇu c¸c c¬ quan, ®¬n vÞ triÓn khai thùc hiÖn nghiªm tóc",
            "B¸o c¸o kÕt qu¶ tr­íc ngµy 15 hµng th¸ng"]
    for line in body:
        d.add_paragraph(line)
    p = tmp_path / "mixed.docx"
    d.save(str(p))
    text, warnings = _parse(p)
    assert _lines(text) == [
        "ỦY BAN NHÂN DÂN", "HUYỆN ĐỨC THỌ", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "Thực hiện Kế hoạch số 111/KH-UBND ngày 17/01/2023 của UBND huyện",
        "UBND huyện yêu cầu các cơ quan, đơn vị triển khai thực hiện nghiêm túc",
        "Báo cáo kết quả trước ngày 15 hàng tháng"]
    assert warnings == ["TCVN3 text in Unicode-font runs: converted to Unicode"]


def test_mojibake_paragraphs_repaired(tmp_path: Path) -> None:
    d = docx.Document()
    good = "Quyết định về việc ban hành Kế hoạch cải cách hành chính"
    broken = "".join(bytes([b]).decode("cp1252", errors="ignore") or chr(b)
                     for b in good.encode("utf-8"))
    d.add_paragraph(broken)
    p = tmp_path / "moji.docx"
    d.save(str(p))
    text, warnings = _parse(p)
    assert text.strip() == good
    assert any("mojibake" in w for w in warnings)


# ---- bad input ------------------------------------------------------------------------

def test_truncated_docx(tmp_path: Path) -> None:
    d = docx.Document()
    d.add_paragraph("x" * 1000)
    p = tmp_path / "cut.docx"
    d.save(str(p))
    p.write_bytes(p.read_bytes()[:5000])
    with pytest.raises(FileError) as err:
        docx_ingest.parse(p, ParseOptions())
    assert err.value.reason in (FailReason.TRUNCATED, FailReason.CORRUPT)


def test_broken_xml_is_corrupt(tmp_path: Path) -> None:
    d = docx.Document()
    d.add_paragraph("x")
    p = tmp_path / "broken.docx"
    d.save(str(p))
    _rewrite(p, {"word/document.xml": lambda b: (b or b"")[:-40]})
    with pytest.raises(CorruptFile):
        docx_ingest.parse(p, ParseOptions())


def test_zip_without_document_is_corrupt(tmp_path: Path) -> None:
    p = tmp_path / "nodoc.docx"
    with zipfile.ZipFile(p, "w") as zf:
        zf.writestr("hello.txt", "x")
    with pytest.raises(CorruptFile):
        docx_ingest.parse(p, ParseOptions())


def test_zip_bomb_docx(tmp_path: Path) -> None:
    d = docx.Document()
    d.add_paragraph("x")
    p = tmp_path / "bomb.docx"
    d.save(str(p))
    with zipfile.ZipFile(p, "a", zipfile.ZIP_DEFLATED) as zf, \
            zf.open("word/media/image1.bin", "w") as fh:
        for _ in range(24):
            fh.write(b"\x00" * (1 << 20))
    with pytest.raises(TooLarge, match="zip bomb"):
        docx_ingest.parse(p, ParseOptions())


class _CountingHandler(http.server.BaseHTTPRequestHandler):
    hits: ClassVar[list[str]] = []

    def do_GET(self) -> None:
        self.hits.append(self.path)
        body = b'<!ENTITY leaked "FETCHED-OVER-HTTP">'
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def http_probe() -> Iterator[tuple[str, list[str]]]:
    hits: ClassVar[list[str]] = []
    handler = type("Handler", (_CountingHandler,), {"hits": hits})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", hits
    finally:
        server.shutdown()
        server.server_close()


def test_xxe_is_neither_fetched_nor_expanded(tmp_path: Path,
                                             http_probe: tuple[str, list[str]]) -> None:
    url, hits = http_probe
    secret = tmp_path / "secret.txt"
    secret.write_text("BI-MAT-123", encoding="utf-8")
    d = docx.Document()
    d.add_paragraph("PLACEHOLDER")
    p = tmp_path / "xxe.docx"
    d.save(str(p))
    doctype = (f'<!DOCTYPE w:document SYSTEM "{url}/external.dtd" [\n'
               f'<!ENTITY file SYSTEM "{secret.as_uri()}">\n'
               f'<!ENTITY web SYSTEM "{url}/entity">\n'
               f'<!ENTITY % remote SYSTEM "{url}/param.dtd">\n%remote;\n'
               f'<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">\n'
               f'<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">\n]>')

    def inject(data: bytes | None) -> bytes:
        xml = (data or b"").decode("utf-8")
        head, sep, rest = xml.partition("?>")
        xml = head + sep + doctype + rest
        return xml.replace("PLACEHOLDER", "A&file;B&web;C&lol3;D&leaked;").encode("utf-8")

    _rewrite(p, {"word/document.xml": inject})
    try:
        text, _ = _parse(p)
    except CorruptFile:
        text = ""  # refusing the document is as safe as reading it without entities
    else:
        assert text.startswith("A") and text.rstrip().endswith("D")
    assert hits == []
    assert "BI-MAT" not in text and "FETCHED" not in text
    assert "lollollol" not in text


# ---- real files -----------------------------------------------------------------------

@pytest.mark.shared
def test_real_docx_files_parse(shared_dir: Path) -> None:
    files = sorted((shared_dir / "data" / "realfiles").glob("*.docx"))
    assert len(files) >= 90
    times = []
    for f in files:
        start = time.perf_counter()
        text, _ = _parse(f)
        times.append(time.perf_counter() - start)
        assert text.strip(), f.name
        assert unicodedata.is_normalized("NFC", text), f.name
        assert "\u00ad" not in text and "\x00" not in text
    times.sort()
    print(f"\n{len(files)} real DOCX: total {sum(times):.2f} s, "
          f"median {times[len(times) // 2] * 1000:.0f} ms, max {times[-1] * 1000:.0f} ms")


def test_damaged_packages_fail_cleanly(tmp_path: Path) -> None:
    """Random byte and XML damage: either parsed or a FileError, never another exception."""
    import io
    import random

    base = tmp_path / "base.docx"
    d = docx.Document()
    d.add_paragraph("Quyết định số 245/QĐ-UBND")
    d.add_table(rows=2, cols=2).cell(0, 0).text = "Phòng Nội vụ"
    d.save(str(base))
    data = base.read_bytes()
    with zipfile.ZipFile(base) as zf:
        entries = {n: zf.read(n) for n in zf.namelist()}
    target = tmp_path / "damaged.docx"
    for seed in range(40):
        rng = random.Random(seed)
        if seed % 2:
            raw = bytearray(data)
            for _ in range(rng.randint(1, 5)):
                raw[rng.randrange(len(raw))] = rng.randrange(256)
            target.write_bytes(bytes(raw))
        else:
            name = rng.choice(sorted(entries))
            xml = bytearray(entries[name])
            for _ in range(rng.randint(1, 4)):
                xml[rng.randrange(len(xml))] = rng.choice(b'<>/"=&; a\x00\xff')
            buf = io.BytesIO()
            with zipfile.ZipFile(buf, "w") as zf:
                for n, v in entries.items():
                    zf.writestr(n, bytes(xml) if n == name else v)
            target.write_bytes(buf.getvalue())
        try:
            docx_ingest.parse(target, ParseOptions())
        except FileError:
            pass


def _docx_with(tmp_path: Path, name: str, rels_extra: bytes, body_extra: bytes) -> Path:
    """A DOCX of our own with extra relationships / body XML spliced into its parts."""
    import zipfile

    import docx as python_docx

    base = tmp_path / "base.docx"
    d = python_docx.Document()
    for line in ("ỦY BAN NHÂN DÂN", "HUYỆN CẨM XUYÊN", "Số: 55/KH-UBND", "KẾ HOẠCH",
                 "Kiểm tra công vụ năm 2025"):
        d.add_paragraph(line)
    d.save(str(base))
    out = tmp_path / name
    with zipfile.ZipFile(base) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info)
            if info.filename == "word/_rels/document.xml.rels":
                data = data.replace(b"</Relationships>", rels_extra + b"</Relationships>")
            elif info.filename == "word/document.xml":
                data = data.replace(b"<w:sectPr", body_extra + b"<w:sectPr", 1)
            zout.writestr(info, data)
    return out


def test_an_external_altchunk_is_not_fetched_and_the_rest_is_read(tmp_path: Path) -> None:
    from evidence.ingest.formats.docx import parse as parse_docx

    path = _docx_with(
        tmp_path, "ngoai.docx",
        b'<Relationship Id="rIdX1" Type="http://schemas.openxmlformats.org/officeDocument/'
        b'2006/relationships/aFChunk" Target="http://127.0.0.1:9/chunk.html" '
        b'TargetMode="External"/>', b'<w:altChunk r:id="rIdX1"/>')
    pf = parse_docx(path, ParseOptions())
    assert "Số: 55/KH-UBND" in pf.pages[0].text
    assert any("outside the file" in w and "127.0.0.1:9" in w for w in pf.warnings)


def test_a_dangling_relationship_is_left_out_and_the_rest_is_read(tmp_path: Path) -> None:
    from evidence.ingest.formats.docx import parse as parse_docx

    path = _docx_with(
        tmp_path, "thieu-anh.docx",
        b'<Relationship Id="rIdX2" Type="http://schemas.openxmlformats.org/officeDocument/'
        b'2006/relationships/image" Target="media/khong-co.png"/>', b"")
    pf = parse_docx(path, ParseOptions())
    assert "Kiểm tra công vụ năm 2025" in pf.pages[0].text
    assert any("word/media/khong-co.png" in w for w in pf.warnings)
