"""Shared fixtures. Tests that read ``../shared`` skip cleanly where it is absent."""

from __future__ import annotations

import os
import shutil
import threading
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("EVIDENCE_SHARED", REPO.parent / "shared"))


@pytest.fixture(scope="session")
def repo_dir() -> Path:
    return REPO


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    if not (SHARED / "data").is_dir():
        pytest.skip("../shared reference data is not present")
    return SHARED


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty store folder for one test; $EVIDENCE_HOME points at it."""
    h = tmp_path / "home"
    monkeypatch.setenv("EVIDENCE_HOME", str(h))
    return h


def have_tesseract_vie() -> bool:
    if shutil.which("tesseract") is None:
        return False
    import subprocess

    out = subprocess.run(["tesseract", "--list-langs"], capture_output=True, text=True)
    return "vie" in out.stdout.split()


@pytest.fixture(scope="session")
def tesseract() -> str:
    """Use in tests that run the real Tesseract: skips without tesseract + vie."""
    if not have_tesseract_vie():
        pytest.skip("tesseract with the vie language pack is not installed")
    return shutil.which("tesseract") or "tesseract"


@pytest.fixture(scope="session")
def vn_letter():  # type: ignore[no-untyped-def]
    """A builder of short official letters of our own (header, number, date, subject,
    body, signer): ``vn_letter(n, kind="KH")`` -> text; n varies number, place, topic."""
    places = ["Cẩm Xuyên", "Vũ Quang", "Đức Thọ", "Hồng Lĩnh"]
    topics = ["Kiểm soát thủ tục hành chính năm 2025", "Cải cách chế độ công vụ năm 2025",
              "Ứng dụng công nghệ thông tin năm 2025", "Tuyên truyền pháp luật năm 2025"]

    def build(n: int, kind: str = "KH") -> str:
        place, topic = places[n % len(places)], topics[n % len(topics)]
        return (f"ỦY BAN NHÂN DÂN\nHUYỆN {place.upper()}\nSố: {200 + n}/{kind}-UBND\n"
                "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc\n"
                f"{place}, ngày {(n % 27) + 1} tháng {(n % 12) + 1} năm 2025\n"
                f"KẾ HOẠCH\n{topic}\n\nCác phòng, ban chuyên môn triển khai nhiệm vụ về "
                f"{topic.lower()}, báo cáo kết quả về Văn phòng trước ngày 15/12/2025.\n\n"
                "Nơi nhận:\n- Sở Nội vụ;\n- Lưu: VT.\nTM. ỦY BAN NHÂN DÂN\nCHỦ TỊCH\n"
                "Lê Thị Hoa\n")

    return build


# ---- a small district folder of our own letters (corrections, review, resolver, list) ----

OFFICER_LETTERS = {
    "ke-hoach-111.txt": (
        "ỦY BAN NHÂN DÂN\nHUYỆN ĐỨC THỌ\nSố: 111/KH-UBND\n"
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc\n"
        "Đức Thọ, ngày 17 tháng 01 năm 2023\nKẾ HOẠCH\n"
        "Cải cách hành chính huyện Đức Thọ năm 2023\n\n"
        "Thực hiện Quyết định số 25/QĐ-UBND ngày 05/01/2023 của UBND tỉnh Hà Tĩnh, "
        "Ủy ban nhân dân huyện ban hành Kế hoạch cải cách hành chính năm 2023 như sau:\n"
        "1. Phòng Nội vụ chủ trì tham mưu kiểm tra công tác cải cách hành chính, "
        "hoàn thành trước ngày 30/11/2023.\n"
        "2. Văn phòng HĐND và UBND huyện duy trì Hệ thống quản lý chất lượng ISO 9001.\n\n"
        "Nơi nhận:\n- Sở Nội vụ;\n- Lưu: VT.\nTM. ỦY BAN NHÂN DÂN\nCHỦ TỊCH\nTrần Hoài Đức\n"),
    "cong-van-2650.txt": (
        "ỦY BAN NHÂN DÂN\nHUYỆN ĐỨC THỌ\nSố: 2650/UBND-NV\n"
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc\n"
        "Đức Thọ, ngày 05 tháng 10 năm 2023\n"
        "V/v đôn đốc thực hiện Kế hoạch cải cách hành chính năm 2023\n"
        "Kính gửi: Các phòng, ban chuyên môn thuộc UBND huyện.\n\n"
        "Thực hiện Kế hoạch số 111/KH-UBND ngày 17/01/2023 của UBND huyện về cải cách "
        "hành chính năm 2023, Chủ tịch UBND huyện yêu cầu Phòng Nội vụ tổng hợp kết quả, "
        "báo cáo trước ngày 15/11/2023.\n\n"
        "Nơi nhận:\n- Như trên;\n- Lưu: VT.\nKT. CHỦ TỊCH\nPHÓ CHỦ TỊCH\nNguyễn Thị Lan\n"),
    "quyet-dinh-111.txt": (
        "ỦY BAN NHÂN DÂN\nHUYỆN ĐỨC THỌ\nSố: 111/QĐ-UBND\n"
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc\n"
        "Đức Thọ, ngày 20 tháng 02 năm 2023\nQUYẾT ĐỊNH\n"
        "Về việc kiện toàn Tổ công tác cải cách hành chính huyện\n\n"
        "CHỦ TỊCH ỦY BAN NHÂN DÂN HUYỆN ĐỨC THỌ\nQUYẾT ĐỊNH:\n"
        "Điều 1. Kiện toàn Tổ công tác cải cách hành chính huyện gồm các ông, bà có tên.\n\n"
        "Nơi nhận:\n- Như Điều 3;\n- Lưu: VT.\nCHỦ TỊCH\nTrần Hoài Đức\n"),
    "bao-cao-chua-ky.txt": (
        "ỦY BAN NHÂN DÂN\nHUYỆN ĐỨC THỌ\nSố: 301/BC-UBND\n"
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc\n"
        "Đức Thọ, ngày 12 tháng 12 năm 2023\nBÁO CÁO\n"
        "Kết quả công tác cải cách hành chính năm 2023\n\n"
        "Tỷ lệ hồ sơ trực tuyến đạt 62%. Các nhiệm vụ của Kế hoạch số 111/KH-UBND "
        "đã hoàn thành.\n"),
    "du-thao-quyet-dinh.txt": (
        "ỦY BAN NHÂN DÂN\nHUYỆN ĐỨC THỌ\nSố:      /QĐ-UBND\n"
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc\n"
        "Đức Thọ, ngày     tháng     năm 2023\nQUYẾT ĐỊNH\n"
        "Ban hành Quy chế làm việc của Tổ công tác cải cách hành chính\n\n"
        "Điều 1. Ban hành kèm theo Quyết định này Quy chế làm việc.\n"),
}


def write_officer_folder(folder: Path, *, nfd: bool = True) -> Path:
    """The letters above as ``.txt`` files, plus a tờ trình saved in NFD (a Mac's way)."""
    import unicodedata

    folder.mkdir(parents=True, exist_ok=True)
    for name, text in OFFICER_LETTERS.items():
        (folder / name).write_text(text, encoding="utf-8")
    if nfd:
        tt = ("ỦY BAN NHÂN DÂN\nHUYỆN ĐỨC THỌ\nSố: 45/TTr-UBND\n"
              "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc\n"
              "Đức Thọ, ngày 03 tháng 03 năm 2023\nTỜ TRÌNH\n"
              "Về việc phê duyệt danh mục thủ tục hành chính thực hiện tiếp nhận trực tuyến\n\n"
              "Ủy ban nhân dân huyện kính trình Ủy ban nhân dân tỉnh xem xét, phê duyệt.\n\n"
              "Nơi nhận:\n- Như trên;\n- Lưu: VT.\nTM. ỦY BAN NHÂN DÂN\nCHỦ TỊCH\n"
              "Trần Hoài Đức\n")
        name = unicodedata.normalize("NFD", "tờ-trình-45.txt")
        (folder / name).write_text(unicodedata.normalize("NFD", tt), encoding="utf-8")
    return folder


@pytest.fixture
def officer_store(tmp_path: Path) -> tuple[Path, Path]:
    """(folder, home): the officer's folder ingested into a fresh store."""
    from evidence.index.store import Store
    from evidence.ingest.pipeline import ingest_paths

    folder = write_officer_folder(tmp_path / "kiem-chung")
    home = tmp_path / "kho"
    with Store.open(home) as store:
        summary = ingest_paths([folder], store, jobs=1)
    assert not summary.failed, summary.failed
    return folder, home


class EvidenceCli:
    """Runs ``evidence --home HOME ...`` in-process (a wide terminal, so tables keep their
    headers on one line)."""

    def run(self, home: Path, *args: str):  # type: ignore[no-untyped-def]
        from click.testing import CliRunner
        from evidence.cli import cli

        return CliRunner(env={"COLUMNS": "200"}).invoke(cli, ["--home", str(home), *args])

    def json(self, home: Path, *args: str):  # type: ignore[no-untyped-def]
        import json

        r = self.run(home, *args, "--json")
        assert r.exit_code == 0, r.stderr
        return json.loads(r.stdout)


@pytest.fixture
def lock_seen_held(monkeypatch: pytest.MonkeyPatch) -> threading.Event:
    """Set once the store-lock probe (``index.store.lock_held_elsewhere``) has answered
    "held": a correction is then known to be waiting for the lock."""
    from evidence.index import store as store_mod

    busy = threading.Event()
    probe = store_mod.lock_held_elsewhere

    def watched(path: Path) -> bool:
        held = probe(path)
        if held:
            busy.set()
        return held

    monkeypatch.setattr(store_mod, "lock_held_elsewhere", watched)
    return busy


@pytest.fixture(scope="session")
def ev() -> EvidenceCli:
    return EvidenceCli()


@pytest.fixture(scope="session")
def corpus_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store holding a copy of the bundled corpus, ingested once per session with the
    golden test's recorded OCR (``tests/data/corpus-ocr.json``): no Tesseract needed.
    Tests that change it (corrections) must only add what they check."""
    import importlib.util
    import sys

    from evidence.index.store import Store
    from evidence.ingest.pipeline import ingest_paths

    spec = importlib.util.spec_from_file_location("_golden_ocr", REPO / "tests" / "test_golden.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while defining
    spec.loader.exec_module(module)
    home = tmp_path_factory.mktemp("corpus-store")
    files = tmp_path_factory.mktemp("corpus-files") / "kiem-chung"
    shutil.copytree(REPO / "corpus" / "files", files)
    with Store.open(home) as store:
        # in this process: the recorded engine is test code, which a worker cannot import
        ingest_paths([files], store, jobs=1, ocr_engine=module.RecordedOcr(module.RECORDING),
                     isolate=False)
    return home
