"""Every command has help text and is documented in the README (sqlite-utils' test_docs)."""

from __future__ import annotations

import re
from pathlib import Path

import click
import pytest
from click.testing import CliRunner
from evidence.cli import cli

README = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
COMMANDS = sorted(cli.commands)


def test_contract_commands_exist() -> None:
    for name in ("ingest", "extract", "search", "show", "refs", "tasks", "check", "status"):
        assert name in cli.commands, name


_VIETNAMESE = re.compile("[ăâđêôơưàáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợùúủũụừứửữựỳýỷỹỵ]", re.I)


@pytest.mark.parametrize("name", COMMANDS)
def test_command_has_vietnamese_help_with_examples(name: str) -> None:
    result = CliRunner().invoke(cli, [name, "--help"])
    assert result.exit_code == 0, result.output
    assert "Cách dùng:" in result.stdout and "Usage:" not in result.stdout
    text = cli.commands[name].help or ""
    assert _VIETNAMESE.search(text), f"{name}: help is not Vietnamese"
    assert "Ví dụ:" in text, f"{name} help has no 'Ví dụ:' block"
    examples = text.split("Ví dụ:", 1)[1]
    assert f"evidence {name}" in examples, f"{name}: no example of the command itself"
    for param in cli.commands[name].params:
        if isinstance(param, click.Option) and not param.hidden:
            assert param.help and _VIETNAMESE.search(param.help), (
                f"{name} {param.opts[0]}: option help missing or not Vietnamese")


def test_group_help_is_vietnamese() -> None:
    result = CliRunner().invoke(cli, ["--help"])
    assert result.exit_code == 0
    assert "Cách dùng:" in result.stdout and "Lệnh" in result.stdout
    assert "Show this message" not in result.stdout and "Show the version" not in result.stdout


@pytest.mark.parametrize("name", COMMANDS)
def test_command_in_readme(name: str) -> None:
    assert f"evidence {name}" in README, f"`evidence {name}` is not documented in README.md"


def test_quick_start_commands_in_readme() -> None:
    assert "make run" in README and "make test" in README
