"""Issue 11 (and issue 14 item 2), the ingest side: names that are not UTF-8, links out of
the folders, unreadable folders, non-documents, memory ceilings, converters kept offline,
temporary folders of killed workers. Every fixture is built here."""

from __future__ import annotations

import errno
import json
import os
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from evidence.cli import cli
from evidence.fspath import display_path, escape_path, os_path
from evidence.index.store import Store
from evidence.ingest.formats.doc import find_soffice
from evidence.ingest.pipeline import ingest_paths
from evidence.ingest.walk import walk_tree


def run(home: Path, *args: str) -> Result:
    return CliRunner().invoke(cli, ["--home", str(home), *args])


def ingest_json(home: Path, *args: str) -> tuple[int, dict]:  # type: ignore[type-arg]
    r = run(home, "ingest", "--json", *args)
    return r.exit_code, json.loads(r.stdout)


# ---- names that are not UTF-8 ----------------------------------------------------------


def test_names_that_are_not_utf8_are_kept_and_the_batch_goes_on(tmp_path: Path,
                                                                 vn_letter) -> None:  # type: ignore[no-untyped-def]
    src = tmp_path / "tu-windows"
    src.mkdir()
    raw = os.fsencode(src)
    # "Kế hoạch 201.txt" as Windows-1258 bytes, a stray 0xFF, then an ordinary name after
    names = [b"K\xea\xec hoa\xf2ch 201.txt", b"bad-\xff.txt", b"zz-thuong.txt"]
    for i, name in enumerate(names):
        with open(raw + b"/" + name, "wb") as fh:
            fh.write(vn_letter(i).encode("utf-8"))
    home = tmp_path / "home"
    for _ in range(2):  # a rerun goes on the same way
        code, out = ingest_json(home, "--jobs", "1", str(src))
        assert code == 0, out
        assert out["failed"] == []
    assert out["unchanged"] == 3
    with Store.open(home, create=False) as store:
        paths = sorted(r.path for r in store.catalogue.iter_files())
    assert len(paths) == 3
    assert f"{src}/bad-\\xff.txt" in paths
    # exact bytes back from the stored text
    assert sorted(os.fsencode(os_path(p)) for p in paths) == sorted(raw + b"/" + n for n in names)
    cp1258 = next(p for p in paths if p.startswith(f"{src}/K"))
    assert display_path(cp1258).endswith("Kế hoạch 201.txt")
    status = run(home, "status", "--json")
    assert status.exit_code == 0
    json.loads(status.stdout)


def test_a_failed_name_that_is_not_utf8_has_a_display_path(tmp_path: Path) -> None:
    src = tmp_path / "src"
    src.mkdir()
    with open(os.fsencode(src) + b"/h\xf4ng.pdf", "wb") as fh:
        fh.write(b"%PDF-1.4\n1 0 obj\n<< /Type")
    code, out = ingest_json(tmp_path / "home", "--jobs", "1", str(src))
    assert code == 1
    (failed,) = out["failed"]
    assert failed["path"] == f"{src}/h\\xf4ng.pdf"
    assert failed["display_path"] == f"{src}/hông.pdf"
    assert failed["reason"] == "truncated"


def test_escaping_is_exact_both_ways() -> None:
    for raw in (b"/a/b\xffc", b"/a/\\x41 literal", b"/a/Vi\xe1\xbb\x87t", b"/a/\\xff\xff"):
        text = escape_path(os.fsdecode(raw))
        text.encode("utf-8")  # storable, printable
        assert os.fsencode(os_path(text)) == raw


# ---- links, unreadable folders ---------------------------------------------------------


def test_links_out_of_the_folders_are_not_followed(tmp_path: Path, vn_letter) -> None:  # type: ignore[no-untyped-def]
    outside = tmp_path / "mat"
    outside.mkdir()
    secret = outside / "mat-khau.txt"
    secret.write_text("mật khẩu của máy chủ: hoa-sen-42\n" + vn_letter(7), encoding="utf-8")
    src = tmp_path / "src"
    (src / "con").mkdir(parents=True)
    (src / "ke-hoach.txt").write_text(vn_letter(1), encoding="utf-8")
    (src / "p.txt").symlink_to(secret)
    (src / "thu-muc-ngoai").symlink_to(outside)
    (src / "con" / "ban-sao.txt").symlink_to(src / "ke-hoach.txt")  # stays inside: read
    (src / "hong.txt").symlink_to(src / "khong-co.txt")
    home = tmp_path / "home"
    code, out = ingest_json(home, "--jobs", "1", str(src))
    assert code == 0, out
    skipped = {Path(k["path"]).name: k["reason"] for k in out["skipped"]}
    assert skipped == {"p.txt": "link_outside", "thu-muc-ngoai": "link_outside",
                       "hong.txt": "broken_link"}
    assert out["added"] + out["copies"] == 2
    with Store.open(home, create=False) as store:
        texts = [d.text for d in store.catalogue.iter_documents()]
    assert len(texts) == 1 and not any("hoa-sen-42" in t for t in texts)


