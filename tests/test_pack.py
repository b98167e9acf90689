"""Evidence pack: layout, manifest, README, and safety (never outside DIR, originals
untouched, sanitised names, non-empty DIR refused unless forced)."""

from __future__ import annotations

import csv
import hashlib
import json
import os
from pathlib import Path

import pytest
import yaml
from evidence.check import check, parse_catalogue
from evidence.check.pack import PackError, safe_name, write_pack
from evidence.model import Document, Facts, FileRef, Page, Signer

CATALOGUE = """
schema_version: 1
catalogue: {id: t, year: 2023, title: "Thử hồ sơ"}
criteria:
  - code: "1.1"
    area: "1"
    title: "Ban hành Kế hoạch cải cách hành chính năm"
    evidence:
      - id: "1.1-a"
        text: "Kế hoạch CCHC năm 2023"
        doc_type: KH
        keywords_all: ["cải cách hành chính"]
  - code: "5.1"
    area: "5"
    title: "Kiểm tra công vụ: tổ kiểm tra / kết quả"
    evidence:
      - id: "5.1-a"
        text: "Quyết định thành lập tổ kiểm tra công vụ"
        doc_type: QĐ
        keywords_all: ["tổ kiểm tra"]
  - code: "9.9"
    area: "9"
    title: "Không có gì"
    evidence:
      - id: "9.9-a"
        text: "Quy chế làm việc"
        doc_type: QĐ
        keywords_all: ["quy chế làm việc"]
"""


def make(folder: Path, files: list[str], *, doc_type: str, symbol: str | None, subject: str,
         date: str = "2023-01-17") -> Document:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for i, name in enumerate(files):
        p = folder / name
        p.write_bytes(f"{subject} trang {i}".encode())
        paths.append(p)
    number = symbol.split("/")[0] if symbol else None
    facts = Facts(doc_type=doc_type, number=number or None, symbol=symbol, date=date,
                  issuer="Ủy ban nhân dân huyện Đức Thọ", subject=subject, signer=Signer(name="Lê Quang Minh"))
    return Document(id=hashlib.sha256(str(paths).encode()).hexdigest(),
                    files=[FileRef(path=str(p)) for p in paths], path=str(paths[0]),
                    format=paths[0].suffix.lstrip("."), ocr=False, pages=len(paths), facts=facts,
                    page_texts=[Page(number=1, text=f"{subject}\nNội dung cải cách hành chính năm 2023.")])


def report(tmp_path: Path, docs: list[Document] | None = None) -> object:
    src = tmp_path / "goc"
    docs = docs if docs is not None else [
        make(src, ["KH 111.docx"], doc_type="KH", symbol="111/KH-UBND",
             subject="Kế hoạch cải cách hành chính năm 2023"),
        make(src / "anh", ["trang 1.jpg", "trang 2.jpg"], doc_type="QĐ", symbol="../../etc/870:QĐ*UBND",
             subject="Quyết định thành lập tổ kiểm tra công vụ năm 2023", date="2023-05-10"),
    ]
    return check(parse_catalogue(yaml.safe_load(CATALOGUE), source="t.yaml"), docs)


def snapshot(folder: Path) -> dict[str, tuple[bytes, int]]:
    return {str(p): (p.read_bytes(), p.stat().st_mtime_ns) for p in folder.rglob("*") if p.is_file()}


def test_layout_manifest_and_readme(tmp_path: Path) -> None:
    rep = report(tmp_path)
    before = snapshot(tmp_path / "goc")
    out = tmp_path / "ho-so"
    res = write_pack(rep, out)
    assert snapshot(tmp_path / "goc") == before  # originals untouched
    plan = out / "1.1 Ban hành Kế hoạch CCHC năm" / "1.1-a 111-KH-UBND 2023-01-17.docx"
    assert plan.read_bytes() == (tmp_path / "goc" / "KH 111.docx").read_bytes()
    # separators in a title and in a symbol never make folders
    (folder,) = [p for p in out.iterdir() if p.name.startswith("5.1")]
    assert folder.name == "5.1 Kiểm tra công vụ - tổ kiểm tra - kết quả"
    photos = sorted(p.name for p in folder.iterdir())
    assert len(photos) == 2 and all(p.startswith("5.1-a ") and p.endswith(".jpg") for p in photos)
    assert all("/" not in p and ".." not in p.split(" ")[1] for p in photos)
    assert not any(p.name.startswith("9.9") for p in out.iterdir())  # nothing found: no folder
    assert res.copied == 3 and res.folders == 2
    rows = list(csv.DictReader((out / "manifest.csv").read_text(encoding="utf-8-sig").splitlines()))
    assert [r["requirement"] for r in rows] == ["1.1-a", "5.1-a", "5.1-a"]
    for r in rows:
        assert hashlib.sha256((out / r["file"]).read_bytes()).hexdigest() == r["sha256"]
        assert Path(r["source"]).is_file()
    data = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert data["copied"] == 3 and data["entries"][0]["symbol"] == "111/KH-UBND"
    readme = (out / "README.md").read_text(encoding="utf-8")
    assert "Tiêu chí đạt (2)" in readme and "Tiêu chí thiếu tài liệu (1)" in readme
    assert "9.9 Không có gì" in readme and "Không tìm thấy văn bản nào khớp" in readme


