"""Command-line interface. Each command parses options, resolves the store, calls one
library function and renders its result (``../shared/spec/contract.md``).

stdout carries only the command's output (JSON under ``--json``); progress, logs and
errors go to stderr. Errors are one line, ``error: <thing>: <reason>``; ``--verbose``
adds the traceback.
"""

from __future__ import annotations

import json
import logging
import sys
import traceback
import unicodedata
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import Any, TypeVar

import click
from evidence.errors import EvidenceError

F = TypeVar("F", bound=Callable[..., Any])


class Ctx:
    """Global options shared by every command."""

    def __init__(self, home: str | None, verbose: bool, quiet: bool) -> None:
        self.home_arg = home
        self.verbose = verbose
        self.quiet = quiet

    @property
    def home(self) -> Path:
        from evidence.index.home import resolve_home

        return resolve_home(self.home_arg)


def emit_json(obj: Any) -> None:
    """One UTF-8 JSON document on stdout, NFC, ``ensure_ascii=False``."""
    text = json.dumps(obj, ensure_ascii=False, indent=2, default=str)
    click.echo(unicodedata.normalize("NFC", text))


def json_option(f: F) -> F:
    return click.option("--json", "as_json", is_flag=True, help="Print the contract's JSON on stdout.")(f)


def handle_errors(f: F) -> F:
    """The one error handler: ``error: <thing>: <reason>`` on stderr, the contract's exit code."""

    @wraps(f)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        ctx = click.get_current_context()
        verbose = bool(getattr(ctx.obj, "verbose", False))
        try:
            return f(*args, **kwargs)
        except EvidenceError as exc:
            if verbose:
                traceback.print_exc(file=sys.stderr)
            click.echo(exc.one_line(), err=True)
            ctx.exit(int(exc.exit_code))
        except KeyboardInterrupt:
            click.echo("error: interrupted (work done so far is kept; run again to resume)", err=True)
            ctx.exit(130)

    return wrapper  # type: ignore[return-value]


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--home", type=click.Path(file_okay=False), default=None,
              help="Store folder (default: $EVIDENCE_HOME, else the user data folder).")
@click.option("-v", "--verbose", is_flag=True, help="Debug logs and tracebacks on stderr.")
@click.option("-q", "--quiet", is_flag=True, help="No progress or info logs on stderr.")
@click.version_option(package_name="evidence")
@click.pass_context
def cli(ctx: click.Context, home: str | None, verbose: bool, quiet: bool) -> None:
    """evidence: find, extract and check verification documents (tài liệu kiểm chứng)
    for administrative-reform (CCHC) assessments.

    \b
    Example:
        evidence ingest ~/KiemChung/2023
        evidence search "ISO 9001"
        evidence check --criteria tieu-chi.yaml --format xlsx --out bao-cao.xlsx
    """
    ctx.obj = Ctx(home, verbose, quiet)
    level = logging.DEBUG if verbose else logging.WARNING if quiet else logging.INFO
    logging.basicConfig(level=level, stream=sys.stderr, format="%(levelname)s %(name)s: %(message)s")


# ---- commands ----------------------------------------------------------------------------
# Each command below: parse options, call one library function, render. Keep them short.


def main() -> None:
    cli(prog_name="evidence")


if __name__ == "__main__":
    main()
