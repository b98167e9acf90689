"""Command-line interface. Each command parses options, resolves the store, calls one
library function and renders its result (``../shared/spec/contract.md``).

stdout carries only the command's output (JSON under ``--json``); progress, logs and
errors go to stderr. Errors are one line, ``error: <thing>: <reason>``; ``--verbose``
adds the traceback.
"""

from __future__ import annotations

import json
import logging
import sqlite3
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


def _max_memory(ctx: click.Context, param: click.Parameter, value: str) -> int:
    from evidence.ingest.pipeline import parse_size

    try:
        return parse_size(value)
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from exc


def max_memory_option(f: F) -> F:
    return click.option(
        "--max-memory", default="1G", show_default=True, metavar="SIZE", callback=_max_memory,
        help="Bộ nhớ tối đa để đọc một tệp (512M, 2G); vượt quá: lỗi too_large.")(f)


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
        except sqlite3.DatabaseError as exc:  # damaged pages met while reading
            from evidence.index.catalogue import CATALOGUE_NAME, damaged

            if verbose:
                traceback.print_exc(file=sys.stderr)
            err = damaged(ctx.find_object(Ctx).home / CATALOGUE_NAME, str(exc))
            click.echo(err.one_line(), err=True)
            ctx.exit(int(err.exit_code))
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


# ---- search
@cli.command(name="search")
@click.argument("query")
@click.option("--type", "doc_type", metavar="CODE", help="Document type: KH, QĐ (or QD), BC, CV...")
@click.option("--year", type=int, help="Year of the document's date.")
@click.option("--issuer", metavar="TEXT", help="Words of the issuing body (UBND = Ủy ban nhân dân).")
@click.option("--from", "date_from", metavar="DATE", help="Earliest date (2023-01-31 or 31/01/2023).")
@click.option("--to", "date_to", metavar="DATE", help="Latest date; 2023-03 includes all of March.")
@click.option("--limit", type=click.IntRange(1, 1000), default=10, show_default=True)
@json_option
@click.pass_obj
@handle_errors
def search_cmd(obj: Ctx, query: str, doc_type: str | None, year: int | None, issuer: str | None,
               date_from: str | None, date_to: str | None, limit: int, as_json: bool) -> None:
    """Ranked full-text search: accent-insensitive, "phrases in quotes", and a document
    number (111/KH-UBND, 111 KH UBND, KH-UBND 111) finds that document first.

    \b
    Example:
        evidence search "ISO 9001"
        evidence search "ke hoach cai cach hanh chinh" --year 2023 --type KH
    """
    from evidence.index.search import render_results, search

    try:
        res = search(obj.home, query, doc_type=doc_type, year=year, issuer=issuer,
                     date_from=date_from, date_to=date_to, limit=limit)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="'--from' / '--to'") from exc
    if as_json:
        emit_json(res.to_dict())
        for w in res.warnings:
            click.echo(f"warning: {w}", err=True)
    else:
        from rich.console import Console

        Console(highlight=False).print(render_results(res))


# ---- reindex
@cli.command(name="reindex")
@click.option("--engine", type=click.Choice(["whoosh", "tantivy"]), default=None,
              help="Switch the store to this search engine and build its index.")
@click.option("--sync", "sync_only", is_flag=True,
              help="Only add what the index lacks and drop what the catalogue lost.")
@json_option
@click.pass_obj
@handle_errors
def reindex_cmd(obj: Ctx, engine: str | None, sync_only: bool, as_json: bool) -> None:
    """Rebuild the search index from the catalogue. Commits in batches: an interrupted
    run resumes where it stopped; searches keep using the old index until it is done.

    \b
    Example:
        evidence reindex
        evidence reindex --engine tantivy
    """
    from evidence.index.search import reindex, reindex_progress

    with reindex_progress(enabled=not (as_json or obj.quiet)) as progress:
        res = reindex(obj.home, engine=engine, sync_only=sync_only, progress=progress)
    if as_json:
        emit_json(res.to_dict())
    elif not obj.quiet:
        click.echo(f"{res.engine}: {res.documents} documents indexed ({res.mode}, "
                   f"{res.seconds:.1f} s)", err=True)


# ---- ingest
@cli.command(name="ingest")
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option("--ocr", type=click.Choice(["auto", "always", "never"]), default="auto",
              show_default=True, help="OCR pages without a usable text layer, all pages, or none.")
@click.option("-j", "--jobs", type=click.IntRange(min=1), default=None,
              help="Worker processes (default: CPU count); 1 reads one file at a time, "
                   "still in a worker, under the time and memory limits.")
@click.option("--force", is_flag=True, help="Re-ingest files even when unchanged.")
@click.option("--prune", is_flag=True, help="Remove files gone from disk, and their documents.")
@click.option("--timeout", type=click.FloatRange(min=1), default=600.0, show_default=True,
              help="Seconds per file before it is abandoned (reason: timeout).")