def _deny(monkeypatch: pytest.MonkeyPatch, folder: Path) -> None:
    """Make ``folder`` unreadable: chmod for a normal user; root reads everything, so
    there the listing itself is refused as the OS would refuse it."""
    if os.geteuid() != 0:
        folder.chmod(0)
        return
    real = os.scandir

    def scandir(path: object = ".") -> object:
        if os.fspath(path) == str(folder):  # type: ignore[arg-type]
            raise PermissionError(errno.EACCES, "Permission denied", str(folder))
        return real(path)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "scandir", scandir)


def test_an_unreadable_folder_is_one_line_a_failure_and_in_status(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, vn_letter) -> None:  # type: ignore[no-untyped-def]
    src = tmp_path / "src"
    locked = src / "mat"
    locked.mkdir(parents=True)
    (locked / "kin.txt").write_text(vn_letter(2), encoding="utf-8")
    (src / "mo.txt").write_text(vn_letter(3), encoding="utf-8")
    home = tmp_path / "home"
    _deny(monkeypatch, locked)
    try:
        r = run(home, "ingest", "--jobs", "1", str(src))
        status = run(home, "status", "--json")
    finally:
        locked.chmod(0o755)
    assert r.exit_code == 1
    lines = [ln for ln in r.stderr.splitlines() if ln.startswith("error:")]
    assert lines == [f"error: {locked}: không có quyền đọc thư mục này"]
    failed = json.loads(status.stdout)["failed"]
    assert [(f["path"], f["reason"]) for f in failed] == [(str(locked), "permission")]
    monkeypatch.undo()
    code, out = ingest_json(home, "--jobs", "1", str(src))  # readable again: read, forgotten
    assert code == 0 and out["added"] == 1
    assert json.loads(run(home, "status", "--json").stdout)["failed"] == []


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads every file")
def test_an_unreadable_file_is_permission_not_corrupt(tmp_path: Path, vn_letter) -> None:  # type: ignore[no-untyped-def]
    src = tmp_path / "src"
    src.mkdir()
    f = src / "kin.txt"
    f.write_text(vn_letter(4), encoding="utf-8")
    f.chmod(0)
    try:
        code, out = ingest_json(tmp_path / "home", "--jobs", "1", str(src))
    finally:
        f.chmod(0o644)
    assert code == 1 and out["failed"][0]["reason"] == "permission"


# ---- files that are not documents ------------------------------------------------------


