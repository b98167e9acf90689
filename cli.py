"""Command-line interface. Each command parses options, calls one library function and
returns its result; the :func:`command` decorator opens the store, handles errors and prints
the result: ``--json`` its ``to_dict()`` (``../shared/spec/contract.md``), else its renderer
of :mod:`evidence.renderers`.

stdout carries only the command's output (JSON under ``--json``); progress, logs and
errors go to stderr. Errors are one line, ``error: <thing>: <reason>``; ``--verbose``
adds the traceback.
"""

from __future__ import annotations

import errno
import json
import logging
import sqlite3
import sys
import traceback
import unicodedata
from collections.abc import Callable, Sequence
from functools import wraps
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click
from evidence.errors import BadValue, EvidenceError, ExitCode
from evidence.messages import hint, install_click_translation, t, translate

if TYPE_CHECKING:
    from evidence.check.pack import PackResult
    from evidence.check.verdicts import CheckReport
    from evidence.index.decisions import CorrectionList, LinkList, Removal, ReviewList
    from evidence.index.listing import ListResult
    from evidence.index.refs import RefsReport, ShowResult, TaskList
    from evidence.index.search import ReindexResult
    from evidence.index.search.types import SearchResults
    from evidence.index.store import Store, StoreStatus
    from evidence.ingest.pipeline import Extraction, IngestSummary

F = TypeVar("F", bound=Callable[..., Any])

_HOME_HELP = "Thư mục kho (mặc định: $EVIDENCE_HOME, nếu không thì thư mục dữ liệu người dùng)."
_VERBOSE_HELP = "In nhật ký chi tiết và traceback ra stderr."
_QUIET_HELP = "Không in tiến độ và thông tin ra stderr."
_OCR_HELP = "OCR các trang không có lớp chữ dùng được (auto), mọi trang (always) hay không OCR (never)."
_CRITERIA_HELP = "Bộ tiêu chí (YAML). Mặc định: bộ tiêu chí kèm theo chương trình."


class Ctx:
    """Global options shared by every command."""

    def __init__(self, home: str | None, verbose: bool, quiet: bool) -> None:
        self.home_arg = home
        self.verbose = verbose
        self.quiet = quiet
        self.as_json = False  # the command's --json (set by @command)
        self.exit_with: ExitCode | None = None  # exit with this once the result is shown

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
        "--max-memory", default="1G", show_default=True, metavar="CỠ", callback=_max_memory,
        help="Bộ nhớ tối đa để đọc một tệp (512M, 2G); vượt quá: lỗi too_large.")(f)


def json_option(f: F) -> F:
    return click.option("--json", "as_json", is_flag=True,
                        help="In kết quả dạng JSON (theo hợp đồng) ra stdout.")(f)


def error_line(thing: str | None, reason: str, fix: str | None = None) -> str:
    """The contract's one error line, the reason in Vietnamese, then the fix hint if any."""
    head = f"{thing}: " if thing else ""
    tail = f" (gợi ý: {fix})" if fix else ""
    return f"error: {head}{translate(reason)[1]}{tail}".replace("\n", " ")


# errno -> what an officer reads when a file or folder cannot be written or read
_OS_REASONS = {
    errno.ENOENT: "thư mục hoặc tệp không tồn tại",
    errno.ENOTDIR: "một phần của đường dẫn không phải thư mục",
    errno.EISDIR: "là thư mục, không phải tệp",
    errno.EACCES: "không có quyền truy cập",
    errno.EPERM: "không được phép",
    errno.EROFS: "ổ đĩa chỉ đọc",
    errno.ENOSPC: "đĩa đã đầy",
    errno.EDQUOT: "đã hết hạn mức đĩa",
    errno.EEXIST: "đã có một tệp trùng tên ở đây (cần một thư mục)",
    errno.ENAMETOOLONG: "tên quá dài",
}


def os_error_line(exc: OSError) -> str:
    reason = _OS_REASONS.get(exc.errno or -1) or exc.strerror or str(exc)
    thing = exc.filename if exc.filename is not None else None
    if isinstance(thing, bytes):
        thing = thing.decode("utf-8", "backslashreplace")
    return error_line(str(thing) if thing is not None else None, reason)


class UserDate(click.ParamType):
    """The one option type of every date a user types (``--from``, ``--to``,
    ``--due-before``...): the grammar of :func:`evidence.extract.dates.parse_user_date`;
    the value passed on is ISO (``2023-01-31``, or ``2023-01`` / ``2023`` when ``partial``)."""

    name = "date"

    def __init__(self, *, partial: bool = True) -> None:
        self.partial = partial

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> str:
        from evidence.extract.dates import UserDateError, parse_user_date

        try:
            return parse_user_date(str(value), partial=self.partial).iso or ""
        except UserDateError as exc:
            self.fail(translate(str(exc))[1], param, ctx)


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
            click.echo(error_line(exc.subject, exc.message, hint(exc.code)), err=True)
            for line in exc.details:
                click.echo(f"  {line}", err=True)
            ctx.exit(int(exc.exit_code))
        except sqlite3.DatabaseError as exc:  # damaged pages met while reading
            from evidence.index.catalogue import CATALOGUE_NAME, damaged

            if verbose:
                traceback.print_exc(file=sys.stderr)
            obj = ctx.find_object(Ctx)
            where = obj.home if obj is not None else Path(".")
            err = damaged(where / CATALOGUE_NAME, str(exc))
            click.echo(error_line(err.subject, err.message), err=True)
            ctx.exit(int(err.exit_code))
        except OSError as exc:  # an output path that cannot be written, a full disk
            if verbose:
                traceback.print_exc(file=sys.stderr)
            click.echo(os_error_line(exc), err=True)
            ctx.exit(int(ExitCode.USAGE))
        except KeyboardInterrupt:
            click.echo(error_line(None, t("interrupted")), err=True)
            ctx.exit(int(ExitCode.INTERRUPTED))

    return wrapper  # type: ignore[return-value]


