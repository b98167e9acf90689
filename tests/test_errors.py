"""The error model: every error class documented, with a stable code and a Vietnamese fix
hint; one handler; exit codes only from ``ExitCode``; the table in ``docs/errors.md``."""

from __future__ import annotations

import ast
import inspect
import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from evidence import errors
from evidence.cli import cli
from evidence.errors import EvidenceError, ExitCode, FailReason, FileError
from evidence.messages import HINTS, hint

REPO = Path(__file__).resolve().parent.parent


def _classes() -> list[type[EvidenceError]]:
    return [c for _, c in inspect.getmembers(errors, inspect.isclass)
            if issubclass(c, EvidenceError)]


def _class_code(cls: type[EvidenceError]) -> str:
    return str(cls.reason) if issubclass(cls, FileError) else cls.kind


def test_every_error_class_has_a_docstring_a_code_and_a_hint() -> None:
    codes = {}
    for cls in _classes():
        assert (cls.__dict__.get("__doc__") or "").strip(), f"{cls.__name__} has no docstring"
        code = _class_code(cls)
        assert code not in codes, f"{cls.__name__} and {codes[code]} share the code {code}"
        codes[code] = cls.__name__
        if cls is EvidenceError:  # raised as is for one-off errors whose message says it all
            assert hint(code) is None
            continue
        assert hint(code), f"no hint for {cls.__name__} ({code}) in messages.HINTS"
    for reason in FailReason:
        assert hint(reason), f"no hint for the failure reason {reason}"
    # no hint for a code nothing has
    assert set(HINTS) == set(codes) - {EvidenceError.kind} | {str(r) for r in FailReason}


def test_a_hint_is_vietnamese() -> None:
    for code, text in HINTS.items():
        assert re.search("[ăâđêôơưàáảãạ]", text), code


def test_the_code_is_the_reason_of_a_file_else_the_kind() -> None:
    assert FileError("x", reason=FailReason.TIMEOUT).code == "timeout"
    assert errors.EncryptedFile("x").code == "encrypted"
    assert errors.UnreadableInput("x", reason=FailReason.EMPTY).code == "empty"
    assert errors.NotFound("x").code == "not_found"
    assert errors.StoreBusy("x").code == "store_busy"


def _cli_source() -> ast.Module:
    return ast.parse((REPO / "cli.py").read_text(encoding="utf-8"))


_PARSER = re.compile(r"^parse|_from_option$|^(int|float|str|list|len|tuple)$")


def _name(func: ast.expr) -> str:
    return func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")


def test_cli_has_no_literal_exit_code_and_mutates_no_error() -> None:
    for node in ast.walk(_cli_source()):
        if isinstance(node, ast.Call) and _name(node.func) == "exit":
            assert not any(isinstance(a, ast.Constant) for a in node.args), ast.unparse(node)
        if isinstance(node, ast.Assign | ast.AugAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for t in targets:
                assert not (isinstance(t, ast.Attribute) and t.attr in ("exit_code", "reason")), \
                    ast.unparse(node)
        if isinstance(node, ast.Try):
            for handler in node.handlers:
                if isinstance(handler.type, ast.Name) and handler.type.id in ("ValueError", "Exception"):
                    # only around the parsing of one value: a bug elsewhere is not bad input
                    calls = {_name(c.func) for b in node.body for c in ast.walk(b)
                             if isinstance(c, ast.Call)}
                    assert calls and all(_PARSER.search(c) for c in calls), (
                        f"cli.py line {handler.lineno}: except {handler.type.id} around "
                        f"{sorted(calls)} reports a bug as bad input")


def test_interrupted_exits_130_with_one_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import evidence.index.refs as refs

    def interrupted(*a: object, **k: object) -> None:
        raise KeyboardInterrupt

    (tmp_path / "h").mkdir()
    assert CliRunner().invoke(cli, ["--home", str(tmp_path / "h"), "status"]).exit_code == 2
    from evidence.index.store import Store

    Store.open(tmp_path / "h").close()
    monkeypatch.setattr(refs, "refs", interrupted)
    r = CliRunner().invoke(cli, ["--home", str(tmp_path / "h"), "refs"])
    assert r.exit_code == ExitCode.INTERRUPTED == 130
    assert len(r.stderr.strip().splitlines()) == 1 and r.stderr.startswith("error: ")


def test_a_bug_in_search_is_not_reported_as_a_bad_date(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import evidence.index.search as search

    def bug(*a: object, **k: object) -> None:
        raise ValueError("a programming error")

    monkeypatch.setattr(search, "search", bug)
    r = CliRunner().invoke(cli, ["--home", str(tmp_path), "search", "x", "--from", "2023-01-01"])
    assert isinstance(r.exception, ValueError) and "--from" not in r.stderr


def test_the_library_search_refuses_an_impossible_date(tmp_path: Path) -> None:
    from evidence.index.search import search

    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "tb.txt").write_text(
        "ỦY BAN NHÂN DÂN\nHUYỆN ĐỨC THỌ\nSố: 31/TB-UBND\nĐức Thọ, ngày 05 tháng 6 năm 2023\n"
        "THÔNG BÁO\nLịch tiếp công dân tháng 6\n", encoding="utf-8")
    home = tmp_path / "home"
    assert CliRunner().invoke(cli, ["--home", str(home), "ingest", str(tmp_path / "in")]).exit_code == 0
    with pytest.raises(errors.BadQuery) as info:
        search(home, "tiếp công dân", date_from="31/02/2023")
    assert info.value.code == "bad_query" and "31/02/2023" in info.value.message


def test_docs_table_lists_every_code() -> None:
    text = (REPO / "docs" / "errors.md").read_text(encoding="utf-8")
    rows = set(re.findall(r"^\| `([a-z_]+)` \|", text, re.M))
    assert rows == set(HINTS), rows ^ set(HINTS)
