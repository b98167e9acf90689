"""The message catalogue: every library message an officer may read has a Vietnamese text
and a stable code; click speaks Vietnamese; every error is one line."""

from __future__ import annotations

import ast
import re
from pathlib import Path
from typing import ClassVar

import pytest
from click.testing import CliRunner
from evidence.cli import cli
from evidence.messages import LIBRARY, TEXTS, translate

REPO = Path(__file__).resolve().parents[1]
PACKAGES = ("ingest", "extract", "index", "check")

# calls whose first string argument is a message an officer reads
_MESSAGE_CALLS = re.compile(
    r"^(?:[A-Z]\w*(?:Error|File|Format|Large|Unavailable|Missing|Busy|NotFound))$"
)


# programming errors, never shown to an officer as a reason
_BUILTIN = {"ValueError", "TypeError", "AttributeError", "KeyError", "RuntimeError", "OSError"}


def _sample(node: ast.expr) -> str | None:
    """A concrete message from a string literal or f-string (values become "1")."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        out = []
        for part in node.values:
            if isinstance(part, ast.Constant):
                out.append(str(part.value))
            else:
                out.append("1")
        return "".join(out)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        left, right = _sample(node.left), _sample(node.right)
        if left is not None:
            return left + (right if right is not None else "1")
    return None


def _messages_in_source() -> list[tuple[str, int, str]]:
    found = []
    for pkg in PACKAGES:
        for path in sorted((REPO / pkg).rglob("*.py")):
            tree = ast.parse(path.read_text(encoding="utf-8"))
            for node in ast.walk(tree):
                if not isinstance(node, ast.Call) or not node.args:
                    continue
                fn = node.func
                name = fn.attr if isinstance(fn, ast.Attribute) else getattr(fn, "id", "")
                owner = fn.value if isinstance(fn, ast.Attribute) else None
                is_warning = (
                    name in ("append",) and isinstance(owner, ast.Attribute | ast.Name)
                    and (getattr(owner, "attr", None) or getattr(owner, "id", "")) == "warnings"
                ) or name == "note"
                if not (is_warning or (_MESSAGE_CALLS.match(name) and name not in _BUILTIN)):
                    continue
                text = _sample(node.args[0])
                if text and len(text) > 3 and " " in text:
                    found.append((f"{path.relative_to(REPO)}", node.lineno, text))
    return found


def test_source_scan_finds_messages() -> None:
    # the scan itself must see the library's messages, or the next test proves nothing
    assert len(_messages_in_source()) > 40


def test_every_library_message_has_a_vietnamese_text() -> None:
    untranslated = [
        f"{where}:{line}: {text!r}"
        for where, line, text in _messages_in_source()
        if translate(text)[0] == "other"
    ]
    assert not untranslated, "messages without a catalogue entry:\n" + "\n".join(untranslated)


def test_codes_are_unique_and_stable_words() -> None:
    codes = [e.code for e in LIBRARY]
    assert len(codes) == len(set(codes))
    assert all(re.fullmatch(r"[a-z][a-z0-9_]*", c) for c in codes)
    assert all(re.fullmatch(r"[a-z][a-z0-9_.]*", c) for c in TEXTS)


@pytest.mark.parametrize(
    ("message", "code", "vietnamese"),
    [
        ("number is blank: unnumbered draft", "number_blank", "bản dự thảo chưa cấp số"),
        ("date impossible: ngày 31 tháng 02 năm 2023", "date_impossible", "31 tháng 02"),
        ("unsupported file type: .json (text data, not a document)", "unsupported_text", ".json"),
        ("12 pages (limit 10)", "too_many_pages", "giới hạn 10"),
        ("không tìm thấy văn bản", "vi", "không tìm thấy văn bản"),
    ],
)
def test_translate(message: str, code: str, vietnamese: str) -> None:
    got_code, text = translate(message)
    assert got_code == code
    assert vietnamese in text


def test_a_file_over_its_time_limit_is_said_in_vietnamese() -> None:
    """The worker's timeout reason is built by a helper the source scan cannot see."""
    from evidence.ingest.workers import _timeout_message

    for seconds in (120, 1.5):
        code, text = translate(_timeout_message(seconds))
        assert code == "file_timeout" and f"{seconds:g} giây" in text and "--timeout" in text


def test_translate_nfd_message_is_nfc() -> None:
    import unicodedata

    code, text = translate(unicodedata.normalize("NFD", "date impossible: ngày 30 tháng 2"))
    assert code == "date_impossible"
    assert text == unicodedata.normalize("NFC", text)


def _one_line_error(result) -> str:  # type: ignore[no-untyped-def]
    lines = [ln for ln in result.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("error: ")
    return lines[0]


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["search"], "thiếu đối số"),
        (["search", "x", "--limit", "abc"], "không phải số hợp lệ"),
        (["nope"], "không có lệnh"),
        (["search", "x", "--bogus"], "không có tùy chọn"),
        (["check", "--format", "pdf"], "không thuộc các giá trị"),
    ],
)
def test_click_usage_errors_are_one_vietnamese_line(args: list[str], fragment: str) -> None:
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 2
    line = _one_line_error(result)
    assert fragment in line
    assert "Usage" not in result.output + result.stderr


def test_store_errors_are_vietnamese(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["--home", str(tmp_path / "none"), "status"])
    assert result.exit_code == 2
    line = _one_line_error(result)
    assert "chưa có kho" in line and str(tmp_path / "none") in line


def test_global_options_after_the_command(tmp_path: Path) -> None:
    home = tmp_path / "after"
    result = CliRunner().invoke(cli, ["status", "--home", str(home)])
    assert result.exit_code == 2
    assert str(home) in _one_line_error(result)


def test_unwritable_output_is_one_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # a report path under a regular file: one line naming it, never a traceback
    blocker = tmp_path / "file.txt"
    blocker.write_text("x")
    from evidence.check import run as check_run

    class _Report:
        summary: ClassVar[dict[str, int]] = {"met": 0, "partial": 0, "missing": 0}
        warnings: ClassVar[list[str]] = []
        all_met = True

    monkeypatch.setattr(check_run, "run_check", lambda *a, **k: _Report())
    out = blocker / "bao-cao.md"
    result = CliRunner().invoke(cli, ["--home", str(tmp_path), "check", "--format", "md",
                                      "--out", str(out)])
    assert result.exit_code == 2
    line = _one_line_error(result)
    assert str(blocker) in line and "thư mục" in line


def test_a_missing_path_argument_is_said_without_english(tmp_path: Path) -> None:
    # click names the path's kind in English ("Path", "File") before the catalogue is
    # installed; the officer's line names the path alone
    missing = tmp_path / "khong-co"
    result = CliRunner().invoke(cli, ["--home", str(tmp_path / "kho"), "ingest", str(missing)])
    assert result.exit_code == 2
    line = _one_line_error(result)
    assert "không tồn tại" in line and str(missing) in line
    assert not {"Path", "File", "Directory"} & set(line.replace("'", " ").split())