class EvidenceGroup(click.Group):
    """The ``evidence`` group: click speaks Vietnamese, and its own usage errors are one
    line like every other error (``error: <command>: <reason> (xem: … --help)``)."""

    def main(self, args: Sequence[str] | None = None, prog_name: str | None = None,
             complete_var: str | None = None, standalone_mode: bool = True,
             **extra: Any) -> Any:
        install_click_translation()
        standalone = standalone_mode
        try:
            code = super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
        except click.ClickException as exc:
            if not standalone:
                raise
            click.echo(_usage_error_line(exc), err=True)
            sys.exit(exc.exit_code)
        except click.exceptions.Abort:
            if not standalone:
                raise
            click.echo(error_line(None, t("interrupted")), err=True)
            sys.exit(int(ExitCode.INTERRUPTED))
        if not standalone:
            return code
        sys.exit(code if isinstance(code, int) else 0)


@click.group(cls=EvidenceGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--home", type=click.Path(file_okay=False), default=None, metavar="THƯ_MỤC",
              help=_HOME_HELP)
@click.option("-v", "--verbose", is_flag=True, help=_VERBOSE_HELP)
@click.option("-q", "--quiet", is_flag=True, help=_QUIET_HELP)
@click.version_option(package_name="evidence", help="Hiện phiên bản rồi thoát.")
@click.pass_context
def cli(ctx: click.Context, home: str | None, verbose: bool, quiet: bool) -> None:
    """evidence: tìm, đọc và kiểm tra tài liệu kiểm chứng của chỉ số cải cách hành chính
    (CCHC / PAR Index).

    Các tùy chọn chung (--home, --verbose, --quiet) đặt trước hoặc sau tên lệnh đều được.

    \b
    Ví dụ:
        evidence ingest ~/KiemChung/2023
        evidence search "ISO 9001"
        evidence check --format xlsx --out bao-cao.xlsx
        evidence show 111/KH-UBND
    """
    ctx.obj = Ctx(home, verbose, quiet)
    logging.basicConfig(stream=sys.stderr, format="%(levelname)s %(name)s: %(message)s")
    _set_log_level(ctx.obj)


def _set_log_level(obj: Ctx) -> None:
    level = logging.DEBUG if obj.verbose else logging.WARNING if obj.quiet else logging.INFO
    logging.getLogger().setLevel(level)


def _late_global(ctx: click.Context, param: click.Parameter, value: Any) -> None:
    """A global option written after the command name (``evidence search ISO --home d``)."""
    if value in (None, False):
        return
    obj = ctx.find_object(Ctx)
    if obj is None:
        return
    if param.name == "home":
        obj.home_arg = value
    else:
        setattr(obj, str(param.name), True)
        _set_log_level(obj)


def _global_params() -> list[click.Parameter]:
    return [
        click.Option(["--home"], type=click.Path(file_okay=False), default=None,
                     metavar="THƯ_MỤC", expose_value=False, callback=_late_global,
                     help=_HOME_HELP),
        click.Option(["-v", "--verbose"], is_flag=True, expose_value=False,
                     callback=_late_global, help=_VERBOSE_HELP),
        click.Option(["-q", "--quiet"], is_flag=True, expose_value=False,
                     callback=_late_global, help=_QUIET_HELP),
    ]


# ---- the command decorator -----------------------------------------------------------------


def command(name: str, *, store: str | None = None, render: str | None = None,
            notes: str | None = None, quiet_hides: bool | Callable[[Any], bool] = False,
            with_json: bool = True) -> Callable[[F], F]:
    """One command of ``evidence``: ``--json``, the store, the error handler and the output.

    The body parses its options, makes one library call and returns its result (a
    dataclass with ``to_dict()``), or None when it has printed what it prints. Then
    ``--json`` prints ``result.to_dict()``; otherwise ``render`` (the name of a function of
    :mod:`evidence.renderers`) prints it on stdout and ``notes`` (another, returning a line or
    lines) says on stderr what was done (not under ``--quiet``, nor ``--json``).

    Args:
        name: the command's name.
        store: ``"read"``: the body gets the store opened in ``--home`` after ``obj``
            (it must exist); ``"write"``: the store is created if missing; None: no store
            (the library call takes the home).
        quiet_hides: ``--quiet`` also hides what ``render`` prints (or a predicate of the
            result saying so).
        with_json: the command has ``--json`` (the body reads it as ``obj.as_json``).
    """

    def decorate(f: F) -> F:
        @wraps(f)
        def run(obj: Ctx, *args: Any, **kwargs: Any) -> None:
            obj.as_json = bool(kwargs.pop("as_json", False))
            if store is None:
                result = f(obj, *args, **kwargs)
            else:
                from evidence.index.store import Store

                with Store.open(obj.home, create=store == "write") as opened:
                    result = f(obj, opened, *args, **kwargs)
            if result is not None:
                _output(obj, result, render, notes,
                        quiet_hides(result) if callable(quiet_hides) else quiet_hides)
            if obj.exit_with is not None:
                click.get_current_context().exit(int(obj.exit_with))

        cmd = click.pass_obj(handle_errors(run))
        if with_json:
            cmd = json_option(cmd)
            params = cmd.__click_params__  # type: ignore[attr-defined]
            params.insert(0, params.pop())  # --json last in --help, as before
        return cli.command(name=name)(cmd)  # type: ignore[return-value]

    return decorate