def test_nothing_is_written_outside_the_pack(tmp_path: Path) -> None:
    out = tmp_path / "sandbox" / "pack"
    write_pack(report(tmp_path), out)
    outside = [p for p in (tmp_path / "sandbox").rglob("*") if not str(p).startswith(str(out))]
    assert outside == []
    for p in out.rglob("*"):
        assert p.resolve().is_relative_to(out.resolve())


def test_non_empty_folder_refused_unless_forced(tmp_path: Path) -> None:
    out = tmp_path / "pack"
    out.mkdir()
    (out / "ghi-chu.txt").write_text("của cán bộ", encoding="utf-8")
    with pytest.raises(PackError, match="not empty"):
        write_pack(report(tmp_path), out)
    first = write_pack(report(tmp_path), out, force=True)
    assert first.copied == 3
    assert (out / "ghi-chu.txt").read_text(encoding="utf-8") == "của cán bộ"  # not ours: kept
    # a second forced pack over the first replaces its files, no duplicates
    write_pack(report(tmp_path), out, force=True)
    files = [p for p in out.rglob("*") if p.is_file() and p.suffix in (".docx", ".jpg")]
    assert len(files) == 3


def test_a_file_as_out_is_refused(tmp_path: Path) -> None:
    f = tmp_path / "pack"
    f.write_text("x", encoding="utf-8")
    with pytest.raises(PackError, match="not a folder"):
        write_pack(report(tmp_path), f)


@pytest.mark.skipif(os.name == "nt", reason="symlinks")
def test_a_symlinked_criterion_folder_is_not_followed(tmp_path: Path) -> None:
    out = tmp_path / "pack"
    out.mkdir()
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (out / "1.1 Ban hành Kế hoạch CCHC năm").symlink_to(elsewhere, target_is_directory=True)
    with pytest.raises(PackError, match="outside"):
        write_pack(report(tmp_path), out, force=True)
    assert list(elsewhere.iterdir()) == []


def test_a_missing_original_is_noted_not_fatal(tmp_path: Path) -> None:
    rep = report(tmp_path)
    (tmp_path / "goc" / "KH 111.docx").unlink()
    res = write_pack(rep, tmp_path / "pack")
    missing = [e for e in res.entries if e.requirement == "1.1-a"]
    assert missing[0].file is None and "không sao chép được" in missing[0].note


@pytest.mark.parametrize(("raw", "expected"), [
    ("../../etc/passwd", "etc-passwd"),
    ("..", "_"),
    ("   .hidden ", "hidden"),
    ("a\x00b\nc", "a-b-c"),
    ('Q:Đ*"<>|?.pdf', "Q-Đ------.pdf"),
])
def test_safe_name(raw: str, expected: str) -> None:
    assert safe_name(raw) == expected


def test_safe_name_caps_length_and_keeps_extension() -> None:
    name = safe_name("Báo cáo " * 60 + ".xlsx")
    assert name.endswith(".xlsx") and len(name.encode()) <= 150
    assert "/" not in name


def test_a_document_that_does_not_count_is_flagged_in_its_name(tmp_path: Path) -> None:
    late = CATALOGUE.replace('keywords_all: ["cải cách hành chính"]',
                             'keywords_all: ["cải cách hành chính"]\n        issued_before: "2023-01-10"')
    docs = [make(tmp_path / "goc", ["KH 111.docx"], doc_type="KH", symbol="111/KH-UBND",
                 subject="Kế hoạch cải cách hành chính năm 2023")]
    rep = check(parse_catalogue(yaml.safe_load(late), source="t.yaml"), docs)
    res = write_pack(rep, tmp_path / "pack")
    (entry,) = [e for e in res.entries if e.requirement == "1.1-a"]
    assert entry.file is not None and entry.file.endswith("1.1-a 111-KH-UBND 2023-01-17 (chưa đạt).docx")
    assert entry.status == "partial" and "late" in entry.note