@click.option("--exclude", "excludes", multiple=True, metavar="GLOB",
              help="Bỏ qua các tệp khớp mẫu (cú pháp .gitignore; lặp lại được), "
                   "ví dụ --exclude '*.json' --exclude 'nhap/'. Tệp .evidenceignore trong "
                   "thư mục được nạp cũng được đọc.")
@max_memory_option
@json_option
@click.pass_obj
@handle_errors
def ingest_cmd(obj: Ctx, paths: tuple[Path, ...], ocr: str, jobs: int | None, force: bool,
               prune: bool, timeout: float, excludes: tuple[str, ...], max_memory: int,
               as_json: bool) -> None:
    """Ingest files and folders (recursively) into the store: parse, OCR, extract, index.
    Unchanged files are skipped; exit 1 when some file failed (listed on stderr).

    \b
    Example:
        evidence ingest ~/KiemChung/2023
        evidence ingest --jobs 2 --ocr always scans/ --json
    """
    from evidence.errors import ExitCode
    from evidence.index.store import Store
    from evidence.ingest.base import OcrMode
    from evidence.ingest.pipeline import ingest_paths
    from evidence.ingest.progress import make_progress
    from evidence.ingest.report import render_summary

    progress = make_progress(quiet=obj.quiet, as_json=as_json)
    with Store.open(obj.home) as store:
        try:
            summary = ingest_paths(list(paths), store, ocr=OcrMode(ocr), jobs=jobs, force=force,
                                   prune=prune, timeout=timeout, progress=progress,
                                   exclude=excludes, max_memory=max_memory)
        finally:
            progress.stop()
    if as_json:
        emit_json(summary.to_dict())
    elif not obj.quiet:
        render_summary(summary)
    if summary.failed:
        click.get_current_context().exit(int(ExitCode.ATTENTION))


# ---- extract
@cli.command(name="extract")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--ocr", type=click.Choice(["auto", "always", "never"]), default="auto",
              show_default=True, help="OCR pages without a usable text layer, all pages, or none.")
@click.option("--text", "with_text", is_flag=True, help="Include the page texts in the JSON.")
@max_memory_option
@json_option
@click.pass_obj
@handle_errors
def extract_cmd(obj: Ctx, file: Path, ocr: str, with_text: bool, max_memory: int,
                as_json: bool) -> None:
    """Parse and extract one file without touching the store. A batch scan holding several
    documents shows the first, with a warning naming the others.

    \b
    Example:
        evidence extract cong-van-2650.docx --json
    """
    from evidence.errors import ExitCode, FileError
    from evidence.ingest.base import OcrMode
    from evidence.ingest.pipeline import extract_file, several_documents_warning
    from evidence.ingest.report import render_document

    try:
        docs = extract_file(file, ocr=OcrMode(ocr), max_memory=max_memory)
    except FileError as exc:
        exc.exit_code = ExitCode.USAGE  # the one input is unreadable: the command could not run
        raise
    doc = docs[0]
    warning = several_documents_warning(docs)
    if warning:
        doc.warnings.append(warning)
        click.echo(f"warning: {file}: {warning}", err=True)
    if as_json:
        emit_json(doc.to_dict(include_text=with_text))
    else:
        render_document(doc)


# ---- status
@cli.command(name="status")
@json_option
@click.pass_obj
@handle_errors
def status_cmd(obj: Ctx, as_json: bool) -> None:
    """Counts of the store by type, year, format and OCR; failed and missing files; size.

    \b
    Example:
        evidence status
        evidence status --json
    """
    from evidence.index.store import Store
    from evidence.ingest.report import render_status

    with Store.open(obj.home, create=False) as store:
        stats = store.stats()
    if as_json:
        emit_json(stats)
    else:
        render_status(stats)