def _output(obj: Ctx, result: Any, render: str | None, notes: str | None,
            quiet_hides: bool) -> None:
    if obj.as_json:
        emit_json(result.to_dict())
        return
    from evidence import renderers

    if render is not None and not (obj.quiet and quiet_hides):
        getattr(renderers, render)(result)
    if notes is not None and not obj.quiet:
        said = getattr(renderers, notes)(result)
        for line in [said] if isinstance(said, str) else said:
            click.echo(line, err=True)


def _warn(messages: Sequence[str], thing: str | None = None) -> None:
    """``warning: [<thing>: ]<reason>`` on stderr, the reason in Vietnamese."""
    head = f"{thing}: " if thing else ""
    for w in messages:
        click.echo(f"warning: {head}{translate(w)[1]}", err=True)


def _export(obj: Ctx, path: Path, rows: list[dict[str, Any]],
            columns: Sequence[tuple[str, str, int]] | None = None) -> None:
    """``--export FILE`` of ``search`` and ``list``."""
    from evidence.index.export import export_rows
    from evidence.renderers import export_note

    if columns is None:
        export_rows(path, rows)
    else:
        export_rows(path, rows, columns)
    if not obj.quiet:
        click.echo(export_note(path, len(rows)), err=True)


# ---- commands ----------------------------------------------------------------------------
# Each command below: parse options, call one library function, return its result.


# ---- search
@command("search", render="render_search")
@click.argument("query")
@click.option("--type", "doc_type", metavar="MÃ", help="Loại văn bản: KH, QĐ (hoặc QD), BC, CV… (mã lạ bị từ chối, kèm danh sách mã).")
@click.option("--year", type=int, metavar="NĂM", help="Năm ban hành.")
@click.option("--issuer", metavar="TÊN", help="Cơ quan ban hành (UBND = Ủy ban nhân dân).")
@click.option("--from", "date_from", type=UserDate(), metavar="NGÀY",
              help="Từ ngày (31/01/2023 hoặc 2023-01-31).")
@click.option("--to", "date_to", type=UserDate(), metavar="NGÀY",
              help="Đến ngày; 2023-03 gồm cả tháng 3.")
@click.option("--limit", type=click.IntRange(1, 1000), default=10, show_default=True,
              metavar="N", help="Số kết quả tối đa.")
@click.option("--export", "export", type=click.Path(dir_okay=False, path_type=Path),
              default=None, help="Xuất kết quả ra tệp .xlsx hoặc .csv.")
def search_cmd(obj: Ctx, query: str, doc_type: str | None, year: int | None, issuer: str | None,
               date_from: str | None, date_to: str | None, limit: int,
               export: Path | None) -> SearchResults:
    """Tìm kiếm toàn văn, xếp hạng theo độ liên quan. Gõ có dấu hay không dấu đều được;
    "cụm từ trong ngoặc kép" tìm đúng cụm; A OR B tìm một trong hai; -từ loại văn bản có
    từ đó. Một số (111) hay số ký hiệu (111/KH-UBND, QĐ 1074) đưa văn bản mang số đó lên
    đầu, trước văn bản chỉ nhắc đến số.

    \b
    Ví dụ:
        evidence search "ISO 9001"
        evidence search "ke hoach cai cach hanh chinh" --year 2023 --type KH
        evidence search 111/KH-UBND
        evidence search "QĐ 1074"
        evidence search '"một cửa" OR "liên thông" -"trễ hẹn"'
        evidence search "ISO 9001" --limit 100 --export ket-qua.xlsx
    """
    from evidence.index.export import SEARCH_COLUMNS
    from evidence.index.search import search

    res = search(obj.home, query, doc_type=doc_type, year=year, issuer=issuer,
                 date_from=date_from, date_to=date_to, limit=limit)
    if export is not None:
        _export(obj, export, [h.to_dict() for h in res.hits], SEARCH_COLUMNS)
    if obj.as_json:
        _warn(res.warnings)
    return res

# ---- reindex
@command("reindex", notes="reindex_note")
@click.option("--engine", metavar="TÊN", default=None,
              help="Chuyển kho sang bộ máy tìm kiếm này (whoosh, tantivy) và lập chỉ mục cho nó.")
@click.option("--sync", "sync_only", is_flag=True,
              help="Chỉ bổ sung phần chỉ mục còn thiếu và bỏ phần danh mục đã xóa.")
