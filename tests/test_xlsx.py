"""XLSX annexes: one page per sheet, tab-separated rows, caps, bad input."""

from __future__ import annotations

import datetime as dt
import unicodedata
import zipfile
from pathlib import Path

import openpyxl
import pytest
from evidence.errors import CorruptFile, FileError, TooLarge
from evidence.ingest.base import ParseOptions
from evidence.ingest.formats import xlsx


def _annex(tmp_path: Path) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Danh mục"
    ws.append(["DANH MỤC THỦ TỤC HÀNH CHÍNH TIẾP NHẬN TẠI BỘ PHẬN MỘT CỬA"])
    ws.append([])
    ws.append(["STT", "Tên thủ tục", "Lĩnh vực", "Thời hạn (ngày)"])
    ws.append([1, "Đăng ký hộ kinh doanh", "Kinh doanh", 3.0])
    ws.append([2, unicodedata.normalize("NFD", "Cấp giấy phép xây dựng"), "Xây dựng", 15])
    ws.append([None, None, None, None])
    rate = ws.cell(row=7, column=2, value=0.625)
    rate.number_format = "0.0%"
    ws.cell(row=7, column=1, value="Tỷ lệ trực tuyến")
    ws.cell(row=8, column=1, value=dt.datetime(2023, 4, 5))
    ws.cell(row=8, column=2, value=12.75)
    wb.create_sheet("Trống")
    second = wb.create_sheet("Ghi chú")
    second["A1"] = "Kèm theo Quyết định số 1020/QĐ-UBND ngày 05/4/2023"
    p = tmp_path / "phu-luc.xlsx"
    wb.save(str(p))
    return p


def test_sheets_become_pages(tmp_path: Path) -> None:
    parsed = xlsx.parse(_annex(tmp_path), ParseOptions())
    assert parsed.format == "xlsx"
    assert [p.number for p in parsed.pages] == [1, 2]
    assert parsed.pages[0].text.split("\n") == [
        "DANH MỤC THỦ TỤC HÀNH CHÍNH TIẾP NHẬN TẠI BỘ PHẬN MỘT CỬA",
        "STT\tTên thủ tục\tLĩnh vực\tThời hạn (ngày)",
        "1\tĐăng ký hộ kinh doanh\tKinh doanh\t3",
        "2\tCấp giấy phép xây dựng\tXây dựng\t15",
        "Tỷ lệ trực tuyến\t62.5%",
        "2023-04-05\t12.75",
    ]
    assert parsed.pages[1].text == "Kèm theo Quyết định số 1020/QĐ-UBND ngày 05/4/2023"
    assert all(unicodedata.is_normalized("NFC", p.text) for p in parsed.pages)