def test_non_documents_are_skipped_listed_and_dropped_from_the_store(
        tmp_path: Path, vn_letter) -> None:  # type: ignore[no-untyped-def]
    src = tmp_path / "src"
    (src / "nhap").mkdir(parents=True)
    (src / "ke-hoach-201.txt").write_text(vn_letter(1), encoding="utf-8")
    (src / "ke-hoach-201.txt.json").write_text('{"nguon": "một cửa"}', encoding="utf-8")
    (src / "bao-cao.pdf.json").write_text("{}", encoding="utf-8")  # no bao-cao.pdf: unsupported
    (src / "README.md").write_text("# Ghi chú\nThư mục hồ sơ kiểm chứng năm 2025.\n")
    (src / "~$ke-hoach-201.docx").write_bytes(b"\x00lock")
    (src / ".DS_Store").write_bytes(b"\x00\x00\x00\x01Bud1")
    (src / "Thumbs.db").write_bytes(b"\xd0\xcf\x11\xe0")
    (src / "nhap" / "ban-nhap.txt").write_text(vn_letter(2), encoding="utf-8")
    (src / "to-trinh.txt").write_text(vn_letter(3), encoding="utf-8")
    home = tmp_path / "home"
    # a first run that reads the notes as a document, as older versions did
    with Store.open(home) as store:
        s = ingest_paths([src / "README.md", src / "to-trinh.txt"], store, jobs=1,
                         isolate=False)
    assert s.documents == 1  # README is skipped by name even when named
    (src / ".evidenceignore").write_text("# bản nháp\nnhap/\n", encoding="utf-8")
    code, out = ingest_json(home, "--jobs", "1", "--exclude", "to-*.txt", str(src))
    skipped = {Path(k["path"]).name: k["reason"] for k in out["skipped"]}
    assert skipped == {"ke-hoach-201.txt.json": "sidecar", "README.md": "notes",
                       "~$ke-hoach-201.docx": "debris", ".DS_Store": "debris",
                       "Thumbs.db": "debris", "nhap": "excluded", "to-trinh.txt": "excluded"}
    assert [Path(f["path"]).name for f in out["failed"]] == ["bao-cao.pdf.json"]
    assert code == 1  # the lone .json is not a document beside anything: a failure
    assert out["removed_documents"] == 1  # to-trinh.txt, now excluded, left the store
    with Store.open(home, create=False) as store:
        names = sorted(Path(r.path).name for r in store.catalogue.iter_files())
    assert names == ["bao-cao.pdf.json", "ke-hoach-201.txt"]
    (src / "bao-cao.pdf.json").unlink()
    code, out = ingest_json(home, "--jobs", "1", str(src))
    assert code == 0  # skipped files alone never make the run fail


def test_realfiles_sidecars_and_readme_are_skipped(shared_dir: Path) -> None:
    folder = shared_dir / "data" / "realfiles"
    if not folder.is_dir():
        pytest.skip("no realfiles")
    tree = walk_tree([folder])
    reasons = {k.reason for k in tree.skipped}
    names = {Path(u[0]).suffix.lower() for u in tree.units}
    assert reasons <= {"sidecar", "notes"} and "sidecar" in reasons
    assert ".json" not in names and ".md" not in names
    assert len(tree.skipped) == sum(1 for p in folder.iterdir()
                                    if p.suffix == ".json" or p.name.startswith("README"))


# ---- memory ceiling --------------------------------------------------------------------


