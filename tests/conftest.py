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