def reindex_cmd(obj: Ctx, engine: str | None, sync_only: bool) -> ReindexResult:
    """Lập lại chỉ mục tìm kiếm từ danh mục. Ghi theo từng đợt: bị ngắt thì lần sau chạy
    tiếp từ chỗ dừng; trong lúc lập, tìm kiếm vẫn dùng chỉ mục cũ.

    \b
    Ví dụ:
        evidence reindex
        evidence reindex --engine tantivy
    """
    from evidence.index.search import reindex, reindex_progress

    with reindex_progress(enabled=not (obj.as_json or obj.quiet)) as progress:
        return reindex(obj.home, engine=engine, sync_only=sync_only, progress=progress)

# ---- ingest
@command("ingest", store="write", render="render_ingest", quiet_hides=True)
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option("--ocr", type=click.Choice(["auto", "always", "never"]), default="auto",
              show_default=True, help=_OCR_HELP)
@click.option("-j", "--jobs", type=click.IntRange(min=1), default=None, metavar="N",
              help="Số tiến trình xử lý (mặc định: số lõi CPU); 1 = đọc lần lượt từng tệp, "
                   "vẫn trong giới hạn thời gian và bộ nhớ.")
@click.option("--force", is_flag=True, help="Nạp lại cả các tệp không thay đổi.")
@click.option("--prune", is_flag=True, help="Xóa khỏi kho các tệp đã không còn trên đĩa.")
@click.option("--timeout", type=click.FloatRange(min=1), default=600.0, show_default=True,
              metavar="GIÂY", help="Thời gian tối đa cho mỗi tệp (quá thì bỏ qua, lý do: timeout).")
@click.option("--exclude", "excludes", multiple=True, metavar="MẪU",
              help="Bỏ qua các tệp khớp mẫu (cú pháp .gitignore; lặp lại được), "
                   "ví dụ --exclude '*.json' --exclude 'nhap/'. Tệp .evidenceignore trong "
                   "thư mục được nạp cũng được đọc.")
@max_memory_option
def ingest_cmd(obj: Ctx, store: Store, paths: tuple[Path, ...], ocr: str, jobs: int | None,
               force: bool, prune: bool, timeout: float, excludes: tuple[str, ...],
               max_memory: int) -> IngestSummary:
    """Nạp tệp và thư mục (kể cả thư mục con) vào kho: đọc, OCR bản quét, trích xuất thông
    tin, lập chỉ mục. Tệp không đổi được bỏ qua; tệp không phải văn bản (README, tệp .json
    kèm theo, tệp rác của hệ điều hành) được liệt kê là bỏ qua; mã thoát 1 khi có tệp lỗi.

    \b
    Ví dụ:
        evidence ingest ~/KiemChung/2023
        evidence ingest --jobs 2 --ocr always ban-quet/ --json
    """
    from evidence.ingest.base import OcrMode
    from evidence.ingest.pipeline import ingest_paths
    from evidence.ingest.progress import make_progress

    progress = make_progress(quiet=obj.quiet, as_json=obj.as_json)
    try:
        summary = ingest_paths(list(paths), store, ocr=OcrMode(ocr), jobs=jobs, force=force,
                               prune=prune, timeout=timeout, progress=progress,
                               exclude=excludes, max_memory=max_memory)
    finally:
        progress.stop()
    if summary.failed:
        obj.exit_with = ExitCode.ATTENTION
    return summary

# ---- extract
@command("extract", render="render_extraction")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--ocr", type=click.Choice(["auto", "always", "never"]), default="auto",
              show_default=True, help=_OCR_HELP)
@click.option("--text", "with_text", is_flag=True, help="Kèm nội dung từng trang trong JSON.")
@max_memory_option
def extract_cmd(obj: Ctx, file: Path, ocr: str, with_text: bool, max_memory: int) -> Extraction:
    """Đọc và trích xuất một tệp, không ghi vào kho. Tệp quét chứa nhiều văn bản thì hiện
    văn bản đầu, kèm cảnh báo nêu các văn bản còn lại.

    \b
    Ví dụ:
        evidence extract cong-van-2650.docx
        evidence extract ban-quet.pdf --json
    """
    from evidence.ingest.base import OcrMode
    from evidence.ingest.pipeline import extract_one

    res = extract_one(file, ocr=OcrMode(ocr), max_memory=max_memory, include_text=with_text)
    if res.warning:
        _warn([res.warning], str(file))
    return res

# ---- status
@command("status", store="read", render="render_status")
def status_cmd(obj: Ctx, store: Store) -> StoreStatus:
    """Thống kê kho: số văn bản theo loại, năm, định dạng, OCR; tệp lỗi, tệp đã mất;
    dung lượng.

    \b
    Ví dụ:
        evidence status
        evidence status --json
    """
    return store.status()

# ---- check
@command("check", render="render_check")
@click.option("--criteria", type=click.Path(dir_okay=False, path_type=Path), default=None,
              metavar="TỆP", help=_CRITERIA_HELP)
@click.option("--year", type=click.IntRange(1990, 2100), default=None, metavar="NĂM",
              help="Năm đánh giá (đổi hạn và năm của bộ tiêu chí theo năm này).")
