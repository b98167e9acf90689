"""Every command has help text and is documented in the README (sqlite-utils' test_docs)."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from evidence.cli import cli

README = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
COMMANDS = sorted(cli.commands)


def test_contract_commands_exist() -> None:
    for name in ("ingest", "extract", "search", "show", "refs", "tasks", "check", "status"):
        assert name in cli.commands, name


@pytest.mark.parametrize("name", COMMANDS)
def test_command_has_help(name: str) -> None:
    result = CliRunner().invoke(cli, [name, "--help"])
    assert result.exit_code == 0, result.output
    assert "Usage:" in result.stdout
    assert (cli.commands[name].help or "").strip(), f"{name} has no docstring"
    assert "Example:" in (cli.commands[name].help or ""), f"{name} help has no Example: block"


@pytest.mark.parametrize("name", COMMANDS)
def test_command_in_readme(name: str) -> None:
    assert f"evidence {name}" in README, f"`evidence {name}` is not documented in README.md"


def test_quick_start_commands_in_readme() -> None:
    assert "make run" in README and "make test" in README
