"""The bundled corpus: sources are well-formed documents, outputs are reproducible and small.

The generator is run as a subprocess (the documented command); its module is loaded from
its path for the encoding-table check only.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import os
import re
import shutil
import subprocess
import sys
import unicodedata
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
import yaml

REPO = Path(__file__).resolve().parent.parent
CORPUS = REPO / "corpus"
FILES = CORPUS / "files"
SRC = CORPUS / "src"

# outputs whose bytes contain no JPEG data: identical on any machine with the same
# python-docx / fpdf2 / openpyxl versions
TEXT_BASED = (".docx", ".xlsx")
SCAN_FORMATS = {"scan-pdf", "photos"}

SYMBOL_RE = re.compile(
    r"(?<![\w/])\d{1,5}\s*(?:/\s*\d{4}\s*)?[/-]\s*[A-ZĐ][A-Za-zĐđ]*"
    r"(?:\s*[-–/]\s*[A-ZĐ][A-Za-zĐđ0-9]*)*"
)


def _sources() -> list[tuple[Path, dict[str, Any], dict[str, list[str]]]]:
    out = []
    for path in sorted(SRC.glob("*.txt")):
        raw = path.read_text(encoding="utf-8")
        _, front, text = raw.split("---\n", 2)
        sections: dict[str, list[str]] = {}
        current = ""
        for line in text.splitlines():
            m = re.fullmatch(r"\[(\w+)\]", line.strip())
            if m:
                current = m.group(1)
                sections[current] = []
            else:
                sections[current].append(line)
        out.append((path, yaml.safe_load(front), sections))
    return out


def _norm_symbol(s: str) -> str:
    return re.sub(r"\s+", "", s).replace("–", "-")


def _expected() -> list[dict[str, Any]]:
    return json.loads((CORPUS / "expected.json").read_text(encoding="utf-8"))["documents"]


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _tree(root: Path) -> dict[str, str]:
    return {p.relative_to(root).as_posix(): _sha(p) for p in sorted(root.rglob("*")) if p.is_file()}


def _load_generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location("corpus_generate", CORPUS / "generate.py")
    assert spec and spec.loader
    mod = importlib.util.module_from_spec(spec)
    sys.modules.setdefault(spec.name, mod)  # dataclasses look their module up
    spec.loader.exec_module(mod)
    return mod


# ---------------------------------------------------------------- sources


def test_every_table_row_has_a_source() -> None:
    ids = [meta["doc"] for _, meta, _ in _sources()]
    assert ids == [f"{n:02d}" for n in range(1, 25)] + ["25a", "25b", "26"]


@pytest.mark.parametrize("src", _sources(), ids=lambda s: s[0].stem)
def test_source_has_header_anchors(src: tuple[Path, dict[str, Any], dict[str, list[str]]]) -> None:
    path, meta, s = src
    text = path.read_text(encoding="utf-8")
    assert unicodedata.is_normalized("NFC", text)
    assert s["issuer"] and all(x.isupper() or x == "*" for x in s["issuer"])
    assert re.match(r"^Số:?\s", s["number"][0])
    if meta["issuer"].startswith("Tỉnh ủy"):
        assert s["motto"] == ["ĐẢNG CỘNG SẢN VIỆT NAM"] and "*" in s["issuer"]
    else:
        assert s["motto"] == ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc"]
    assert re.fullmatch(rf"{meta['place']}, ngày [\d ]* tháng \d{{1,2}} năm \d{{4}}", s["date"][0])
    if meta["doc_type"] == "CV":
        assert s["vv"][0].startswith("V/v ") and s["body"][0] == "Kính gửi:"
        assert not s.get("title")
    else:
        assert s["title"][0].isupper() and len(s["title"]) >= 2
    assert s["recipients"][0] == "Nơi nhận:"
    assert s["recipients"][-1].startswith("- Lưu")
    signer = [x for x in s["signer"] if x]
    name = meta["signer"]["name"]
    if name:
        assert signer[-1] == name
    else:
        assert all(x.isupper() for x in signer)
    assert s["body"][-1].endswith("./.")


@pytest.mark.parametrize("src", _sources(), ids=lambda s: s[0].stem)
def test_header_date_padding_follows_decree_30(
    src: tuple[Path, dict[str, Any], dict[str, list[str]]],
) -> None:
    # day < 10 and months 1-2 take a leading zero; months 3-12 do not (vn-format §4)
    line = src[2]["date"][0]
    m = re.search(r"ngày\s+(\d*)\s*tháng\s+(\d+)\s+năm", line)
    assert m
    day, month = m.group(1), m.group(2)
    if day:
        assert len(day) == 2
    assert month == (f"{int(month):02d}" if int(month) <= 2 else str(int(month)))


@pytest.mark.parametrize("src", _sources(), ids=lambda s: s[0].stem)
def test_cited_symbols_are_exactly_those_in_the_body(
    src: tuple[Path, dict[str, Any], dict[str, list[str]]],
) -> None:
    _, meta, s = src
    found = {_norm_symbol(m.group(0)) for m in SYMBOL_RE.finditer("\n".join(s["body"]))}
    assert found == set(meta["cites"])


def test_seed_shaped_citations_in_the_reminder_letter() -> None:
    body = "\n".join(next(s for _, m, s in _sources() if m["doc"] == "07")["body"])
    for shape in ("Quyết định số: 111/KH-UBND ngày 17/01/2023", "Kế hoạch số: 137 /KH-UBND",
                  "Văn bản Số: 2115 /UBND-NV ngày 03/8/2023", "Nghị quyết 05-NQ/TU",
                  "Chỉ thị 05/CT-UBND ngày 17/4/2023", "HĐND – UBND", "ISO 9001:2015",
                  "trước ngày 15/11/2023", "trước ngày 15 hằng tháng"):
        assert shape in body


def test_expected_json_is_current() -> None:
    gen = _load_generator()
    docs = gen.load_sources()
    got = [r["doc"] for r in _expected()]
    assert got == [d.doc for d in docs]
    for doc, rec in zip(docs, _expected(), strict=True):
        assert rec["subject"] == doc.subject
        assert rec["symbol"] == doc.meta["symbol"]
        for f in rec["files"]:
            assert (REPO / f).is_file(), f
        if rec["annex"]:
            assert (REPO / rec["annex"]).is_file()
    corpus_symbols = {r["symbol"] for r in _expected()}
    missing = {c for r in _expected() for c in r["cites"]} - corpus_symbols
    assert "30/KH-UBND" in missing  # `refs --missing` has something to list


# ---------------------------------------------------------------- outputs


def test_sizes_under_budget() -> None:
    total = sum(p.stat().st_size for p in FILES.rglob("*") if p.is_file())
    assert total < 10 * 1024 * 1024
    for rec in _expected():
        if rec["format"] in SCAN_FORMATS:
            for f in rec["files"]:
                data = (REPO / f).read_bytes()
                pages = max(1, len(re.findall(rb"/Type\s*/Page\b", data)))
                assert len(data) / pages <= 300 * 1024, f


def test_docx_header_is_a_two_column_table() -> None:
    import docx

    for rec in _expected():
        if rec["format"] != "docx":
            continue
        d = docx.Document(str(REPO / rec["files"][0]))
        left, right = d.tables[0].rows[0].cells
        assert any(p.text.startswith("Số") for p in left.paragraphs)
        assert right.paragraphs[0].text in ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "ĐẢNG CỘNG SẢN VIỆT NAM")
        assert rec["signer"]["position"].upper() in d.tables[-1].rows[0].cells[1].text
        assert d.core_properties.created is not None and d.core_properties.created.year in (2021, 2022, 2023)


def test_tcvn3_docx_uses_legacy_fonts_and_bytes() -> None:
    import docx

    rec = next(r for r in _expected() if r["format"] == "docx-tcvn3")
    d = docx.Document(str(REPO / rec["files"][0]))
    fonts = {r.font.name for p in d.paragraphs for r in p.runs} | {
        r.font.name for t in d.tables for c in t._cells for p in c.paragraphs for r in p.runs}
    assert {".VnTime", ".VnTimeH"} <= fonts
    text = "\n".join(p.text for p in d.paragraphs)
    assert "QuyÕt ®Þnh" in text and "Quyết định" not in text
    header = d.tables[0].rows[0].cells[0].paragraphs[0]
    assert header.runs[0].font.name == ".VnTimeH" and header.text == "ñy ban nh©n d©n"


def test_tcvn3_table_agrees_with_iconv() -> None:
    if shutil.which("iconv") is None:
        pytest.skip("iconv not installed")
    table = _load_generator().tcvn3_table()
    raw = "".join(table.values()).encode("latin-1")
    run = subprocess.run(["iconv", "-f", "TCVN5712-1", "-t", "UTF-8"], input=raw,
                         capture_output=True, check=False)
    if run.returncode != 0:
        pytest.skip("iconv lacks TCVN5712-1")
    decoded = unicodedata.normalize("NFC", run.stdout.decode("utf-8"))
    assert decoded == "".join(table)


def test_text_pdfs_have_a_text_layer_and_scans_do_not() -> None:
    import pypdfium2 as pdfium

    for rec in _expected():
        if not rec["files"][0].endswith(".pdf"):
            continue
        pdf = pdfium.PdfDocument(str(REPO / rec["files"][0]))
        text = pdf[0].get_textpage().get_text_range()
        if rec["format"] == "text-pdf":
            assert unicodedata.is_normalized(rec["unicode"], text)
            text = unicodedata.normalize("NFC", text)
            assert rec["symbol"] in text.replace(" ", "") and rec["issuer_lines"][-1] in text
        else:
            assert text.strip() == ""
        pdf.close()


def test_batch_scan_holds_two_pages() -> None:
    parts = [r for r in _expected() if r["doc"] in ("25a", "25b")]
    assert parts[0]["files"] == parts[1]["files"]
    data = (REPO / parts[0]["files"][0]).read_bytes()
    assert len(re.findall(rb"/Type\s*/Page\b", data)) == 2
    assert [p["pages"] for p in parts] == [[1, 1], [2, 2]]


def test_photos_second_page_is_turned() -> None:
    from PIL import Image

    rec = next(r for r in _expected() if r["format"] == "photos")
    sizes = [Image.open(REPO / f).size for f in rec["files"]]
    assert sizes[0][0] < sizes[0][1] and sizes[1][0] > sizes[1][1]


def test_annex_workbook_names_its_decision() -> None:
    from openpyxl import load_workbook

    rec = next(r for r in _expected() if r["annex"])
    ws = load_workbook(REPO / rec["annex"]).active
    assert ws is not None
    assert rec["symbol"] in str(ws["A3"].value)


def test_word97_doc_is_an_ole_file() -> None:
    rec = next(r for r in _expected() if r["format"] == "doc")
    assert (REPO / rec["files"][0]).read_bytes()[:8] == bytes.fromhex("D0CF11E0A1B11AE1")


def test_generator_is_deterministic(tmp_path: Path) -> None:
    """Regenerating gives the committed bytes (DOCX/XLSX, text PDFs) and a second run the
    same bytes for everything (scan and photo bytes depend on the local libjpeg build, so
    they are compared run against run, not against the committed files)."""
    if not Path("/usr/share/fonts/truetype/dejavu/DejaVuSerifCondensed.ttf").is_file():
        pytest.skip("fonts-dejavu-extra is not installed (the generator draws with DejaVu Serif Condensed)")
    cmd = [sys.executable, str(CORPUS / "generate.py"), "--skip-doc", "--no-expected"]
    subprocess.run([*cmd, "--out", str(tmp_path / "a")], check=True, capture_output=True)
    # a second, partial run (documents 01-09: DOCX, text PDF, a scan, the photos)
    subprocess.run([*cmd, "--only", "0", "--out", str(tmp_path / "b")], check=True,
                   capture_output=True)
    a, b = _tree(tmp_path / "a"), _tree(tmp_path / "b")
    assert len(b) >= 9 and all(a[rel] == digest for rel, digest in b.items())
    committed = _tree(FILES)
    text_pdfs = {r["files"][0].removeprefix("corpus/files/") for r in _expected()
                 if r["format"] == "text-pdf"}
    checked = 0
    for rel, digest in a.items():
        if rel.endswith(TEXT_BASED) or rel in text_pdfs:
            assert committed.get(rel) == digest, f"{rel} differs from the committed file"
            checked += 1
    assert checked >= 20
    assert set(committed) - set(a) == {r["files"][0].removeprefix("corpus/files/")
                                      for r in _expected() if r["format"] == "doc"}


@pytest.mark.slow
def test_tesseract_reads_the_scanned_header(tesseract: str, tmp_path: Path) -> None:
    import pypdfium2 as pdfium

    rec = next(r for r in _expected() if r["doc"] == "14")
    pdf = pdfium.PdfDocument(str(REPO / rec["files"][0]))
    png = tmp_path / "p1.png"
    pdf[0].render(scale=200 / 72).to_pil().save(png)
    pdf.close()
    out = subprocess.run([tesseract, str(png), "stdout", "-l", "vie"], capture_output=True,
                         text=True, check=True, env={**os.environ, "OMP_THREAD_LIMIT": "1"})
    text = unicodedata.normalize("NFC", out.stdout)
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text
    assert "530/BC-UBND" in text.replace(" ", "")
    assert "42,5%" in text
