"""Plain-text decoding: UTF-8/16, cp1258, TCVN3/VNI bytes, mojibake, binary, pages."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest
from evidence.errors import EmptyFile, FailReason, FileError
from evidence.ingest.base import ParseOptions
from evidence.ingest.formats import txt

SAMPLE = ("ỦY BAN NHÂN DÂN HUYỆN ĐỨC THỌ\n"
          "Số: 2650/UBND-NV\n"
          "V/v đôn đốc thực hiện hoàn thành kế hoạch cải cách hành chính năm 2023\n"
          "Kính gửi: Các phòng, ban, ngành cấp huyện; UBND các xã, thị trấn.\n")

TONES = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}


def _cp1258(text: str) -> bytes:
    """Windows-1258 bytes the way Vietnamese Windows writes them: base letters
    precomposed where cp1258 has them (ê, ơ, ă...), tone marks as combining bytes."""
    out = []
    for ch in text:
        nfd = unicodedata.normalize("NFD", ch)
        base = unicodedata.normalize("NFC", "".join(c for c in nfd if c not in TONES))
        out.append(base + "".join(c for c in nfd if c in TONES))
    return "".join(out).encode("cp1258")


def _write(tmp_path: Path, data: bytes, name: str = "vb.txt") -> Path:
    p = tmp_path / name
    p.write_bytes(data)
    return p


def _parse(path: Path) -> tuple[str, list[str]]:
    parsed = txt.parse(path, ParseOptions())
    assert parsed.format == "txt"
    return "\n\f\n".join(p.text for p in parsed.pages), parsed.warnings


@pytest.mark.parametrize("encode", [
    lambda s: s.encode("utf-8"),
    lambda s: b"\xef\xbb\xbf" + s.encode("utf-8"),
    lambda s: s.encode("utf-16"),
    lambda s: unicodedata.normalize("NFD", s).encode("utf-8"),
    lambda s: s.replace("\n", "\r\n").encode("utf-8"),
], ids=["utf8", "utf8-bom", "utf16", "nfd", "crlf"])
def test_unicode_variants_decode_to_the_same_nfc_text(tmp_path: Path, encode) -> None:
    text, _ = _parse(_write(tmp_path, encode(SAMPLE)))
    assert text == SAMPLE
    assert unicodedata.is_normalized("NFC", text)


def test_cp1258_with_warning(tmp_path: Path) -> None:
    data = _cp1258(SAMPLE)
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    text, warnings = _parse(_write(tmp_path, data))
    assert text == SAMPLE
    assert warnings == ["decoded as cp1258"]


def test_tcvn3_bytes_file(tmp_path: Path) -> None:
    surface = "Uû ban nh©n d©n huyÖn §øc Thä\nQuyÕt ®Þnh sè 870/Q§-UBND ngµy 10/5/2023\n"
    text, warnings = _parse(_write(tmp_path, surface.encode("latin-1")))
    assert text == "Uỷ ban nhân dân huyện Đức Thọ\nQuyết định số 870/QĐ-UBND ngày 10/5/2023\n"
    assert warnings and "TCVN3" in warnings[0]


def test_vni_bytes_file(tmp_path: Path) -> None:
    surface = "Coäng hoøa xaõ hoäi chuû nghóa Vieät Nam\nÑöùc Thoï, ngaøy 12 thaùng 10\n"
    text, warnings = _parse(_write(tmp_path, surface.encode("latin-1")))
    assert text == "Cộng hòa xã hội chủ nghĩa Việt Nam\nĐức Thọ, ngày 12 tháng 10\n"
    assert "VNI" in warnings[0]


def test_tcvn3_pasted_into_utf8_file(tmp_path: Path) -> None:
    surface = "Céng hoµ x· héi chñ nghÜa ViÖt Nam\n§éc lËp - Tù do - H¹nh phóc\n"
    text, warnings = _parse(_write(tmp_path, surface.encode("utf-8")))
    assert text == "Cộng hoà xã hội chủ nghĩa Việt Nam\nĐộc lập - Tự do - Hạnh phúc\n"
    assert "TCVN3" in warnings[0]


def test_mojibake_file(tmp_path: Path) -> None:
    broken = "".join(bytes([b]).decode("cp1252", errors="ignore") or chr(b)
                     for b in SAMPLE.encode("utf-8"))
    text, warnings = _parse(_write(tmp_path, broken.encode("utf-8")))
    assert text == SAMPLE
    assert "mojibake" in warnings[0]


def test_form_feeds_split_pages(tmp_path: Path) -> None:
    parsed = txt.parse(_write(tmp_path, "Trang một\fTrang hai\f".encode()), ParseOptions())
    assert [(p.number, p.text) for p in parsed.pages] == [(1, "Trang một"), (2, "Trang hai")]


def test_nul_filled(tmp_path: Path) -> None:
    with pytest.raises(FileError) as err:
        txt.parse(_write(tmp_path, b"\x00" * 2048), ParseOptions())
    assert err.value.reason == FailReason.BINARY_TEXT


def test_binary_with_control_bytes(tmp_path: Path) -> None:
    data = bytes(b % 32 for b in range(4000)).replace(b"\x00", b"\x01")
    with pytest.raises(FileError) as err:
        txt.parse(_write(tmp_path, data), ParseOptions())
    assert err.value.reason == FailReason.BINARY_TEXT


@pytest.mark.parametrize("data", [b"", b"  \n\t\r\n "])
def test_empty_and_blank(tmp_path: Path, data: bytes) -> None:
    with pytest.raises(EmptyFile):
        txt.parse(_write(tmp_path, data), ParseOptions())