def _text_bomb_pdf(path: Path, chars: int, claim: int = 1) -> None:
    """One page holding ``chars`` characters of text in a small compressed stream (its
    page tree claiming ``claim`` pages)."""
    import zlib

    line = "(thu tuc hanh chinh cai cach ke hoach bao cao so lieu tong hop) Tj 0 1 Td\n"
    ops = "BT /F1 1 Tf 0 0 Td\n" + line * (chars // 64) + "ET"
    stream = zlib.compress(ops.encode(), 9)
    objs = [b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [4 0 R] /Count %d >>" % claim,
            b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
            b"/Resources << /Font << /F1 3 0 R >> >> /Contents 5 0 R >>",
            b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(stream) + stream
            + b"\nendstream"]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for i, body in enumerate(objs, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1, xref)
    path.write_bytes(bytes(out))


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_a_text_bomb_fails_as_one_line_under_the_memory_ceiling(tmp_path: Path, jobs: str,
                                                                vn_letter) -> None:  # type: ignore[no-untyped-def]
    src = tmp_path / "src"
    src.mkdir()
    _text_bomb_pdf(src / "bom.pdf", 4_000_000)
    (src / "ke-hoach.txt").write_text(vn_letter(5), encoding="utf-8")
    r = run(tmp_path / "home", "ingest", "--json", "--jobs", jobs, "--max-memory", "128M",
            str(src))
    assert r.exit_code == 1
    out = json.loads(r.stdout)
    failed = [(Path(f["path"]).name, f["reason"]) for f in out["failed"]]
    # pdfium aborts (SIGABRT) when it cannot allocate under the cap; the abort can come
    # before the parent's next memory sample of the worker, and the death is then reported
    # as internal: still one line, and the batch goes on
    assert failed in ([("bom.pdf", "too_large")], [("bom.pdf", "internal")])
    assert out["added"] == 1
    assert [ln for ln in r.stderr.splitlines() if ln.startswith("error:")] == [
        f"error: {src / 'bom.pdf'}: {out['failed'][0]['error']}"]


def test_extract_holds_the_memory_ceiling_too(tmp_path: Path) -> None:
    _text_bomb_pdf(tmp_path / "bom.pdf", 4_000_000)
    r = run(tmp_path / "home", "extract", "--json", "--max-memory", "128M",
            str(tmp_path / "bom.pdf"))
    assert r.exit_code == 2 and r.stdout == ""
    assert r.stderr.strip().startswith(f"error: {tmp_path / 'bom.pdf'}: ")
    assert "\n" not in r.stderr.strip()


def test_in_process_reading_raises_its_memory_error_as_too_large(tmp_path: Path) -> None:
    src = tmp_path / "src"
    src.mkdir()
    (src / "dai.txt").write_text(("Thủ tục hành chính được giải quyết đúng hạn. " * 20 + "\n")
                                 * 60_000, encoding="utf-8")
    with Store.open(tmp_path / "home") as store:
        s = ingest_paths([src], store, jobs=1, isolate=False, max_memory=64 << 20)
    assert [f.reason for f in s.failed] == ["too_large"]


# ---- converters stay offline -----------------------------------------------------------


@pytest.mark.skipif(find_soffice() is None, reason="LibreOffice is not installed")
def test_an_html_doc_makes_no_network_request(tmp_path: Path) -> None:
    hits: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            hits.append(self.path)
            self.send_response(200)
            self.end_headers()
            self.wfile.write(b"GIF89a")

        def log_message(self, *args: object) -> None:
            return None

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        src = tmp_path / "src"
        src.mkdir()
        (src / "thong-bao.doc").write_text(
            f'<html><head><meta charset="utf-8"><link rel="stylesheet" href="{base}/a.css">'
            f'<style>@import url({base}/b.css);</style></head><body>'
            "<p>ỦY BAN NHÂN DÂN HUYỆN KỲ ANH</p><p>Số: 31/TB-UBND</p>"
            f'<img src="{base}/theo-doi.gif"><p style="background:url({base}/nen.gif)">'
            "THÔNG BÁO</p><p>Lịch tiếp công dân tháng 3 năm 2025.</p>"
            f'<iframe src="{base}/khung.html"></iframe></body></html>', encoding="utf-8")
        code, out = ingest_json(tmp_path / "home", "--jobs", "1", str(src))
    finally:
        server.shutdown()
    assert code == 0, out
    assert out["added"] == 1
    assert hits == []


# ---- temporary folders of killed workers ------------------------------------------------


def test_a_worker_killed_on_timeout_leaves_no_temporary_folder(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import tempfile

    tmp = tmp_path / "tmp"
    tmp.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(tmp))
    src = tmp_path / "src"
    src.mkdir()
    _text_bomb_pdf(src / "cham.pdf", 4_000_000)  # pdfium needs far more than 1 s for it
    with Store.open(tmp_path / "home") as store:
        s = ingest_paths([src], store, jobs=2, timeout=1.0, max_memory=8 << 30)
    assert [f.reason for f in s.failed] == ["timeout"]
    assert [p.name for p in tmp.iterdir() if p.name.startswith("evidence-")] == []


def test_a_pdf_claiming_100000_pages_is_read_for_its_real_page(tmp_path: Path) -> None:
    _text_bomb_pdf(tmp_path / "khai-khong.pdf", 3000, claim=100_000)
    r = run(tmp_path / "home", "extract", "--json", str(tmp_path / "khai-khong.pdf"))
    assert r.exit_code == 0, r.stderr
    doc = json.loads(r.stdout)
    assert doc["pages"] == 1
    assert any("100000" in w for w in doc["warnings"])


def test_only_the_head_of_a_long_text_goes_to_the_header_parsers(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, vn_letter) -> None:  # type: ignore[no-untyped-def]
    import evidence.extract.document as document

    seen: list[int] = []
    real_header = document.parse_header  # it reads the title block too (one trích yếu reader)
    monkeypatch.setattr(document, "parse_header", lambda t: seen.append(len(t)) or real_header(t))
    src = tmp_path / "src"
    src.mkdir()
    body = "Các xã báo cáo kết quả thực hiện nhiệm vụ cải cách hành chính đúng hạn. " * 30_000
    (src / "dai.txt").write_text(vn_letter(6) + body.replace("\n", " "), encoding="utf-8")
    with Store.open(tmp_path / "home") as store:
        s = ingest_paths([src], store, jobs=1, isolate=False)
        (doc,) = store.catalogue.iter_documents()
    assert s.documents == 1 and doc.facts.symbol == "206/KH-UBND"
    assert seen and max(seen) <= document.HEADER_CHARS
