"""Fixture PDFs built with real PDF libraries (fpdf2 for the page, pypdf for the forms).

- :func:`signed_letter`: a công văn whose number and day exist only in form-field
  appearance streams (a ``/Sig`` widget over the blank of ``Số:`` and a read-only text widget
  over the blank of ``ngày``), the signature dictionary carrying ``/M``, ``/Reason``, a
  ``/ByteRange`` and a detached CMS signature made with a self-signed certificate.
- :func:`text_pdf`: pages of text laid out line by line.
- :func:`glyph_pdf`: a page whose lines are drawn glyph by glyph with narrow white and no
  space character between words (the text layer of some e-office exports).

All text is written here for the tests (no real document is copied).
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from pathlib import Path
from typing import Any

FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
PAGE_H = 842.0


def _fpdf(nfd: bool) -> tuple[object, object]:
    from fpdf import FPDF

    pdf = FPDF(unit="pt", format="A4")
    pdf.set_auto_page_break(False)
    pdf.add_font("DejaVu", fname=str(FONT))
    form = "NFD" if nfd else "NFC"

    def put(x: float, y: float, text: str, size: float = 11) -> None:
        pdf.set_font("DejaVu", size=size)
        pdf.text(x, y, unicodedata.normalize(form, text))

    return pdf, put


def text_pdf(path: Path, pages: list[list[str]], *, nfd: bool = False) -> Path:
    """One line per string, 16 pt apart, from the top of each page."""
    pdf, put = _fpdf(nfd)
    for lines in pages:
        pdf.add_page()  # type: ignore[attr-defined]
        for k, line in enumerate(lines):
            put(50, 60 + 16 * k, line)  # type: ignore[operator]
    pdf.output(str(path))  # type: ignore[attr-defined]
    return path


def glyph_pdf(path: Path, lines: list[str], *, space: float = 0.3, size: float = 13) -> Path:
    """One line per string, each glyph placed on its own and a space drawn as ``space``
    of its width: no space character is in the file, and pdfium finds none in white that
    narrow (a bold heading of an e-office export reads ``SỞVĂNHÓA,THỂTHAO…``)."""
    from fpdf import FPDF

    pdf = FPDF(unit="pt", format="A4")
    pdf.set_auto_page_break(False)
    pdf.add_font("DejaVu", fname=str(FONT))
    pdf.set_font("DejaVu", size=size)
    pdf.add_page()
    for k, line in enumerate(lines):
        x = 50.0
        for ch in line:
            if ch == " ":
                x += pdf.get_string_width(" ") * space
                continue
            pdf.text(x, 60 + 20 * k, ch)
            x += pdf.get_string_width(ch)
    pdf.output(str(path))
    return path


def _letter_page(nfd: bool, signer: str) -> bytes:
    pdf, put = _fpdf(nfd)
    pdf.add_page()  # type: ignore[attr-defined]
    p = put  # (x, baseline y from the top, text)
    p(50, 60, "UBND TỈNH HÒA BÌNH")  # type: ignore[operator]
    p(300, 60, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM")  # type: ignore[operator]
    p(80, 76, "SỞ NỘI VỤ")  # type: ignore[operator]
    p(330, 76, "Độc lập - Tự do - Hạnh phúc")  # type: ignore[operator]
    p(50, 100, "Số:")  # type: ignore[operator]
    p(122, 100, "/SNV-CCHC")  # type: ignore[operator]
    p(300, 100, "Hòa Bình, ngày")  # type: ignore[operator]
    p(412, 100, "tháng 11 năm 2025")  # type: ignore[operator]
    p(50, 124, "V/v triển khai đánh giá Chỉ số cải cách hành chính")  # type: ignore[operator]
    p(90, 160, "Kính gửi: Ủy ban nhân dân các huyện, thành phố.")  # type: ignore[operator]
    p(70, 190, "Thực hiện Kế hoạch số 45/KH-UBND ngày 02/3/2025 của Ủy ban nhân dân tỉnh,")  # type: ignore[operator]
    p(50, 206, "Sở Nội vụ đề nghị các đơn vị gửi báo cáo trước ngày 30/11/2025./.")  # type: ignore[operator]
    p(50, 260, "Nơi nhận:")  # type: ignore[operator]
    p(370, 260, "KT. GIÁM ĐỐC")  # type: ignore[operator]
    p(50, 276, "- Như trên;")  # type: ignore[operator]
    p(365, 276, "PHÓ GIÁM ĐỐC")  # type: ignore[operator]
    p(50, 292, "- Lưu: VT, CCHC.")  # type: ignore[operator]
    p(365, 340, signer)  # type: ignore[operator]
    return bytes(pdf.output())  # type: ignore[attr-defined]


def _certificate(common_name: str, org: str) -> tuple[object, object]:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.x509.oid import NameOID

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([
        x509.NameAttribute(NameOID.COMMON_NAME, common_name),
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, org),
        x509.NameAttribute(NameOID.COUNTRY_NAME, "VN"),
    ])
    now = dt.datetime(2025, 1, 1, tzinfo=dt.UTC)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name)
            .public_key(key.public_key()).serial_number(4711)
            .not_valid_before(now).not_valid_after(now + dt.timedelta(days=3650))
            .sign(key, hashes.SHA256()))
    return cert, key


def _appearance(writer: Any, text: str | None, width: float, height: float) -> Any:
    """A normal appearance that draws ``text`` through a nested form XObject (as e-office
    signing tools do: ``/FRM Do``); without text, a filled box (a signer's picture)."""
    from pypdf.generic import (
        ArrayObject,
        DecodedStreamObject,
        DictionaryObject,
        FloatObject,
        NameObject,
    )

    font = DictionaryObject({
        NameObject("/Type"): NameObject("/Font"), NameObject("/Subtype"): NameObject("/Type1"),
        NameObject("/BaseFont"): NameObject("/Helvetica"),
        NameObject("/Encoding"): NameObject("/WinAnsiEncoding"),
    })
    bbox = ArrayObject([FloatObject(0), FloatObject(0), FloatObject(width), FloatObject(height)])
    inner = DecodedStreamObject()
    inner.set_data(f"BT /F1 12 Tf 3 4 Td ({text}) Tj ET".encode("latin-1") if text is not None
                   else f"0 0 1 rg 0 0 {width} {height} re f".encode())
    inner.update({
        NameObject("/Type"): NameObject("/XObject"), NameObject("/Subtype"): NameObject("/Form"),
        NameObject("/BBox"): bbox,
        NameObject("/Resources"): DictionaryObject({NameObject("/Font"): DictionaryObject(
            {NameObject("/F1"): font})}),
    })
    outer = DecodedStreamObject()
    outer.set_data(b"q 1 0 0 1 0 0 cm /FRM Do Q")
    outer.update({
        NameObject("/Type"): NameObject("/XObject"), NameObject("/Subtype"): NameObject("/Form"),
        NameObject("/BBox"): bbox,
        NameObject("/Resources"): DictionaryObject({NameObject("/XObject"): DictionaryObject(
            {NameObject("/FRM"): writer._add_object(inner)})}),
    })
    return writer._add_object(outer)


_PLACEHOLDER = 9_999_999_999
_CMS_BYTES = 8192


def signed_letter(path: Path, *, nfd: bool = False, number: str = "1178", day: str = "17",
                  signer: str = "Trần Thị Mai", cert_name: str = "Sở Nội vụ",
                  cert_org: str = "Ủy ban nhân dân tỉnh Hòa Bình",
                  signed_at: str = "D:20251117093015+07'00'", picture: bool = False) -> Path:
    """A signed công văn: number and day only in widget appearances (see module doc);
    ``picture``: the signature widget draws a picture, not the number."""
    import io

    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.serialization import pkcs7
    from pypdf import PdfReader, PdfWriter
    from pypdf.generic import (
        ArrayObject,
        ByteStringObject,
        DictionaryObject,
        FloatObject,
        NameObject,
        NumberObject,
        TextStringObject,
    )

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(_letter_page(nfd, signer))))
    page = writer.pages[0]

    def rect(x0: float, y0: float, x1: float, y1: float) -> ArrayObject:
        return ArrayObject([FloatObject(v) for v in (x0, y0, x1, y1)])

    # the number widget sits a little above the printed baseline (y 100 from the top)
    num_rect = (76.0, PAGE_H - 100 - 1, 120.0, PAGE_H - 100 + 17)
    day_rect = (378.0, PAGE_H - 100 - 2, 410.0, PAGE_H - 100 + 16)
    sig_value = DictionaryObject({
        NameObject("/Type"): NameObject("/Sig"),
        NameObject("/Filter"): NameObject("/Adobe.PPKLite"),
        NameObject("/SubFilter"): NameObject("/adbe.pkcs7.detached"),
        NameObject("/M"): TextStringObject(signed_at),
        NameObject("/Reason"): TextStringObject(f"{cert_name} đã ký lên văn bản này"),
        NameObject("/ByteRange"): ArrayObject([NumberObject(0)] + [
            NumberObject(_PLACEHOLDER)] * 3),
        NameObject("/Contents"): ByteStringObject(b"\0" * _CMS_BYTES),
    })
    sig_ref = writer._add_object(sig_value)
    widgets = []
    for name, field_type, r, text, value in (
            ("So", "/Sig", num_rect, None if picture else number, sig_ref),
            ("Ngay", "/Tx", day_rect, day, None)):
        ap = _appearance(writer, text, r[2] - r[0], r[3] - r[1])
        widget = DictionaryObject({
            NameObject("/Type"): NameObject("/Annot"), NameObject("/Subtype"): NameObject("/Widget"),
            NameObject("/FT"): NameObject(field_type), NameObject("/T"): TextStringObject(name),
            NameObject("/Rect"): rect(*r), NameObject("/F"): NumberObject(132),
            NameObject("/P"): page.indirect_reference,
            NameObject("/AP"): DictionaryObject({NameObject("/N"): ap}),
        })
        if value is not None:
            widget[NameObject("/V")] = value
        else:
            widget[NameObject("/Ff")] = NumberObject(1)  # read-only
        widgets.append(writer._add_object(widget))
    page[NameObject("/Annots")] = ArrayObject(widgets)
    writer._root_object[NameObject("/AcroForm")] = DictionaryObject({
        NameObject("/Fields"): ArrayObject(widgets), NameObject("/SigFlags"): NumberObject(3)})
    buf = io.BytesIO()
    writer.write(buf)
    data = bytearray(buf.getvalue())

    # the byte range and the detached CMS signature over it, patched in place
    hole = data.index(b"<" + b"00" * _CMS_BYTES + b">")
    end = hole + 2 + 2 * _CMS_BYTES
    placeholder = f"0 {_PLACEHOLDER} {_PLACEHOLDER} {_PLACEHOLDER}".encode()
    at = data.index(placeholder)
    values = f"0 {hole} {end} {len(data) - end}".encode()
    data[at:at + len(placeholder)] = values.ljust(len(placeholder))
    cert, key = _certificate(cert_name, cert_org)
    signed = bytes(data[:hole]) + bytes(data[end:])
    cms = (pkcs7.PKCS7SignatureBuilder().set_data(signed)
           .add_signer(cert, key, hashes.SHA256())  # type: ignore[arg-type]
           .sign(serialization.Encoding.DER, [pkcs7.PKCS7Options.DetachedSignature]))
    hexed = cms.hex().encode().ljust(2 * _CMS_BYTES, b"0")
    data[hole + 1:end - 1] = hexed
    path.write_bytes(bytes(data))
    return path