@click.option("--strict", is_flag=True, help="Mã thoát 1 khi có tiêu chí chưa đạt.")
@click.option("--format", "fmt", type=click.Choice(["table", "json", "md", "xlsx"]),
              default="table", show_default=True, help="Dạng báo cáo: bảng, JSON, Markdown, Excel.")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), default=None,
              metavar="TỆP", help="Ghi báo cáo ra tệp này (bắt buộc với xlsx).")
def check_cmd(obj: Ctx, criteria: Path | None, year: int | None, strict: bool, fmt: str,
              out: Path | None) -> CheckReport | None:
    """Kiểm tra mức đầy đủ của tài liệu kiểm chứng theo từng tiêu chí: đạt, đạt một phần
    (kèm lý do) hay chưa có tài liệu.

    \b
    Ví dụ:
        evidence check
        evidence check --criteria tieu-chi-2023.yaml --format xlsx --out bao-cao.xlsx
        evidence check --json --strict
    """
    from evidence.check.run import run_check
    from evidence.renderers import check_markdown, check_written_note, write_report

    fmt = "json" if obj.as_json else fmt
    if fmt == "xlsx" and out is None:
        raise click.UsageError(t("check.xlsx_needs_out"))
    report = run_check(obj.home, criteria, year=year)
    _warn(report.warnings)  # a schema-v1 catalogue: a mention may count
    if strict and not report.all_met:
        obj.exit_with = ExitCode.ATTENTION
    if out is not None:
        write_report(report, fmt, out)
        if not obj.quiet:
            click.echo(check_written_note(report, out), err=True)
        return None
    if fmt == "md":
        click.echo(check_markdown(report))
        return None
    obj.as_json = fmt == "json"
    return report

# ---- pack
@command("pack", notes="pack_note")
@click.option("--criteria", type=click.Path(dir_okay=False, path_type=Path), default=None,
              metavar="TỆP", help=_CRITERIA_HELP)
@click.option("--out", "out_dir", required=True, type=click.Path(file_okay=False, path_type=Path),
              metavar="THƯ_MỤC", help="Thư mục hồ sơ (được tạo mới; phải trống, trừ khi có --force).")
@click.option("--year", type=click.IntRange(1990, 2100), default=None, metavar="NĂM",
              help="Năm đánh giá.")
@click.option("--force", is_flag=True, help="Ghi vào thư mục đã có tệp.")
def pack_cmd(obj: Ctx, criteria: Path | None, out_dir: Path, year: int | None,
             force: bool) -> PackResult:
    """Lập hồ sơ kiểm chứng: mỗi tiêu chí một thư mục chứa bản sao các văn bản quyết định,
    kèm bảng kê (CSV, JSON, SHA-256) và tệp hướng dẫn. Tệp gốc không bao giờ bị sửa.

    \b
    Ví dụ:
        evidence pack --out ho-so-kiem-chung/
        evidence pack --criteria tieu-chi-2023.yaml --out ho-so-2023/ --force
    """
    from evidence.check.pack import write_pack
    from evidence.check.run import run_check

    report = run_check(obj.home, criteria, year=year)
    _warn(report.warnings)  # a schema-v1 catalogue: a mention may count
    return write_pack(report, out_dir, force=force)

# ---- show
@command("show", store="read", render="render_show")
@click.argument("ref")
def show_cmd(obj: Ctx, store: Store, ref: str) -> ShowResult:
    """Xem một văn bản: số ký hiệu (111/KH-UBND, "111 kh ubnd", 111-KH-UBND), số (111),
    mã id hoặc đầu mã (≥ 6 ký tự) hoặc đường dẫn tệp. Hiện thông tin kèm dòng gốc của từng
    trường, các sửa đổi của cán bộ, việc cần kiểm tra, nhiệm vụ, văn bản được trích dẫn và
    văn bản trích dẫn nó. Nhiều văn bản khớp: liệt kê để chọn (mã thoát 2).

    \b
    Ví dụ:
        evidence show 111/KH-UBND
        evidence show "111 kh ubnd" --json
        evidence show 9f2c1a
    """
    from evidence.index.refs import show

    return show(store, ref)

# ---- refs
@command("refs", store="read", render="render_refs")
@click.option("--missing", is_flag=True, help="Chỉ các văn bản được dẫn chiếu mà kho chưa có.")
def refs_cmd(obj: Ctx, store: Store, missing: bool) -> RefsReport:
    """Quan hệ dẫn chiếu giữa các văn bản trong kho; --missing liệt kê văn bản được dẫn
    chiếu nhưng chưa có trong kho, kèm văn bản nào dẫn chiếu đến.

    \b
    Ví dụ:
        evidence refs --missing
        evidence refs --json
    """
    from evidence.index.refs import refs_report

    return refs_report(store, missing_only=missing)

# ---- tasks
@command("tasks", store="read", render="render_tasks")
@click.option("--assignee", metavar="CHỮ", help="Đơn vị chủ trì (không cần dấu: 'noi vu').")
@click.option("--due-before", type=UserDate(), metavar="NGÀY",
              help="Hạn chậm nhất đến NGÀY (30/11/2023, 2023-11-30, 2023-12).")
