"""Batch ingest: skip, move, change, delete,
bad inputs, splitting and grouping, time limits, --jobs, and kill -9 then resume."""

from __future__ import annotations

import hashlib
import io
import itertools
import os
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
import unicodedata
import zipfile
from pathlib import Path
from typing import Any

import pytest
from evidence.errors import FailReason
from evidence.index.store import Store
from evidence.ingest.base import OcrMode, OcrResult
from evidence.ingest.pipeline import IngestResult, ingest_paths
from evidence.ingest.walk import walk
from evidence.model import part_id

REPO = Path(__file__).resolve().parent.parent

PLACES = ["Can Lộc", "Nghi Xuân", "Thạch Hà", "Hương Sơn", "Kỳ Anh", "Lộc Hà"]
TOPICS = [
    "Tuyên truyền cải cách hành chính năm 2024",
    "Kiểm tra công tác cải cách hành chính năm 2024",
    "Chuyển đổi số trong cơ quan nhà nước năm 2024",
    "Rà soát, đơn giản hóa thủ tục hành chính năm 2024",
    "Nâng cao chất lượng Bộ phận Một cửa cấp huyện",
    "Số hóa hồ sơ, kết quả giải quyết thủ tục hành chính",
]


def letter(n: int, *, kind: str = "KH", words: int = 60) -> str:
    """An official-looking plan of our own (header, symbol, date, subject, body)."""
    place = PLACES[n % len(PLACES)]
    topic = TOPICS[n % len(TOPICS)]
    body = " ".join(
        f"Các phòng, ban chuyên môn và Ủy ban nhân dân các xã triển khai nhiệm vụ số {i} "
        f"về {topic.lower()}, báo cáo kết quả trước ngày {(i % 27) + 1}/12/2024."
        for i in range(words // 20 + 1))
    return (f"ỦY BAN NHÂN DÂN\nHUYỆN {place.upper()}\nSố: {100 + n}/{kind}-UBND\n"
            "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc\n"
            f"{place}, ngày {(n % 27) + 1} tháng {(n % 12) + 1} năm 2024\n"
            f"KẾ HOẠCH\n{topic}\n\n{body}\n\nNơi nhận:\n- Sở Nội vụ;\n- Lưu: VT.\n"
            "TM. ỦY BAN NHÂN DÂN\nCHỦ TỊCH\nNguyễn Văn Bình\n")


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def ingest(src: Path | list[Path], home: Path, **kw: object):  # type: ignore[no-untyped-def]
    kw.setdefault("jobs", 1)
    kw.setdefault("isolate", False)  # in-process: the fake OCR engines live in this module
    with Store.open(home) as store:
        return ingest_paths(src if isinstance(src, list) else [src], store, **kw)  # type: ignore[arg-type]


def dump(home: Path) -> dict:  # type: ignore[type-arg]
    with Store.open(home, create=False) as store:
        d = store.catalogue.dump()
        d["index"] = sorted(store.engine.ids()) if store.engine.count() else []
    return d


@pytest.fixture
def src(tmp_path: Path) -> Path:
    d = tmp_path / "src"
    (d / "quy-1").mkdir(parents=True)
    for i in range(4):
        (d / "quy-1" / f"ke-hoach-{i}.txt").write_text(letter(i), encoding="utf-8")
    # one file in NFD, as a Mac might save it
    (d / "nfd.txt").write_text(unicodedata.normalize("NFD", letter(9)), encoding="utf-8")
    return d


# ---- skip, move, change, delete ------------------------------------------------------------


def test_ingest_then_rerun_changes_nothing(src: Path, tmp_path: Path) -> None:
    home = tmp_path / "home"
    s = ingest(src, home)
    assert (s.added, s.updated, s.unchanged, len(s.failed), s.documents) == (5, 0, 0, 0, 5)
    before = dump(home)
    assert {d[0] for d in before["documents"]} == {sha(p) for p in src.rglob("*.txt")}
    assert before["index"] == sorted(sha(p) for p in src.rglob("*.txt"))
    s2 = ingest(src, home)
    assert (s2.added, s2.updated, s2.unchanged, s2.documents, s2.pages) == (0, 0, 5, 0, 0)
    assert dump(home) == before


def test_text_is_stored_nfc_and_symbol_found_from_nfd(src: Path, tmp_path: Path) -> None:
    home = tmp_path / "home"
    ingest(src, home)
    with Store.open(home, create=False) as store:
        docs = store.catalogue.find_documents(unicodedata.normalize("NFD", "109/KH-UBND"))
        assert len(docs) == 1
        text = docs[0].text
        assert text == unicodedata.normalize("NFC", text) and "HUYỆN" in text


def test_move_and_rename_are_recognised(src: Path, tmp_path: Path) -> None:
    home = tmp_path / "home"
    ingest(src, home)
    before = dump(home)
    old = src / "quy-1" / "ke-hoach-1.txt"
    new = src / "lưu trữ" / "Kế hoạch 101.txt"
    new.parent.mkdir()
    old.rename(new)
    s = ingest(src, home)
    assert (s.moved, s.added, s.updated, s.unchanged, s.documents) == (1, 0, 0, 4, 0)
    assert s.missing == []
    after = dump(home)
    assert [d[0] for d in after["documents"]] == [d[0] for d in before["documents"]]
    with Store.open(home, create=False) as store:
        assert store.catalogue.file_by_path(str(old)) is None
        doc = store.catalogue.get_document(sha(new))
        assert doc is not None and doc.path == str(new)
        assert [d.id for d in store.catalogue.find_documents(str(new))] == [sha(new)]


def test_changed_file_is_reingested(src: Path, tmp_path: Path) -> None:
    home = tmp_path / "home"
    ingest(src, home)
    path = src / "quy-1" / "ke-hoach-2.txt"
    old_id = sha(path)
    path.write_text(letter(2).replace("Số: 102/", "Số: 902/"), encoding="utf-8")
    s = ingest(src, home)
    assert (s.updated, s.unchanged, s.documents, s.removed_documents) == (1, 4, 1, 1)
    d = dump(home)
    ids = [x[0] for x in d["documents"]]
    assert old_id not in ids and sha(path) in ids
    assert d["index"] == sorted(ids)
    with Store.open(home, create=False) as store:
        assert store.catalogue.find_documents("102/KH-UBND") == []
        assert [x.id for x in store.catalogue.find_documents("902/KH-UBND")] == [sha(path)]


def test_deleted_file_is_reported_then_pruned(src: Path, tmp_path: Path) -> None:
    home = tmp_path / "home"
    ingest(src, home)
    gone = src / "quy-1" / "ke-hoach-3.txt"
    gone_id = sha(gone)
    gone.unlink()
    s = ingest(src, home)
    assert s.missing == [str(gone)] and s.pruned == []
    with Store.open(home, create=False) as store:
        stats = store.stats()
        assert stats["missing"] == [str(gone)]
        assert store.catalogue.get_document(gone_id) is not None  # kept until --prune
    s = ingest(src, home, prune=True)
    assert s.pruned == [str(gone)] and s.removed_documents == 1
    d = dump(home)
    assert gone_id not in [x[0] for x in d["documents"]]
    assert gone_id not in d["index"]
    assert d["files"] and all(f[0] != str(gone) for f in d["files"])


def test_missing_is_scoped_to_the_walked_paths(src: Path, tmp_path: Path) -> None:
    home = tmp_path / "home"
    other = tmp_path / "other"
    other.mkdir()
    (other / "bao-cao.txt").write_text(letter(20, kind="BC"), encoding="utf-8")
    ingest(src, home)
    ingest(other, home)
    s = ingest(src, home)  # walking src says nothing about files under other/
    assert s.missing == []
    (other / "bao-cao.txt").unlink()
    assert ingest(src, home).missing == []
    assert ingest(other, home).missing == [str(other / "bao-cao.txt")]
    # --prune removes only what the walked paths lost
    (src / "nfd.txt").unlink()
    s = ingest(other, home, prune=True)
    assert s.pruned == [str(other / "bao-cao.txt")]
    with Store.open(home, create=False) as store:
        assert store.stats()["missing"] == []
    assert ingest(src, home).missing == [str(src / "nfd.txt")]
    assert ingest(other, home, prune=True).pruned == []


def test_copies_make_one_document(src: Path, tmp_path: Path) -> None:
    home = tmp_path / "home"
    original = src / "quy-1" / "ke-hoach-0.txt"
    copy = src / "zz-ban-sao.txt"
    copy.write_bytes(original.read_bytes())
    s = ingest(src, home)
    assert (s.added, s.copies, s.documents) == (5, 1, 5)
    original.unlink()
    s = ingest(src, home)
    assert s.missing == [str(original)]
    with Store.open(home, create=False) as store:
        doc = store.catalogue.get_document(sha(copy))
        assert doc is not None and doc.path == str(copy)
    ingest(src, home, prune=True)
    with Store.open(home, create=False) as store:
        assert store.catalogue.get_document(sha(copy)) is not None


def test_force_reingests_everything_to_the_same_store(src: Path, tmp_path: Path) -> None:
    home = tmp_path / "home"
    ingest(src, home)
    before = dump(home)
    s = ingest(src, home, force=True)
    assert (s.updated, s.unchanged, s.documents) == (5, 0, 5)
    assert dump(home) == before


# ---- bad input -----------------------------------------------------------------------------


def _zip_bomb(path: Path) -> None:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types/>')
        z.writestr("word/document.xml", b" " * (12 * 1024 * 1024))
    path.write_bytes(buf.getvalue())


def _corrupt_docx(path: Path) -> None:
    ct = ("http://schemas.openxmlformats.org/package/2006/content-types")
    main = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
    rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("[Content_Types].xml", f'<?xml version="1.0"?><Types xmlns="{ct}">'
                   f'<Override PartName="/word/document.xml" ContentType="{main}"/></Types>')
        z.writestr("_rels/.rels", '<?xml version="1.0"?><Relationships xmlns="http://schemas.'
                   'openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" '
                   f'Type="{rel}" Target="word/document.xml"/></Relationships>')
        z.writestr("word/document.xml", "<w:document hỏng <<")


def _png_bomb(path: Path) -> None:
    """A PNG header declaring 20000 x 20000 pixels over a few bytes of data."""
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = zlib.crc32(kind + data) & 0xFFFFFFFF
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)

    ihdr = struct.pack(">IIBBBBB", 20000, 20000, 1, 0, 0, 0, 0)
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr)
                     + chunk(b"IDAT", zlib.compress(b"\x00" * 100)) + chunk(b"IEND", b""))


