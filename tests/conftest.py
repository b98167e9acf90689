"""Shared fixtures. Tests that read ``../shared`` skip cleanly where it is absent."""

from __future__ import annotations

import os
import shutil
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
