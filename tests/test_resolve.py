"""The one reference resolver: every form search accepts, NFC and NFD,
and an ambiguous reference listed with date, issuer and subject."""

from __future__ import annotations

import json
import unicodedata
from pathlib import Path

import pytest
from click.testing import CliRunner
from evidence.cli import cli
from evidence.errors import NotFound
from evidence.index.resolve import Ambiguous, find_candidates, resolve
from evidence.index.store import Store


def _symbol(home: Path, ref: str) -> str | None:
    with Store.open(home, create=False) as store:
        return resolve(store.catalogue, ref).facts.symbol


@pytest.mark.parametrize("ref", [
    "111/KH-UBND", "111/kh-ubnd", "111 kh ubnd", "111-KH-UBND", "KH-UBND 111", "0111/KH-UBND",
    " 111 / KH – UBND ", "111 kh",
])
def test_symbol_forms(officer_store: tuple[Path, Path], ref: str) -> None:
    _, home = officer_store
    assert _symbol(home, ref) == "111/KH-UBND"


def test_nfd_symbol_and_nfd_path(officer_store: tuple[Path, Path]) -> None:
    folder, home = officer_store
    assert _symbol(home, unicodedata.normalize("NFD", "45/TTr-UBND")) == "45/TTr-UBND"
    assert _symbol(home, unicodedata.normalize("NFD", "111/QĐ-UBND")) == "111/QĐ-UBND"
    assert _symbol(home, "111 qd ubnd") == "111/QĐ-UBND"
    nfd_file = next(p for p in folder.iterdir() if p.name.startswith(unicodedata.normalize("NFD", "tờ")))
    assert _symbol(home, str(nfd_file)) == "45/TTr-UBND"
    assert _symbol(home, unicodedata.normalize("NFC", str(nfd_file))) == "45/TTr-UBND"


def test_id_prefix_path_and_bare_number(officer_store: tuple[Path, Path],
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    folder, home = officer_store
    with Store.open(home, create=False) as store:
        doc = resolve(store.catalogue, "2650")
        assert doc.facts.symbol == "2650/UBND-NV"
        assert resolve(store.catalogue, doc.id).id == doc.id
        assert resolve(store.catalogue, doc.id[:6].upper()).id == doc.id
        assert resolve(store.catalogue, str(folder / "cong-van-2650.txt")).id == doc.id
        monkeypatch.chdir(folder)
        assert resolve(store.catalogue, "cong-van-2650.txt").id == doc.id
        with pytest.raises(NotFound):
            resolve(store.catalogue, "9999/KH-UBND")
        with pytest.raises(NotFound):
            resolve(store.catalogue, "")
        # an unnumbered draft is found by its file, never by a number
        assert find_candidates(store.catalogue, "/QĐ-UBND") == []


def test_ambiguous_number_lists_candidates(officer_store: tuple[Path, Path]) -> None:
    _, home = officer_store
    with Store.open(home, create=False) as store:
        with pytest.raises(Ambiguous) as err:
            resolve(store.catalogue, "111")
    assert [d.facts.symbol for d in err.value.candidates] == ["111/QĐ-UBND", "111/KH-UBND"]
    r = CliRunner().invoke(cli, ["--home", str(home), "show", "111", "--json"])
    assert r.exit_code == 2 and r.stdout == ""
    first, *lines = r.stderr.rstrip("\n").split("\n")
    assert first.startswith("error: 111: 2 văn bản khớp; chọn một bằng mã (id) ở đầu dòng "
                            "hoặc số ký hiệu đầy đủ")
    assert len(lines) == 2
    assert "111/QĐ-UBND" in lines[0] and "20/02/2023" in lines[0]
    assert "Ủy ban nhân dân huyện Đức Thọ" in lines[0] and "Tổ công tác" in lines[0]
    assert "111/KH-UBND" in lines[1] and "17/01/2023" in lines[1]
    # the id at the head of a line picks one
    pick = lines[1].split()[0]
    r = CliRunner().invoke(cli, ["--home", str(home), "show", pick, "--json"])
    assert r.exit_code == 0 and json.loads(r.stdout)["symbol"] == "111/KH-UBND"


def test_fix_and_remove_use_the_same_resolver(officer_store: tuple[Path, Path]) -> None:
    _, home = officer_store
    for cmd in (["fix", "111", "--date", "2023-01-18"], ["remove", "111"],
                ["link", "1.1-a", "111", "--note", "x"]):
        r = CliRunner().invoke(cli, ["--home", str(home), *cmd])
        assert r.exit_code == 2 and "2 văn bản khớp" in r.stderr, cmd