def tasks_cmd(obj: Ctx, store: Store, assignee: str | None, due_before: str | None) -> TaskList:
    """Nhiệm vụ được giao trong các văn bản của kho: đơn vị chủ trì, đơn vị phối hợp, thời hạn.

    \b
    Ví dụ:
        evidence tasks --assignee "Phòng Nội vụ"
        evidence tasks --due-before 31/12/2023 --json
    """
    from evidence.index.refs import task_list

    return task_list(store, assignee=assignee, due_before=due_before)

# ---- fix (the officer's corrections)
_FIX_OPTIONS = [("number", "--number", "Số văn bản đúng (chữ số, ví dụ 111)."),
                ("date", "--date", "Ngày ban hành đúng (2023-01-17 hoặc 17/01/2023)."),
                ("issuer", "--issuer", "Cơ quan ban hành đúng."),
                ("signer", "--signer", "Họ tên người ký."),
                ("signer_position", "--signer-position", "Chức vụ người ký (Chủ tịch...)."),
                ("signer_authority", "--signer-authority", "Thẩm quyền ký: TM., KT., TL., TUQ."),
                ("subject", "--subject", "Trích yếu đúng."),
                ("doc_type", "--type", "Loại văn bản (mã: KH, QĐ, BC, CV...).")]


_FIX_FLAGS = {name: opt[2:] for name, opt, _ in _FIX_OPTIONS}


def _fix_options(f: F) -> F:
    for name, opt, text in reversed(_FIX_OPTIONS):
        kind = UserDate() if name == "date" else None
        f = click.option(opt, name, metavar="NGÀY" if kind else "GIÁ_TRỊ", default=None,
                         type=kind, help=text)(f)
    return f


@command("fix", store="read", render="render_fix", notes="fix_notes",
         quiet_hides=lambda result: result.doc is not None)
@click.argument("ref", required=False)
@_fix_options
@click.option("--note", metavar="TEXT", help="Ghi chú của cán bộ (lý do sửa).")
@click.option("--clear", "clear", multiple=True, metavar="TRƯỜNG",
              help="Để trống trường này (giá trị trích xuất sai). Lặp lại được.")
@click.option("--confirm", "confirm", multiple=True, metavar="TRƯỜNG",
              help="Xác nhận giá trị trích xuất là đúng (xóa khỏi danh sách cần kiểm tra).")
@click.option("--undo", is_flag=True, help="Hoàn tác lần sửa gần nhất của văn bản.")
@click.option("--reapply", is_flag=True,
              help="Áp dụng lại các sửa đổi cũ (của nội dung trước của tệp) cho văn bản này.")
@click.option("--drop-stale", is_flag=True, help="Bỏ các sửa đổi cũ của tệp này.")
@click.option("--list", "list_all", is_flag=True, help="Liệt kê mọi sửa đổi (cũ: stale).")
def fix_cmd(obj: Ctx, store: Store, ref: str | None, note: str | None, clear: tuple[str, ...],
            confirm: tuple[str, ...], undo: bool, reapply: bool, drop_stale: bool,
            list_all: bool, **values: str | None) -> CorrectionList:
    """Sửa thông tin trích xuất sai của một văn bản. Sửa đổi được lưu theo nội dung tệp,
    áp dụng ở mọi nơi (xem, tìm kiếm, trích dẫn, nhiệm vụ, kiểm tra, báo cáo) và giữ lại
    khi nạp lại. Tệp đổi nội dung: sửa đổi cũ được đánh dấu "cũ" (stale) để áp dụng lại
    (--reapply) hoặc bỏ (--drop-stale). Trường: number, date, issuer, signer,
    signer-position, signer-authority, subject, type.

    \b
    Ví dụ:
        evidence fix 111/KH-UBND --date 17/01/2023 --note "ngày viết tay"
        evidence fix "347 ttr" --number 348
        evidence fix 9f2c1a --confirm number
        evidence fix 111/KH-UBND --undo
        evidence fix --list
    """
    from evidence.index import decisions

    if list_all:
        return decisions.corrections(store)
    if not ref:
        raise BadValue("cần REF (số ký hiệu, mã id hoặc tệp), hoặc --list", subject="fix")
    action = "undo" if undo else "reapply" if reapply else "drop_stale" if drop_stale else "fix"
    _wait_for_ingest(store)
    return decisions.apply_fix(store, ref, action=action, values=_fix_values(values),
                               clear=_fix_fields(clear), confirm=_fix_fields(confirm),
                               note=note)


def _wait_for_ingest(store: Store) -> None:
    """An ingest (or a reindex) writing the store now: the correction waits for it, as the
    web's does (it may re-read the document), saying so on stderr; past the wait it is
    written anyway."""
    from evidence.index.store import WRITER_WAIT, wait_for_writer

    minutes = f"{WRITER_WAIT / 60:.0f}"
    _, running = wait_for_writer(
        store.home, on_wait=lambda: click.echo(t("fix.waiting", minutes=minutes), err=True))
    if running:
        click.echo(f"warning: {t('fix.wait_timeout', minutes=minutes)}", err=True)