def test_row_cap(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    wb = openpyxl.Workbook()
    for i in range(30):
        wb.active.append([i, f"dòng {i}"])
    p = tmp_path / "dai.xlsx"
    wb.save(str(p))
    monkeypatch.setattr(xlsx, "MAX_ROWS", 10)
    parsed = xlsx.parse(p, ParseOptions())
    assert len(parsed.pages[0].text.split("\n")) == 10
    assert any("stopped after 10 rows" in w for w in parsed.warnings)


def test_tcvn3_cells_converted(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    for row in (["STT", "Tªn thñ tôc hµnh chÝnh"], [1, "§¨ng ký hé kinh doanh"],
                [2, "CÊp giÊy phÐp x©y dùng"]):
        wb.active.append(row)
    p = tmp_path / "tcvn3.xlsx"
    wb.save(str(p))
    parsed = xlsx.parse(p, ParseOptions())
    assert parsed.pages[0].text.split("\n")[1:] == ["1\tĐăng ký hộ kinh doanh",
                                                   "2\tCấp giấy phép xây dựng"]
    assert any("TCVN3" in w for w in parsed.warnings)


def test_legacy_cell_fonts(tmp_path: Path) -> None:
    from openpyxl.styles import Font

    wb = openpyxl.Workbook()
    ws = wb.active
    ws["A1"] = "ñy ban nh©n d©n"
    ws["A1"].font = Font(name=".VnTimeH")
    ws["A2"] = "Coäng hoøa"
    ws["A2"].font = Font(name="VNI-Times")
    ws["A3"] = "Các cơ quan"  # Unicode typed in a .VnTime cell: kept
    ws["A3"].font = Font(name=".VnTime")
    ws["A4"] = "Nh©n"  # a Unicode font: left to the content check
    p = tmp_path / "fonts.xlsx"
    wb.save(str(p))
    parsed = xlsx.parse(p, ParseOptions())
    assert parsed.pages[0].text.split("\n") == ["ỦY BAN NHÂN DÂN", "Cộng hòa", "Các cơ quan",
                                                "Nh©n"]
    assert any(".VnTimeH" in w and "VNI-Times" in w for w in parsed.warnings)


def test_empty_workbook(tmp_path: Path) -> None:
    p = tmp_path / "trong.xlsx"
    openpyxl.Workbook().save(str(p))
    parsed = xlsx.parse(p, ParseOptions())
    assert [pg.text for pg in parsed.pages] == [""]
    assert parsed.warnings == ["no text in the workbook"]


def test_format_value() -> None:
    assert xlsx.format_value(3.0) == "3"
    assert xlsx.format_value(0.453, "0.0%") == "45.3%"
    assert xlsx.format_value(dt.datetime(2023, 1, 17, 8, 30)) == "2023-01-17 08:30"
    assert xlsx.format_value(True) == "TRUE"
    assert xlsx.format_value(None) == ""


def test_truncated(tmp_path: Path) -> None:
    p = _annex(tmp_path)
    p.write_bytes(p.read_bytes()[:3000])
    with pytest.raises(FileError):
        xlsx.parse(p, ParseOptions())


def test_corrupt_sheet_xml(tmp_path: Path) -> None:
    p = _annex(tmp_path)
    with zipfile.ZipFile(p) as zf:
        entries = {n: zf.read(n) for n in zf.namelist()}
    entries["xl/worksheets/sheet1.xml"] = entries["xl/worksheets/sheet1.xml"][:-60]
    with zipfile.ZipFile(p, "w") as zf:
        for name, data in entries.items():
            zf.writestr(name, data)
    with pytest.raises(CorruptFile):
        xlsx.parse(p, ParseOptions())


def test_zip_bomb(tmp_path: Path) -> None:
    p = _annex(tmp_path)
    with zipfile.ZipFile(p, "a", zipfile.ZIP_DEFLATED) as zf, \
            zf.open("xl/media/pad.bin", "w") as fh:
        for _ in range(24):
            fh.write(b"\x00" * (1 << 20))
    with pytest.raises(TooLarge, match="zip bomb"):
        xlsx.parse(p, ParseOptions())


def test_damaged_packages_fail_cleanly(tmp_path: Path) -> None:
    """Random byte and XML damage: either parsed or a FileError, never another exception."""
    import io
    import random

    base = tmp_path / "base.xlsx"
    wb = openpyxl.Workbook()
    wb.active.append([1, "Đăng ký hộ kinh doanh", 3.5])
    wb.save(str(base))
    data = base.read_bytes()
    with zipfile.ZipFile(base) as zf:
        entries = {n: zf.read(n) for n in zf.namelist()}
    target = tmp_path / "damaged.xlsx"
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
            xlsx.parse(target, ParseOptions())
        except FileError:
            pass


def test_xxe_is_neither_fetched_nor_expanded(tmp_path: Path) -> None:
    import http.server
    import threading

    hits: list[str] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            hits.append(self.path)
            body = b'<!ENTITY leaked "FETCHED-OVER-HTTP">'
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}"
    secret = tmp_path / "secret.txt"
    secret.write_text("BI-MAT-123", encoding="utf-8")
    wb = openpyxl.Workbook()
    wb.active.append(["PLACEHOLDER"])
    p = tmp_path / "xxe.xlsx"
    wb.save(str(p))
    doctype = (f'<!DOCTYPE root SYSTEM "{url}/external.dtd" [\n'
               f'<!ENTITY file SYSTEM "{secret.as_uri()}">\n'
               f'<!ENTITY web SYSTEM "{url}/entity">\n'
               f'<!ENTITY % remote SYSTEM "{url}/param.dtd">\n%remote;\n]>')
    with zipfile.ZipFile(p) as zf:
        entries = {n: zf.read(n) for n in zf.namelist()}
    for name in ("xl/worksheets/sheet1.xml", "xl/workbook.xml", "xl/sharedStrings.xml"):
        if name not in entries:
            continue
        xml = entries[name].decode("utf-8")
        cut = xml.index("?>") + 2 if "?>" in xml else 0  # after the XML declaration
        rest = xml[cut:].replace("PLACEHOLDER", "A&file;B&web;C")
        entries[name] = (xml[:cut] + doctype + rest).encode("utf-8")
    with zipfile.ZipFile(p, "w") as zf:
        for name, data in entries.items():
            zf.writestr(name, data)
    try:
        parsed = xlsx.parse(p, ParseOptions())
        text = "\n".join(pg.text for pg in parsed.pages)
    except CorruptFile:
        text = ""  # refusing the workbook is as safe as reading it without entities
    finally:
        server.shutdown()
        server.server_close()
    assert hits == []
    assert "BI-MAT" not in text and "FETCHED" not in text
