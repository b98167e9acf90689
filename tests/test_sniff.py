"""Format sniffing from magic bytes, extension mismatches and ZIP-bomb checks."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import docx
import openpyxl
import pytest
from evidence.errors import (
    CorruptFile,
    EmptyFile,
    EncryptedFile,
    FailReason,
    FileError,
    TooLarge,
    UnsupportedFormat,
)
from evidence.ingest.sniff import ZipLimits, check_zip, detect, extension_warning, sniff
from PIL import Image

OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def _ole2(tmp_path: Path, name: str, stream: str) -> Path:
    """A file with the OLE2 signature and one directory-entry name (what sniff reads)."""
    p = tmp_path / name
    p.write_bytes(OLE2 + b"\x00" * 504 + stream.encode("utf-16-le") + b"\x00" * 1024)
    return p


def _docx(tmp_path: Path, name: str = "a.docx") -> Path:
    d = docx.Document()
    d.add_paragraph("Kế hoạch cải cách hành chính năm 2023")
    p = tmp_path / name
    d.save(str(p))
    return p


def _xlsx(tmp_path: Path, name: str = "a.xlsx") -> Path:
    wb = openpyxl.Workbook()
    wb.active.append(["STT", "Tên thủ tục"])
    p = tmp_path / name
    wb.save(str(p))
    return p


def _pdf_bytes() -> bytes:
    return (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
            b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n")


def _image_bytes(fmt: str) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (8, 8), "white").save(buf, format=fmt)
    return buf.getvalue()


# ---- supported formats ---------------------------------------------------------------

def test_supported_formats(tmp_path: Path) -> None:
    assert sniff(_docx(tmp_path)) == "docx"
    assert sniff(_xlsx(tmp_path)) == "xlsx"
    pdf = tmp_path / "a.pdf"
    pdf.write_bytes(_pdf_bytes())
    assert sniff(pdf) == "pdf"
    assert sniff(_ole2(tmp_path, "a.doc", "WordDocument")) == "doc"
    txt = tmp_path / "a.txt"
    txt.write_text("Ủy ban nhân dân huyện Đức Thọ\n", encoding="utf-8")
    assert sniff(txt) == "txt"


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "TIFF", "GIF", "BMP", "WEBP"])
def test_images(tmp_path: Path, fmt: str) -> None:
    p = tmp_path / f"scan_001.{fmt.lower()}"
    p.write_bytes(_image_bytes(fmt))
    assert detect(p).warning is None
    assert sniff(p) == "image"


def test_text_variants(tmp_path: Path) -> None:
    utf16 = tmp_path / "unicode.txt"
    utf16.write_bytes("Quyết định số 245/QĐ-UBND".encode("utf-16"))  # BOM + NULs
    assert sniff(utf16) == "txt"
    cp1258 = tmp_path / "old.txt"
    cp1258.write_bytes("Vie\u0302\u0323t Nam".encode("cp1258", errors="replace"))
    assert sniff(cp1258) == "txt"
    noext = tmp_path / "README"
    noext.write_text("ghi chú", encoding="utf-8")
    assert sniff(noext) == "txt"


@pytest.mark.parametrize("name", ["metadata.json", "config.xml", "notes.ini", "run.log"])
def test_text_data_files_are_not_documents(tmp_path: Path, name: str) -> None:
    # sidecars and settings in an officer's folder are reported, never stored as documents
    f = tmp_path / name
    f.write_text('{"so_hieu": "111/KH-UBND"}', encoding="utf-8")
    with pytest.raises(UnsupportedFormat, match=r"unsupported file type: \.(json|xml|ini|log)"):
        sniff(f)


def test_rtf_and_html_word_exports_go_to_libreoffice(tmp_path: Path) -> None:
    rtf = tmp_path / "a.rtf"
    rtf.write_bytes(b"{\\rtf1\\ansi Ke hoach}")
    assert detect(rtf).format == "doc"
    html_doc = tmp_path / "export.doc"
    html_doc.write_bytes(b"<html><body><p>Ke hoach</p></body></html>")
    assert detect(html_doc).format == "doc"
    html = tmp_path / "page.html"
    html.write_bytes(b"<!DOCTYPE html><html></html>")
    with pytest.raises(UnsupportedFormat):
        sniff(html)
    download = tmp_path / "bao-cao.pdf"
    download.write_bytes(b"<!DOCTYPE html><html><body>404</body></html>")
    with pytest.raises(FileError, match="HTML page") as err:
        sniff(download)
    assert err.value.reason == FailReason.WRONG_EXTENSION


# ---- mismatched extensions -----------------------------------------------------------

def test_pdf_named_docx_is_read_as_pdf_with_warning(tmp_path: Path) -> None:
    p = tmp_path / "ke-hoach.docx"
    p.write_bytes(_pdf_bytes())
    result = detect(p)
    assert result.format == "pdf"
    assert result.warning and ".docx" in result.warning and "PDF" in result.warning
    assert extension_warning(tmp_path / "x.pdf", "pdf") is None


def test_docx_named_doc_is_docx(tmp_path: Path) -> None:
    p = _docx(tmp_path, "old-name.doc")
    result = detect(p)
    assert result.format == "docx"
    assert result.warning is not None


def test_text_named_pdf_is_wrong_extension(tmp_path: Path) -> None:
    p = tmp_path / "bao-cao.pdf"
    p.write_text("<error>404 not found</error>", encoding="utf-8")
    with pytest.raises(FileError) as err:
        sniff(p)
    assert err.value.reason == FailReason.WRONG_EXTENSION


def test_random_bytes_named_docx_is_wrong_extension(tmp_path: Path) -> None:
    p = tmp_path / "quyet-dinh.docx"
    p.write_bytes(bytes(range(256)) * 40)
    with pytest.raises(FileError) as err:
        sniff(p)
    assert err.value.reason == FailReason.WRONG_EXTENSION
    assert "\n" not in str(err.value)


# ---- bad input -----------------------------------------------------------------------

def test_empty_file(tmp_path: Path) -> None:
    p = tmp_path / "empty.docx"
    p.write_bytes(b"")
    with pytest.raises(EmptyFile) as err:
        sniff(p)
    assert err.value.reason == FailReason.EMPTY


def test_nul_filled_txt(tmp_path: Path) -> None:
    p = tmp_path / "ghi-chu.txt"
    p.write_bytes(b"\x00" * 4096)
    with pytest.raises(FileError) as err:
        sniff(p)
    assert err.value.reason == FailReason.BINARY_TEXT


@pytest.mark.parametrize(("name", "data", "word"), [
    ("setup.exe", b"MZ\x90\x00" + b"\x00" * 200, "executable"),
    ("video.mp4", b"\x00\x00\x00\x18ftypmp42" + b"\x00" * 200, "MP4"),
    ("IMG_0001.heic", b"\x00\x00\x00\x18ftypheic" + b"\x00" * 200, "HEIC"),
    ("archive.rar", b"Rar!\x1a\x07\x00" + b"\x00" * 200, "RAR"),
    ("tool", b"\x7fELF\x02\x01\x01" + b"\x00" * 200, "ELF"),
    ("renamed.pdf", b"MZ\x90\x00" + b"\x00" * 200, "executable"),
])
def test_unsupported_types(tmp_path: Path, name: str, data: bytes, word: str) -> None:
    p = tmp_path / name
    p.write_bytes(data)
    with pytest.raises(UnsupportedFormat) as err:
        sniff(p)
    assert word in str(err.value)
    assert err.value.reason == FailReason.UNSUPPORTED


def test_zip_of_other_things_is_unsupported(tmp_path: Path) -> None:
    p = tmp_path / "ho-so.zip"
    with zipfile.ZipFile(p, "w") as zf:
        zf.writestr("a.txt", "x")
    with pytest.raises(UnsupportedFormat, match="ZIP archive"):
        sniff(p)


def test_xls_and_encrypted_office(tmp_path: Path) -> None:
    with pytest.raises(UnsupportedFormat, match="xls"):
        sniff(_ole2(tmp_path, "bang.xls", "Workbook"))
    with pytest.raises(EncryptedFile):
        sniff(_ole2(tmp_path, "secret.docx", "EncryptedPackage"))


def test_truncated_docx(tmp_path: Path) -> None:
    full = _docx(tmp_path).read_bytes()
    p = tmp_path / "cut.docx"
    p.write_bytes(full[: len(full) // 2])
    with pytest.raises(FileError) as err:
        sniff(p)
    assert err.value.reason == FailReason.TRUNCATED


# ---- ZIP bombs -----------------------------------------------------------------------

def _bomb(path: Path, size: int) -> Path:
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        with zf.open("word/document.xml", "w") as fh:
            chunk = b"\x00" * (1 << 20)
            for _ in range(size >> 20):
                fh.write(chunk)
    return path


def test_zip_bomb_ratio(tmp_path: Path) -> None:
    p = _bomb(tmp_path / "bomb.docx", 24 << 20)
    assert p.stat().st_size < 200_000
    with pytest.raises(TooLarge, match="zip bomb") as err:
        check_zip(p)
    assert err.value.reason == FailReason.TOO_LARGE
    assert "MB" in str(err.value)


def test_zip_total_size_cap(tmp_path: Path) -> None:
    p = _docx(tmp_path)
    check_zip(p)  # a normal DOCX passes
    with pytest.raises(TooLarge, match="expands to"):
        check_zip(p, ZipLimits(max_total=10_000))


def test_zip_entry_count_cap(tmp_path: Path) -> None:
    p = tmp_path / "many.docx"
    with zipfile.ZipFile(p, "w") as zf:
        for i in range(60):
            zf.writestr(f"word/media/{i}.bin", b"")
    with pytest.raises(TooLarge, match="entries"):
        check_zip(p, ZipLimits(max_entries=50))


def test_corrupt_zip(tmp_path: Path) -> None:
    p = tmp_path / "broken.xlsx"
    p.write_bytes(b"PK\x03\x04" + b"garbage" * 50)
    with pytest.raises((FileError, CorruptFile)) as err:
        check_zip(p)
    assert err.value.reason in (FailReason.TRUNCATED, FailReason.CORRUPT)


def test_zip_level_encryption(tmp_path: Path) -> None:
    p = _docx(tmp_path)
    data = bytearray(p.read_bytes())
    pos = data.find(b"PK\x01\x02")  # first central-directory entry: set "encrypted"
    data[pos + 8] |= 0x01
    p.write_bytes(bytes(data))
    with pytest.raises(EncryptedFile):
        check_zip(p)


def test_oversized_xml_part(tmp_path: Path) -> None:
    with pytest.raises(TooLarge, match=r"too large: XML part .*\.xml expands to"):
        check_zip(_docx(tmp_path), ZipLimits(max_entry_xml=100))


def _word97(tmp_path: Path, flags: int) -> Path:
    """A minimal OLE2 file: 512-byte sectors, the WordDocument directory entry in
    sector 0, the stream (its FIB) starting at sector 1."""
    header = bytearray(OLE2 + b"\x00" * 504)
    header[30:32] = (9).to_bytes(2, "little")  # sector shift: 512-byte sectors
    entry = bytearray(128)
    name = "WordDocument".encode("utf-16-le")
    entry[: len(name)] = name
    entry[64:66] = (len(name) + 2).to_bytes(2, "little")
    entry[66] = 2  # stream
    entry[116:120] = (1).to_bytes(4, "little")
    directory = bytes(entry) + b"\x00" * 384
    fib = bytearray(512)
    fib[0:2] = (0xA5EC).to_bytes(2, "little")
    fib[10:12] = flags.to_bytes(2, "little")
    p = tmp_path / f"tb-{flags:x}.doc"
    p.write_bytes(bytes(header) + directory + bytes(fib))
    return p


def test_word97_encryption_flag(tmp_path: Path) -> None:
    assert sniff(_word97(tmp_path, 0x12F0)) == "doc"
    with pytest.raises(EncryptedFile, match="Word 97"):
        sniff(_word97(tmp_path, 0x13F0))


def test_office_package_without_main_part(tmp_path: Path) -> None:
    p = tmp_path / "hong.docx"
    with zipfile.ZipFile(p, "w") as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("word/styles.xml", "<w:styles/>")
    with pytest.raises(CorruptFile, match=r"word/document\.xml"):
        sniff(p)
