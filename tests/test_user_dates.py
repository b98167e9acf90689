"""The one grammar of the dates users type, and every date option of the CLI using it."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import click
import pytest
from click.testing import CliRunner
from evidence.cli import UserDate, cli
from evidence.errors import BadQuery
from evidence.extract.dates import UserDateError, parse_user_date
from evidence.index.refs import parse_due_date
from evidence.index.search.query import date_bounds
from evidence.messages import translate


@pytest.mark.parametrize(("text", "iso", "precision"), [
    ("31/01/2023", "2023-01-31", "day"),
    ("3/8/2023", "2023-08-03", "day"),
    ("31-01-2023", "2023-01-31", "day"),
    ("31.01.2023", "2023-01-31", "day"),
    (" 31 / 01 / 2023 ", "2023-01-31", "day"),
    ("2023-01-31", "2023-01-31", "day"),
    ("2023-1-5", "2023-01-05", "day"),
    ("29/02/2024", "2024-02-29", "day"),
    ("ngày 05 tháng 3 năm 2023", "2023-03-05", "day"),
    ("01/2023", "2023-01", "month"),
    ("2023-01", "2023-01", "month"),
    ("tháng 12/2023", "2023-12", "month"),
    ("2023", "2023", "year"),
])
def test_forms(text: str, iso: str, precision: str) -> None:
    d = parse_user_date(text)
    assert (d.iso, d.precision) == (iso, precision)


def test_decomposed_text_reads_as_composed() -> None:
    """A date typed on a keyboard that sends decomposed accents (NFD) is the same date."""
    typed = unicodedata.normalize("NFD", "ngày 05 tháng 3 năm 2023")
    assert typed != unicodedata.normalize("NFC", typed)
    assert parse_user_date(typed).iso == "2023-03-05"
    assert parse_user_date(unicodedata.normalize("NFD", "tháng 12/2023")).iso == "2023-12"


@pytest.mark.parametrize(("text", "code", "reason"), [
    ("31/02/2023", "user_date_days", "ngày không có thật: '31/02/2023' (tháng 2/2023 có 28 ngày)"),
    ("2023-02-31", "user_date_days", "(tháng 2/2023 có 28 ngày)"),
    ("29/02/2023", "user_date_days", "(tháng 2/2023 có 28 ngày)"),
    ("31/04/2023", "user_date_days", "(tháng 4/2023 có 30 ngày)"),
    ("0/1/2023", "user_date_days", "(tháng 1/2023 có 31 ngày)"),
    ("2023-13", "user_date_month", "(tháng phải từ 1 đến 12)"),
    ("13/2023", "user_date_month", "(tháng phải từ 1 đến 12)"),
    ("1800", "user_date_year", "(năm phải từ 1900 đến 2100)"),
    ("hôm qua", "user_date_format", "không phải ngày: 'hôm qua' (viết 31/01/2023, 2023-01-31"),
    ("31/01-2023", "user_date_format", "không phải ngày"),  # mixed separators
    ("", "user_date_format", "không phải ngày"),
])
def test_refused_with_a_vietnamese_reason(text: str, code: str, reason: str) -> None:
    with pytest.raises(UserDateError) as info:
        parse_user_date(text)
    assert translate(str(info.value)) == (code, translate(str(info.value))[1])
    assert reason in translate(str(info.value))[1]
    assert "\n" not in str(info.value)


def test_a_partial_date_only_where_allowed() -> None:
    for text in ("2023-03", "03/2023", "2023"):
        with pytest.raises(UserDateError) as info:
            parse_user_date(text, partial=False)
        assert translate(str(info.value))[0] == "user_date_partial"
    assert parse_user_date("31/03/2023", partial=False).iso == "2023-03-31"


def _reason(bad: str) -> str:
    with pytest.raises(UserDateError) as info:
        parse_user_date(bad)
    return translate(str(info.value))[1]


def test_the_library_filters_use_the_same_grammar() -> None:
    # search's bounds and the tasks' deadline agree on every form, and refuse the same dates
    assert date_bounds("31/01/2023", upper=False) == date_bounds("2023-01-31", upper=False)
    assert date_bounds("03/2023", upper=True) == 20230399
    assert parse_due_date("03/2023") == "2023-03-31"
    for bad in ("31/02/2023", "2023-02-31"):
        with pytest.raises(BadQuery) as a:
            date_bounds(bad, upper=True)
        with pytest.raises(BadQuery) as b:
            parse_due_date(bad)
        assert translate(str(a.value))[1] == translate(str(b.value))[1] == _reason(bad)


_DATE_NAME = re.compile(r"date|due|from|^to$|before|after|since|until", re.I)


def _date_options() -> list[tuple[str, click.Command, click.Option]]:
    """Every option of every command whose name says it takes a date."""
    out = []
    assert isinstance(cli, click.Group)
    for name, cmd in sorted(cli.commands.items()):
        for p in cmd.params:
            if isinstance(p, click.Option) and not p.is_flag and any(
                    _DATE_NAME.search(o.lstrip("-")) for o in p.opts):
                out.append((name, cmd, p))
    return out


def test_every_date_option_uses_the_one_grammar() -> None:
    options = _date_options()
    assert {(n, p.opts[0]) for n, _, p in options} >= {
        ("search", "--from"), ("search", "--to"), ("tasks", "--due-before")}
    for name, _, p in options:
        assert isinstance(p.type, UserDate), f"{name} {p.opts[0]} does not take UserDate"


@pytest.mark.parametrize("bad", ["31/02/2023", "2023-02-31"])
def test_every_date_option_refuses_an_impossible_date_the_same_way(
        bad: str, tmp_path: Path) -> None:
    reason = _reason(bad)
    for name, cmd, p in _date_options():
        args = ["x" for a in cmd.params if isinstance(a, click.Argument) and a.required]
        r = CliRunner().invoke(cli, ["--home", str(tmp_path), name, *args, p.opts[0], bad],
                               prog_name="evidence")
        assert r.exit_code == 2, (name, p.opts[0], r.output)
        lines = r.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith(f"error: evidence {name}: "), r.stderr
        assert reason in lines[0] and p.opts[0] in lines[0], (name, p.opts[0], r.stderr)
        assert not (tmp_path / "catalogue.sqlite3").exists()  # refused before any work