def _fix_values(values: dict[str, str | None]) -> dict[str, str]:
    """The values given to ``fix`` (``--number 111``...), checked field by field."""
    from evidence.index.corrections import parse_value

    parsed: dict[str, str] = {}
    for k, v in values.items():
        if v is None:
            continue
        try:
            parsed[k] = parse_value(k, v)
        except ValueError as exc:
            raise BadValue(str(exc), subject="--" + _FIX_FLAGS[k]) from exc
    return parsed


def _fix_fields(names: tuple[str, ...]) -> list[str]:
    """``--clear`` / ``--confirm`` names (``signer-position``) as field names."""
    from evidence.index.corrections import field_from_option

    try:
        return [field_from_option(x) for x in names]
    except ValueError as exc:
        raise BadValue(str(exc), subject="fix") from exc

# ---- link / unlink (the officer's decision that a document counts or not)
@command("link", store="read", render="render_links", notes="link_notes")
@click.argument("req", required=False)
@click.argument("ref", required=False)
@click.option("--criteria", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Bộ tiêu chí (YAML). Mặc định: bộ đi kèm.")
@click.option("--note", metavar="TEXT", help="Lý do (ghi vào báo cáo).")
@click.option("--remove", "forget", is_flag=True,
              help="Bỏ quyết định của cán bộ (liên kết hay loại trừ) cho cặp này.")
@click.option("--undo", is_flag=True, help="Hoàn tác thay đổi gần nhất của cặp này.")
@click.option("--list", "list_all", is_flag=True, help="Liệt kê các quyết định đã lưu.")
def link_cmd(obj: Ctx, store: Store, req: str | None, ref: str | None, criteria: Path | None,
             note: str | None, forget: bool, undo: bool, list_all: bool) -> LinkList:
    """Cán bộ quyết định một văn bản ĐƯỢC TÍNH cho một yêu cầu (REQ, ví dụ 1.1-a) dù nội
    dung không khớp. Chỉ thay cho việc khớp nội dung: điều kiện hình thức (hạn, số, chữ ký,
    cơ quan ban hành) vẫn được kiểm tra và báo cáo. --remove bỏ quyết định (cả unlink).

    \b
    Ví dụ:
        evidence link 1.1-a 111/KH-UBND --note "kế hoạch CCHC năm, trích yếu viết tắt"
        evidence link 1.1-a 111/KH-UBND --remove
        evidence link --list --json
    """
    from evidence.check.links import decide_link, links

    if list_all:
        return links(store, criteria)
    if not req or not ref:
        raise BadValue("cần REQ và REF: evidence link 1.1-a 111/KH-UBND --note ...",
                       subject="link")
    action = "forget" if forget else "undo" if undo else "link"
    return decide_link(store, req, ref, criteria=criteria, note=note, action=action)

@command("unlink", store="read", notes="link_notes")
@click.argument("req")
@click.argument("ref")
@click.option("--criteria", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Bộ tiêu chí (YAML). Mặc định: bộ đi kèm.")
@click.option("--note", metavar="TEXT", help="Lý do (ghi vào báo cáo).")
def unlink_cmd(obj: Ctx, store: Store, req: str, ref: str, criteria: Path | None,
               note: str | None) -> LinkList:
    """Cán bộ quyết định một văn bản KHÔNG được tính cho yêu cầu REQ dù nội dung khớp
    (ví dụ một kế hoạch chỉ nhắc đến kế hoạch khác). Bỏ quyết định: evidence link REQ REF
    --remove.

    \b
    Ví dụ:
        evidence unlink 1.3-a 111/KH-UBND --note "chỉ nhắc đến trong nhiệm vụ"
    """
    from evidence.check.links import decide_link

    return decide_link(store, req, ref, criteria=criteria, counts=False, note=note)

# ---- review (the officer's to-do list)
@command("review", store="read", render="render_review")
def review_cmd(obj: Ctx, store: Store) -> ReviewList:
    """Danh sách việc cần cán bộ kiểm tra: văn bản có số, ngày, cơ quan ban hành hoặc người
    ký trống hay không chắc chắn (viết tay, OCR kém, chỉ có trên dấu...), theo thứ tự nạp.
    Sửa bằng evidence fix, hoặc xác nhận đúng bằng evidence fix REF --confirm TRƯỜNG.

    \b
    Ví dụ:
        evidence review
        evidence review --json
    """
    from evidence.index.decisions import review_list

    return review_list(store)

# ---- list
@command("list", store="read", render="render_list")
@click.option("--type", "doc_type", metavar="CODE", help="Loại văn bản: KH, QĐ (hoặc QD), BC, CV...")
@click.option("--year", type=int, help="Năm ban hành.")
@click.option("--issuer", metavar="TEXT", help="Cơ quan ban hành (UBND = Ủy ban nhân dân).")
@click.option("--from", "date_from", type=UserDate(), metavar="NGÀY",
              help="Từ ngày (31/01/2023 hoặc 2023-01-31).")
@click.option("--to", "date_to", type=UserDate(), metavar="NGÀY",
              help="Đến ngày; 2023-03 gồm cả tháng 3.")
@click.option("--needs-review", is_flag=True, help="Chỉ văn bản cần cán bộ kiểm tra.")
@click.option("--file-type", metavar="FORMAT", help="Định dạng tệp: pdf, docx, doc, image, txt.")
@click.option("--ocr/--no-ocr", "ocr", default=None,
              help="Chỉ văn bản đọc bằng OCR (--ocr) hoặc từ lớp chữ (--no-ocr).")
@click.option("--limit", type=click.IntRange(1), default=None, help="Số dòng tối đa.")
@click.option("--export", "export", type=click.Path(dir_okay=False, path_type=Path),
              default=None, help="Xuất ra tệp .xlsx hoặc .csv.")
def list_cmd(obj: Ctx, store: Store, doc_type: str | None, year: int | None, issuer: str | None,
             date_from: str | None, date_to: str | None, needs_review: bool,
             file_type: str | None, ocr: bool | None, limit: int | None,
             export: Path | None) -> ListResult | None:
    """Liệt kê văn bản trong kho theo ngày, với bộ lọc như tìm kiếm.

    \b
    Ví dụ:
        evidence list --type KH --year 2023
        evidence list --needs-review --export can-kiem-tra.xlsx
        evidence list --file-type pdf --ocr --json
    """
    from evidence.index.listing import list_documents

    res = list_documents(store, doc_type=doc_type, year=year, issuer=issuer,
                         date_from=date_from, date_to=date_to, needs_review=needs_review,
                         file_type=file_type, ocr=ocr, limit=limit)
    if export is not None:
        _export(obj, export, res.hits)
    return res if obj.as_json or export is None else None

# ---- remove
@command("remove", store="read", notes="remove_notes")
@click.argument("refs", nargs=-1, required=True)
@click.option("--purge", is_flag=True,
              help="Xóa luôn các sửa đổi và liên kết của cán bộ cho văn bản này.")
@click.option("--note", metavar="TEXT", help="Lý do gỡ.")
def remove_cmd(obj: Ctx, store: Store, refs: tuple[str, ...], purge: bool,
               note: str | None) -> Removal:
    """Gỡ văn bản khỏi kho (không xóa tệp trên đĩa). Lần nạp sau không đưa lại văn bản
    đã gỡ, trừ khi evidence ingest --force. Sửa đổi của cán bộ được giữ, trừ khi --purge
    (--purge cũng dùng được cho văn bản đã gỡ trước đó).

    \b
    Ví dụ:
        evidence remove 111/KH-UBND
        evidence remove 9f2c1a 7be410 --json
    """
    from evidence.index.decisions import remove_refs

    return remove_refs(store, refs, purge=purge, note=note)

def _accept_global_options_everywhere() -> None:
    for command in cli.commands.values():
        names = {n for p in command.params for n in getattr(p, "opts", [])}
        command.params.extend(p for p in _global_params() if not names & set(p.opts))


def _usage_error_line(exc: click.ClickException) -> str:
    ctx = getattr(exc, "ctx", None)
    thing = ctx.command_path if ctx is not None else "evidence"
    hint = ""
    if isinstance(exc, click.UsageError) and ctx is not None:
        hint = f" (xem: {ctx.command_path} --help)"
    return f"error: {thing}: {exc.format_message()}{hint}".replace("\n", " ")


# ---- serve
@command("serve", with_json=False)
@click.option("--host", default="127.0.0.1", show_default=True, metavar="ĐỊA_CHỈ",
              help="Địa chỉ lắng nghe; khác 127.0.0.1 thì bắt buộc có --token.")
@click.option("--port", type=click.IntRange(1, 65535), default=8080, show_default=True,
              metavar="CỔNG", help="Cổng lắng nghe.")
@click.option("--root", "roots", multiple=True, metavar="THƯ_MỤC",
              type=click.Path(exists=True, file_okay=False, path_type=Path),
              help="Thư mục được phép nạp từ trang web (lặp lại được; mặc định: không cho nạp thư mục).")
@click.option("--token", default=None, metavar="MÃ",
              help="Mã truy cập (bắt buộc khi mở cho máy khác); người dùng mở địa chỉ kèm ?token=MÃ.")
def serve_cmd(obj: Ctx, host: str, port: int, roots: tuple[Path, ...], token: str | None) -> None:
    """Mở không gian làm việc trên trình duyệt: tìm kiếm, xem văn bản bên cạnh ảnh trang,
    hộp thư cần rà soát, bảng tiêu chí, nạp tài liệu. Chỉ chạy trên máy này (127.0.0.1)
    trừ khi có --host và --token.

    \b
    Ví dụ:
        evidence serve
        evidence serve --root ~/KiemChung --port 8090
        evidence serve --host 0.0.0.0 --token bi-mat-123
    """
    from evidence.index.store import Store
    from evidence.web.security import is_loopback

    if not is_loopback(host) and not token:
        raise click.UsageError(t("serve.needs_token", host=host))
    with Store.open(obj.home, create=True):
        pass  # a new store is created here, so the pages have one to read
    import uvicorn
    from evidence.web.app import create_app

    app = create_app(obj.home, roots=list(roots), token=token)
    url = f"http://{host}:{port}/" + (f"?token={token}" if token else "")
    click.echo(t("serve.started", url=url, home=obj.home), err=True)
    uvicorn.run(app, host=host, port=port, log_level="warning")


def main() -> None:
    cli(prog_name="evidence")


_accept_global_options_everywhere()


if __name__ == "__main__":
    main()