def _encrypted_pdf(path: Path) -> None:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("helvetica", size=12)
    pdf.cell(text="Ke hoach 111")
    pdf.set_encryption(owner_password="chu", user_password="khach")
    pdf.output(str(path))


def test_each_bad_input_is_recorded_and_the_batch_goes_on(tmp_path: Path) -> None:
    d = tmp_path / "in"
    d.mkdir()
    (d / "a-tot.txt").write_text(letter(1), encoding="utf-8")
    (d / "rong.pdf").write_bytes(b"")
    (d / "nul.txt").write_bytes(b"\x00" * 4096)
    # unknown binary data under a document's name (a broken download)
    (d / "tai-ve-loi.pdf").write_bytes(bytes((i * 37 + 11) % 256 for i in range(2048)))
    (d / "cut.pdf").write_bytes(b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog")
    (d / "setup.exe").write_bytes(b"MZ\x90\x00\x03" + b"\x00" * 400)
    _zip_bomb(d / "bom.docx")
    _encrypted_pdf(d / "khoa.pdf")
    _corrupt_docx(d / "hong.docx")
    _png_bomb(d / "anh-bom.png")
    (d / "z-tot.txt").write_text(letter(2), encoding="utf-8")
    home = tmp_path / "home"
    s = ingest(d, home)
    got = {Path(r.path).name: r.reason for r in s.failed}
    assert got == {
        "rong.pdf": FailReason.EMPTY,
        "nul.txt": FailReason.BINARY_TEXT,
        "tai-ve-loi.pdf": FailReason.WRONG_EXTENSION,
        "cut.pdf": FailReason.TRUNCATED,
        "setup.exe": FailReason.UNSUPPORTED,
        "bom.docx": FailReason.TOO_LARGE,
        "khoa.pdf": FailReason.ENCRYPTED,
        "hong.docx": FailReason.CORRUPT,
        "anh-bom.png": FailReason.TOO_LARGE,
    }
    assert all(r.error and "\n" not in r.error for r in s.failed)
    assert s.added == 2 and s.documents == 2
    with Store.open(home, create=False) as store:
        failed = {Path(f["path"]).name: f["reason"] for f in store.stats()["failed"]}
    assert failed == {k: str(v) for k, v in got.items()}
    out = s.to_dict()
    assert {f["reason"] for f in out["failed"]} == {str(v) for v in got.values()}
    # failures are retried and fail the same way: the store does not change
    before = dump(home)
    assert len(ingest(d, home).failed) == 9
    assert dump(home) == before


def test_no_text_under_ocr_never(tmp_path: Path) -> None:
    from PIL import Image

    d = tmp_path / "in"
    d.mkdir()
    Image.new("L", (64, 64), 128).save(d / "anh.png")
    s = ingest(d, tmp_path / "home", ocr=OcrMode.NEVER)
    assert [r.reason for r in s.failed] == [FailReason.NO_TEXT]


# ---- documents, not files: batch scans and page photos -------------------------------------


def test_batch_scan_is_split_into_documents(tmp_path: Path) -> None:
    d = tmp_path / "in"
    d.mkdir()
    f = d / "scan-lo.txt"
    page2 = "tiếp theo: các nhiệm vụ của phòng Nội vụ và Văn phòng HĐND-UBND huyện."
    f.write_text(f"{letter(1)}\f{page2}\f{letter(2, kind='TB')}", encoding="utf-8")
    home = tmp_path / "home"
    s = ingest(d, home)
    assert s.documents == 2
    h = sha(f)
    with Store.open(home, create=False) as store:
        docs = sorted(store.catalogue.iter_documents(), key=lambda x: x.files[0].pages or [])
    assert [x.files[0].pages for x in docs] == [[1, 2], [3, 3]]
    assert [x.id for x in docs] == [part_id([(h, 1, 2)]), part_id([(h, 3, 3)])]
    assert [x.facts.symbol for x in docs] == ["101/KH-UBND", "102/TB-UBND"]
    assert [p.number for p in docs[0].page_texts] == [1, 2]


class GreyOcr:
    """A fake OCR engine: the text of a page photo is chosen by how much of the page is
    dark ink (percent of pixels), which survives the OCR stage's background flattening
    and upscaling (a flat grey level would not)."""

    def __init__(self, texts: dict[int, str], delay: float = 0.0) -> None:
        self.texts = texts
        self.delay = delay

    def __call__(self, image_path: Path) -> OcrResult:
        from PIL import Image

        if self.delay:
            time.sleep(self.delay)
        with Image.open(image_path) as im:
            grey = im.convert("L")
            dark = sum(grey.histogram()[:128]) * 100 / (grey.width * grey.height)
        key = min(self.texts, key=lambda k: abs(k - dark))
        return OcrResult(self.texts[key], 88.0)


def timed_tesseract(folder: Path, name: str) -> Path:
    """A stand-in ``tesseract`` binary: each run sleeps a little, writes one line of words
    and appends its start and end to ``<name>.log`` (it runs in the worker processes: a
    file is how the test sees when pages were read; a real engine object, unlike a test
    class, is importable there)."""
    log = folder / f"{name}.log"
    script = folder / name
    row = "5\t1\t1\t1\t1\t{k}\t{x}\t100\t120\t40\t95\t{w}"
    words = "\n".join(row.format(k=k, x=100 + 140 * k, w=w)
                      for k, w in enumerate("Trang tiếp theo của hồ sơ".split()))
    script.write_text(
        "#!/bin/sh\n"
        'if [ "$1" = "--list-langs" ]; then printf "List of languages:\\nvie\\nosd\\n"; exit 0; fi\n'
        "start=$(date +%s.%N)\nsleep 0.3\n"
        f"cat > \"$2.tsv\" <<'TSV'\n{_TSV_HEAD}\n{words}\nTSV\n"
        f'echo "$start $(date +%s.%N)" >> {log}\n', encoding="utf-8")
    script.chmod(0o755)
    return script


_TSV_HEAD = "level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\theight\tconf\ttext"


def _overlapping(log: Path) -> bool:
    spans = sorted(tuple(map(float, line.split())) for line in log.read_text().splitlines())
    return any(b[0] < a[1] for a, b in itertools.pairwise(spans))


def inked_page(percent: int, size: tuple[int, int] = (120, 160)) -> Any:
    """A white page whose top ``percent`` % of rows are black bars (a page of print)."""
    from PIL import Image, ImageDraw

    im = Image.new("L", size, 255)
    draw = ImageDraw.Draw(im)
    rows = size[1] * percent // 100
    for y in range(0, rows, 2):
        draw.line([(0, y), (size[0], y)], fill=0)
        draw.line([(0, y + 1), (size[0], y + 1)], fill=0)
    return im


def test_page_photos_are_grouped_then_split_at_headers(tmp_path: Path) -> None:
    d = tmp_path / "anh-chup"
    d.mkdir()
    for i, percent in enumerate([10, 30, 50], start=1):
        inked_page(percent).save(d / f"scan_{i:03d}.png")
    ocr = GreyOcr({10: letter(5), 30: "Trang 2: nội dung tiếp theo của kế hoạch.",
                   50: letter(6, kind="TB")})
    assert walk([d]) == [[d / "scan_001.png", d / "scan_002.png", d / "scan_003.png"]]
    home = tmp_path / "home"
    s = ingest(d, home, ocr_engine=ocr)
    assert (s.added, s.documents, s.ocr_pages) == (3, 2, 3)
    h = [sha(d / f"scan_{i:03d}.png") for i in (1, 2, 3)]
    with Store.open(home, create=False) as store:
        a = store.catalogue.get_document(part_id([(h[0], 1, 1), (h[1], 1, 1)]))
        b = store.catalogue.get_document(h[2])
    assert a is not None and b is not None
    assert [f.path for f in a.files] == [str(d / "scan_001.png"), str(d / "scan_002.png")]
    assert a.ocr and a.pages == 2 and a.facts.symbol == "105/KH-UBND"
    assert [p.source for p in a.page_texts] == [str(d / "scan_001.png"), str(d / "scan_002.png")]
    assert b.facts.symbol == "106/TB-UBND"
    # a re-run parses nothing
    again = ingest(d, home, ocr_engine=ocr)
    assert (again.unchanged, again.documents, again.ocr_pages) == (3, 0, 0)


def test_in_process_time_limit_fails_one_file(tmp_path: Path) -> None:
    from PIL import Image

    d = tmp_path / "in"
    d.mkdir()
    Image.new("L", (50, 50), 90).save(d / "cham.png")
    (d / "van-ban.txt").write_text(letter(3), encoding="utf-8")
    t0 = time.monotonic()
    s = ingest(d, tmp_path / "home", ocr_engine=GreyOcr({90: letter(4)}, delay=30),
               timeout=0.5)
    assert time.monotonic() - t0 < 20
    assert [(Path(r.path).name, r.reason) for r in s.failed] == [("cham.png", FailReason.TIMEOUT)]
    assert s.added == 1


# ---- workers -------------------------------------------------------------------------------


def _mixed_folder(root: Path) -> Path:
    d = root / "mixed"
    (d / "a").mkdir(parents=True)
    (d / "b").mkdir()
    for i in range(8):
        (d / ("a" if i % 2 else "b") / f"vb-{i:02d}.txt").write_text(letter(i), encoding="utf-8")
    (d / "a" / "ban-sao.txt").write_bytes((d / "b" / "vb-00.txt").read_bytes())
    (d / "b" / "nul.txt").write_bytes(b"\x00" * 100)
    (d / "b" / "lo.txt").write_text(f"{letter(30)}\f{letter(31, kind='TB')}", encoding="utf-8")
    return d


def test_jobs_2_gives_the_same_store_as_jobs_1(tmp_path: Path) -> None:
    d = _mixed_folder(tmp_path)
    s1 = ingest(d, tmp_path / "h1", jobs=1)
    s2 = ingest(d, tmp_path / "h2", jobs=2)
    assert s1.to_dict() | {"seconds": 0} == s2.to_dict() | {"seconds": 0}
    assert dump(tmp_path / "h1") == dump(tmp_path / "h2")


def test_the_worker_reads_the_next_unit_while_an_outcome_is_stored(src: Path,
                                                                   tmp_path: Path) -> None:
    """--jobs 1 in a worker: the next unit is sent before the previous outcome reaches
    the caller (storing it overlaps the reading), and the store is the in-process one."""
    from evidence.ingest.base import ParseOptions
    from evidence.ingest.pipeline import file_info
    from evidence.ingest.workers import Task, open_runner

    files = sorted(src.rglob("*.txt"))
    events: list[str] = []

    def tasks():  # type: ignore[no-untyped-def]
        for k, f in enumerate(files, start=1):
            events.append(f"send {k}")
            yield Task(k, [file_info(f)])

    runner = open_runner(1, ParseOptions(), 60.0, 0, True, lambda *_: None)
    try:
        for outcome in runner.run(tasks()):
            events.append(f"got {outcome.key}")
    finally:
        runner.close()
    n = len(files)
    assert events == (["send 1"] + [e for k in range(2, n + 1)
                                    for e in (f"send {k}", f"got {k - 1}")] + [f"got {n}"])
    ingest(src, tmp_path / "h1", isolate=True)
    ingest(src, tmp_path / "h2")
    assert dump(tmp_path / "h1") == dump(tmp_path / "h2")


def test_a_lone_long_scan_is_read_on_both_cpus_with_jobs_2(tmp_path: Path) -> None:
    """With nothing else to read, the idle worker's CPU slot OCRs pages of the other
    worker's scan (ingest.cpu): the store is the one --jobs 1 builds, and the slot files
    go when the run ends."""
    from evidence.ingest.ocr import TesseractEngine
    from fpdf import FPDF

    d = tmp_path / "scan"
    d.mkdir()
    pdf = FPDF()
    for i, percent in enumerate([10, 30, 50, 70]):
        pdf.add_page()
        inked_page(percent, (240, 340)).save(tmp_path / f"p{i}.png")
        pdf.image(str(tmp_path / f"p{i}.png"), x=0, y=0, w=210, h=297)
    pdf.output(str(d / "ho-so.pdf"))
    (d / "van-ban.txt").write_text(letter(8), encoding="utf-8")
    before = set(Path(tempfile.gettempdir()).glob("evidence-cpu-*"))
    s1 = ingest(d, tmp_path / "h1",
                ocr_engine=TesseractEngine(binary=str(timed_tesseract(tmp_path, "one"))))
    s2 = ingest(d, tmp_path / "h2", jobs=2, isolate=True,
                ocr_engine=TesseractEngine(binary=str(timed_tesseract(tmp_path, "two"))))
    assert not _overlapping(tmp_path / "one.log") and _overlapping(tmp_path / "two.log")
    assert s1.to_dict() | {"seconds": 0} == s2.to_dict() | {"seconds": 0}
    assert s2.ocr_pages == 4 and not s2.failed
    assert dump(tmp_path / "h1") == dump(tmp_path / "h2")
    assert set(Path(tempfile.gettempdir()).glob("evidence-cpu-*")) == before


def test_worker_past_its_time_limit_is_replaced(tmp_path: Path) -> None:
    d = _mixed_folder(tmp_path)
    home = tmp_path / "home"
    s = ingest(d, home, jobs=2, timeout=0.001)
    # nul.txt may fail for its own reason before the timer fires (a loaded machine)
    assert any(r.reason is FailReason.TIMEOUT for r in s.failed)
    assert all(r.reason is FailReason.TIMEOUT or r.path.endswith("nul.txt") for r in s.failed)
    # the next run retries them with a sane limit and ends like a clean run
    s = ingest(d, home, jobs=2)
    assert len(s.failed) == 1  # nul.txt
    ingest(d, tmp_path / "clean", jobs=1)
    assert dump(home) == dump(tmp_path / "clean")


def test_kill_9_then_resume_gives_the_same_store(tmp_path: Path) -> None:
    d = tmp_path / "many"
    d.mkdir()
    n = 60
    for i in range(n):
        (d / f"vb-{i:03d}.txt").write_text(letter(i, words=400), encoding="utf-8")
    (d / "lo.txt").write_text(f"{letter(70)}\f{letter(71, kind='TB')}", encoding="utf-8")
    clean = tmp_path / "clean"
    ingest(d, clean)
    killed = tmp_path / "killed"
    env = {**os.environ, "EVIDENCE_HOME": str(killed)}
    proc = subprocess.Popen([sys.executable, "-m", "evidence.cli", "ingest", "--jobs", "1",
                             "--json", str(d)], env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    db = killed / "catalogue.sqlite3"
    seen = 0
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and proc.poll() is None:
        if db.exists():
            try:
                con = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=1)
                seen = con.execute("SELECT count(*) FROM documents").fetchone()[0]
                con.close()
            except sqlite3.Error:
                seen = 0
            if seen >= 3:
                break
        time.sleep(0.005)
    assert proc.poll() is None, "the run ended before it could be killed"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    assert 3 <= seen < n
    s = ingest(d, killed)
    assert s.documents > 0 and not s.failed
    assert dump(killed) == dump(clean)


# ---- walk ----------------------------------------------------------------------------------


def test_walk_skips_hidden_lock_files_litter_and_the_store(tmp_path: Path) -> None:
    d = tmp_path / "docs"
    (d / ".git").mkdir(parents=True)
    (d / ".git" / "config.txt").write_text("x")
    (d / ".an.txt").write_text("x")
    (d / "~$ke-hoach.docx").write_text("x")
    (d / "Thumbs.db").write_text("x")
    (d / "ke-hoach.txt").write_text("x")
    (d / "store").mkdir()
    (d / "store" / "catalogue.sqlite3").write_text("x")
    (d / "sub").mkdir()
    (d / "sub" / "b.txt").write_text("x")
    assert walk([d], exclude=[d / "store"]) == [[d / "ke-hoach.txt"], [d / "sub" / "b.txt"]]
    # a file given twice (directly and through its folder) is one unit
    assert walk([d / "sub" / "b.txt", d / "sub"]) == [[d / "sub" / "b.txt"]]


def test_results_reach_the_progress_reporter(src: Path, tmp_path: Path) -> None:
    class Recorder:
        def __init__(self) -> None:
            self.total = 0
            self.pages_seen = 0
            self.results: list[IngestResult] = []
            self.stopped = False

        def start(self, total_files: int) -> None:
            self.total = total_files

        def pages(self, pages: int, ocr_pages: int) -> None:
            self.pages_seen += pages

        def file_done(self, result: IngestResult) -> None:
            self.results.append(result)

        def stop(self) -> None:
            self.stopped = True

    rec = Recorder()
    s = ingest(src, tmp_path / "home", progress=rec)
    assert rec.total == 5 and len(rec.results) == 5
    assert rec.pages_seen == s.pages == 5
    assert all(r.status == "added" and r.documents for r in rec.results)


def test_docx_and_text_in_one_folder(tmp_path: Path) -> None:
    import docx

    d = tmp_path / "in"
    d.mkdir()
    word = docx.Document()
    for line in letter(12).split("\n"):
        word.add_paragraph(line)
    word.save(str(d / "ke-hoach-112.docx"))
    (d / "ke-hoach-113.txt").write_text(letter(13), encoding="utf-8")
    home = tmp_path / "home"
    s = ingest(d, home)
    assert (s.added, s.documents, s.failed) == (2, 2, [])
    with Store.open(home, create=False) as store:
        (doc,) = store.catalogue.find_documents("112/KH-UBND")
        stats = store.stats()
    assert doc.format == "docx" and doc.pages is None and not doc.ocr
    assert doc.id == sha(d / "ke-hoach-112.docx")
    assert stats["by_format"] == {"docx": 1, "txt": 1}
