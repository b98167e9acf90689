"""One validated engine choice: an unknown engine name is refused before the store is written."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner
from evidence.cli import cli
from evidence.errors import StoreError
from evidence.index.search.engine import DEFAULT_ENGINE, ENGINES, choose_engine, default_engine
from evidence.index.store import Store

LETTER = """ỦY BAN NHÂN DÂN
HUYỆN ĐỨC THỌ
Số: 31/TB-UBND
Đức Thọ, ngày 05 tháng 6 năm 2023
THÔNG BÁO
Lịch tiếp công dân tháng 6 năm 2023
Ủy ban nhân dân huyện thông báo lịch tiếp công dân định kỳ./.
"""


def _engine_recorded(home: Path) -> str:
    con = sqlite3.connect(home / "catalogue.sqlite3")
    try:
        return str(con.execute("SELECT value FROM meta WHERE key = 'engine'").fetchone()[0])
    finally:
        con.close()


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    d = tmp_path / "vb"
    d.mkdir()
    (d / "TB-31.txt").write_text(LETTER, encoding="utf-8")
    return d


def test_the_default_comes_from_the_one_registry(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("EVIDENCE_ENGINE", raising=False)
    assert default_engine() == DEFAULT_ENGINE in ENGINES
    monkeypatch.setenv("EVIDENCE_ENGINE", " Tantivy ")
    assert default_engine() == "tantivy"
    monkeypatch.setenv("EVIDENCE_ENGINE", "foo")
    with pytest.raises(StoreError) as info:
        default_engine()
    assert info.value.subject == "EVIDENCE_ENGINE" and "foo" in info.value.message


def test_an_unknown_engine_in_the_environment_writes_no_store(
        folder: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    home = tmp_path / "home"
    monkeypatch.setenv("EVIDENCE_ENGINE", "foo")
    r = CliRunner().invoke(cli, ["--home", str(home), "ingest", str(folder)])
    assert r.exit_code == 2
    assert r.stderr.strip().splitlines()[-1].startswith("error: EVIDENCE_ENGINE: ")
    assert not (home / "catalogue.sqlite3").exists()
    # the next command with a good environment works (nothing was left behind)
    monkeypatch.delenv("EVIDENCE_ENGINE")
    r = CliRunner().invoke(cli, ["--home", str(home), "ingest", str(folder), "--json"])
    assert r.exit_code == 0, r.output
    assert _engine_recorded(home) == DEFAULT_ENGINE


def test_an_unknown_engine_option_leaves_the_store_as_it_was(
        folder: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("EVIDENCE_ENGINE", raising=False)
    home = tmp_path / "home"
    assert CliRunner().invoke(cli, ["--home", str(home), "ingest", str(folder)]).exit_code == 0
    r = CliRunner().invoke(cli, ["--home", str(home), "reindex", "--engine", "foo"])
    assert r.exit_code == 2 and "foo" in r.stderr
    assert _engine_recorded(home) == DEFAULT_ENGINE
    r = CliRunner().invoke(cli, ["--home", str(home), "search", "tiếp công dân", "--json"])
    assert r.exit_code == 0 and '"31/TB-UBND"' in r.stdout
    with pytest.raises(StoreError):
        Store.open(home, engine="foo")
    assert choose_engine(home) == DEFAULT_ENGINE


def test_a_store_recorded_with_an_unknown_engine_opens_with_the_default(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # what a version without the check left behind
    monkeypatch.delenv("EVIDENCE_ENGINE", raising=False)
    home = tmp_path / "home"
    with Store.open(home) as store:
        store.catalogue.set_meta("engine", "foo")
    with Store.open(home) as store:
        assert store.engine_name == DEFAULT_ENGINE