# ---- check
@cli.command(name="check")
@click.option("--criteria", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Criteria catalogue (YAML, schema_version 1). Default: the shipped one.")
@click.option("--year", type=click.IntRange(1990, 2100), default=None,
              help="Assessment year (re-targets the catalogue's deadlines and years).")
@click.option("--strict", is_flag=True, help="Exit 1 when any criterion is not met.")
@click.option("--format", "fmt", type=click.Choice(["table", "json", "md", "xlsx"]),
              default="table", show_default=True)
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Write the report to this file (required for xlsx).")
@json_option
@click.pass_obj
@handle_errors
def check_cmd(obj: Ctx, criteria: Path | None, year: int | None, strict: bool, fmt: str,
              out: Path | None, as_json: bool) -> None:
    """Completeness of the verification documents per criterion: met, partial (with the
    reasons) or missing.

    \b
    Example:
        evidence check
        evidence check --criteria tieu-chi-2023.yaml --format xlsx --out bao-cao.xlsx
        evidence check --json --strict
    """
    from evidence.check.report import render_markdown, render_table, write_report
    from evidence.check.run import run_check

    fmt = "json" if as_json else fmt
    if fmt == "xlsx" and out is None:
        raise click.UsageError("--format xlsx needs --out FILE")
    report = run_check(obj.home, criteria, year=year)
    if out is not None:
        write_report(report, fmt, out)
        if not obj.quiet:
            s = report.summary
            click.echo(f"{out}: {s['met']} met, {s['partial']} partial, {s['missing']} missing",
                       err=True)
    elif fmt == "json":
        emit_json(report.to_dict())
    elif fmt == "md":
        click.echo(render_markdown(report))
    else:
        render_table(report)
    if strict and not report.all_met:
        click.get_current_context().exit(1)


# ---- pack
@cli.command(name="pack")
@click.option("--criteria", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Criteria catalogue (YAML). Default: the shipped one.")
@click.option("--out", "out_dir", required=True, type=click.Path(file_okay=False, path_type=Path),
              help="Pack folder (created; must be empty unless --force).")
@click.option("--year", type=click.IntRange(1990, 2100), default=None, help="Assessment year.")
@click.option("--force", is_flag=True, help="Write into a non-empty folder.")
@json_option
@click.pass_obj
@handle_errors
def pack_cmd(obj: Ctx, criteria: Path | None, out_dir: Path, year: int | None, force: bool,
             as_json: bool) -> None:
    """Evidence pack: one folder per criterion with copies of the deciding documents, a
    manifest (CSV, JSON, SHA-256) and a README in Vietnamese. Originals are never modified.

    \b
    Example:
        evidence pack --criteria tieu-chi-2023.yaml --out ho-so-kiem-chung/
    """
    from evidence.check.pack import write_pack
    from evidence.check.run import run_check

    result = write_pack(run_check(obj.home, criteria, year=year), out_dir, force=force)
    if as_json:
        emit_json(result.to_dict())
    elif not obj.quiet:
        click.echo(f"{out_dir}: {result.folders} criterion folders, {result.copied} files copied",
                   err=True)


# ---- show
@cli.command(name="show")
@click.argument("ref")
@json_option
@click.pass_obj
@handle_errors
def show_cmd(obj: Ctx, ref: str, as_json: bool) -> None:
    """One document by its symbol (111/KH-UBND), id (or id prefix) or path: metadata with
    the source line of each field, tasks, cited documents (in the store or not), and the
    documents citing it.

    \b
    Example:
        evidence show 111/KH-UBND
        evidence show 2650/UBND-NV --json
    """
    from evidence.index.refs import show
    from evidence.index.store import Store

    with Store.open(obj.home, create=False) as store:
        result = show(store, ref)
    if result.others:
        click.echo(f"warning: {ref}: {len(result.others) + 1} documents match; showing "
                   f"{result.data['id'][:12]}, others: "
                   + ", ".join(o["id"][:12] for o in result.others), err=True)
    if as_json:
        emit_json(result.data)
    else:
        from evidence.index.views import render_show

        render_show(result)


# ---- refs
@cli.command(name="refs")
@click.option("--missing", is_flag=True, help="Only documents cited but not in the store.")
@json_option
@click.pass_obj
@handle_errors
def refs_cmd(obj: Ctx, missing: bool, as_json: bool) -> None:
    """Citation graph of the store; --missing lists the documents that stored documents
    cite but that are not in the store, with who cites them.

    \b
    Example:
        evidence refs --missing
        evidence refs --json
    """
    from evidence.index.refs import missing_citations, refs
    from evidence.index.store import Store
    from evidence.index.views import render_missing, render_refs

    with Store.open(obj.home, create=False) as store:
        graph = refs(store)
    if missing:
        gone = missing_citations(graph)
        if as_json:
            emit_json({"total": len(gone), "missing": [m.to_dict() for m in gone]})
        else:
            render_missing(gone)
    elif as_json:
        emit_json(graph.to_dict() | {"missing_documents": [m.to_dict() for m in missing_citations(graph)]})
    else:
        render_refs(graph)


# ---- tasks
@cli.command(name="tasks")
@click.option("--assignee", metavar="TEXT", help="Unit in charge (accent-insensitive: 'noi vu').")
@click.option("--due-before", metavar="DATE", help="Deadline on or before DATE (2023-11-30, 30/11/2023, 2023-12).")
@json_option
@click.pass_obj
@handle_errors
def tasks_cmd(obj: Ctx, assignee: str | None, due_before: str | None, as_json: bool) -> None:
    """Tasks assigned by the stored documents: unit in charge, coordinating units, deadline.

    \b
    Example:
        evidence tasks --assignee "Phòng Nội vụ"
        evidence tasks --due-before 2023-12-31 --json
    """
    from evidence.index.refs import parse_due_date, tasks
    from evidence.index.store import Store

    if due_before:
        try:
            parse_due_date(due_before)
        except ValueError as exc:
            raise click.BadParameter(str(exc), param_hint="'--due-before'") from exc
    with Store.open(obj.home, create=False) as store:
        rows = tasks(store, assignee=assignee, due_before=due_before)
    if as_json:
        emit_json({"total": len(rows), "tasks": [r.to_dict() for r in rows]})
    else:
        from evidence.index.views import render_tasks

        render_tasks(rows)


def main() -> None:
    cli(prog_name="evidence")


if __name__ == "__main__":
    main()
