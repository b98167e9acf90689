"""Which files an ``ingest`` run reads, which it skips and why, and how page photos are grouped.

:func:`walk_tree` expands the paths given on the command line recursively (sorted, so runs
are reproducible). A file is *skipped* — listed with a stable reason code, never read and
never a failure — when it is not a document:

- ``hidden``: a hidden file or folder (``.git``, ``.cache``; a folder is listed once);
- ``debris``: editor and OS litter — Office lock files (``~$x.docx``), editor backups
  (``x~``), LibreOffice locks, ``Thumbs.db``, ``desktop.ini``, ``.DS_Store``, ``._x``;
- ``notes``: notes by name — ``README*``, ``LICENSE*``/``LICENCE*``, ``CHANGELOG*``;
- ``sidecar``: metadata written beside a document — ``x.pdf.json`` (a sibling's whole
  name plus a metadata suffix) or ``x.xml``/``x.json`` beside ``x.pdf``;
- ``excluded``: matched by ``--exclude GLOB`` or by a ``.evidenceignore`` file (gitignore
  syntax) in an ingested folder or one of its subfolders (the deepest file decides, as git
  does; ``--exclude`` always wins);
- ``link_outside``: a symbolic link whose target lies outside the folders ingested (a
  link that stays inside is read; a file named on the command line is always read);
- ``broken_link``: a link to nothing.

A folder that cannot be listed is a :class:`WalkError` (reason ``permission``), which the
pipeline reports and records like a failed file. Symlinked folders are never entered.
Image files of one folder are handed to :func:`evidence.ingest.split.group_page_images`,
which groups consecutive page photos (``scan_001.jpg``, ``scan_002.jpg``) into one unit;
every other file is a unit of its own. Paths in the result are absolute OS paths (undecodable
bytes as surrogates); ``Skipped.path``/``WalkError.path`` are escaped text
(:mod:`evidence.fspath`).
"""

from __future__ import annotations

import errno
import logging
import os
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from evidence.errors import FailReason
from evidence.fspath import escape_path

__all__ = [
    "IGNORE_FILE",
    "IMAGE_SUFFIXES",
    "SKIP_REASONS",
    "Skipped",
    "WalkError",
    "WalkResult",
    "is_skipped_name",
    "skip_reason",
    "walk",
    "walk_tree",
]

log = logging.getLogger(__name__)

#: suffixes of files that may be page photos (grouping candidates)
IMAGE_SUFFIXES = frozenset({".jpg", ".jpeg", ".png", ".tif", ".tiff", ".bmp", ".webp", ".gif"})
#: gitignore-syntax file read from the folders ingested
IGNORE_FILE = ".evidenceignore"
#: stable codes of :attr:`Skipped.reason`
SKIP_REASONS = ("hidden", "debris", "notes", "sidecar", "excluded", "link_outside",
                "broken_link")

_LITTER = frozenset({"thumbs.db", "desktop.ini", "ehthumbs.db", ".ds_store", "icon\r"})
_NOTES = re.compile(r"(?i)^(?:readme|licen[cs]e|changelog)(?:$|[._ -])")
#: suffixes of metadata written beside a document (``x.pdf.json``, ``x.xml``)
_SIDECAR_SUFFIXES = frozenset({".json", ".xml", ".yaml", ".yml"})
#: ... and, after a sibling's whole name only (``x.pdf.txt``: a text export of x.pdf)
_SIDECAR_FULL_SUFFIXES = _SIDECAR_SUFFIXES | {".txt", ".md", ".csv"}
_DOCUMENT_SUFFIXES = frozenset({".pdf", ".docx", ".doc", ".docm", ".rtf", ".xlsx", ".odt"}
                               | IMAGE_SUFFIXES)


@dataclass(frozen=True)
class Skipped:
    """A file (or folder) the walk did not read, and why (a :data:`SKIP_REASONS` code)."""

    path: str
    reason: str


@dataclass(frozen=True)
class WalkError:
    """A folder that could not be listed."""

    path: str
    reason: FailReason
    message: str


@dataclass
class WalkResult:
    units: list[list[Path]] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    errors: list[WalkError] = field(default_factory=list)


def skip_reason(name: str) -> str | None:
    """The skip code a file or folder *name* alone implies (``debris``, ``hidden``,
    ``notes``), or None."""
    low = name.lower()
    if (low in _LITTER or name.startswith(("~$", "._", ".~lock.")) or name.endswith("~")):
        return "debris"
    if name.startswith("."):
        return "hidden"
    if _NOTES.match(name):
        return "notes"
    return None


def is_skipped_name(name: str) -> bool:
    """True for names ``ingest`` never reads (see :func:`skip_reason`)."""
    return skip_reason(name) is not None


def walk(paths: Iterable[Path | str], *, exclude: Sequence[Path | str] = ()) -> list[list[Path]]:
    """The units of :func:`walk_tree` (files to read), without the skipped list."""
    return walk_tree(paths, exclude=exclude).units


def walk_tree(paths: Iterable[Path | str], *, exclude: Sequence[Path | str] = (),
              patterns: Sequence[str] = ()) -> WalkResult:
    """Expand files and folders into ingest units; list what is skipped and why.

    Args:
        paths: files and folders (folders are walked recursively; symlinked folders are
            not followed, so a link loop cannot trap the walk).
        exclude: folders never entered and never listed (the store's home).
        patterns: ``--exclude`` globs, gitignore syntax, matched from each folder given.

    Returns:
        Units in path order (each one file, or a group of page photos of one folder, in
        page order; paths absolute), the skipped files and the folders that could not be
        listed.
    """
    excluded = {_key(Path(p)) for p in exclude}
    given = [Path(os.path.abspath(Path(p).expanduser())) for p in paths]
    roots = [_key(p) for p in given if p.is_dir()]
    out = WalkResult()
    by_dir: dict[Path, set[Path]] = defaultdict(set)
    cli_spec = _spec(patterns)
    for p in given:
        if p.is_dir():
            if _key(p) in excluded:
                continue
            _walk_dir(p, excluded, roots, cli_spec, by_dir, out)
        elif p.is_file():
            reason = skip_reason(p.name) or _sidecar(p.name, _siblings(p.parent))
            if reason is None and cli_spec is not None and cli_spec.match_file(p.name):
                reason = "excluded"
            if reason:
                out.skipped.append(Skipped(escape_path(p), reason))
            else:
                by_dir[p.parent].add(p)
        elif os.path.islink(p):
            out.skipped.append(Skipped(escape_path(p), "broken_link"))
        else:
            log.warning("%s: not a file or folder; skipped", escape_path(p))
    for folder in sorted(by_dir):
        files = sorted(by_dir[folder])
        images = [f for f in files if f.suffix.lower() in IMAGE_SUFFIXES]
        out.units.extend([f] for f in files if f.suffix.lower() not in IMAGE_SUFFIXES)
        out.units.extend(_group_images(images))
    out.units.sort(key=lambda u: u[0])
    out.skipped = sorted({s.path: s for s in out.skipped}.values(), key=lambda s: s.path)
    return out


def _walk_dir(top: Path, excluded: set[str], roots: list[str], cli_spec: Any,
              by_dir: dict[Path, set[Path]], out: WalkResult) -> None:
    ignores: dict[str, Any] = {}  # folder -> its .evidenceignore spec

    def onerror(exc: OSError) -> None:
        if exc.errno == errno.ENOENT:
            return  # vanished while walking
        reason = (FailReason.PERMISSION if exc.errno in (errno.EACCES, errno.EPERM)
                  else FailReason.CORRUPT)
        path = escape_path(exc.filename or top)
        out.errors.append(WalkError(path, reason, _os_message(exc)))

    for root, dirs, files in os.walk(top, followlinks=False, onerror=onerror):
        base = Path(root)
        spec = _read_ignore(base / IGNORE_FILE)
        if spec is not None:
            ignores[root] = spec
        keep: list[str] = []
        for d in sorted(dirs):
            path = base / d
            if _key(path) in excluded:
                continue
            reason = skip_reason(d) or _excluded(path, top, cli_spec, ignores, is_dir=True)
            if reason is None and path.is_symlink():
                if not _inside(path, roots):
                    reason = "link_outside"
                else:
                    continue  # its target is walked under its own name
            if reason:
                out.skipped.append(Skipped(escape_path(path), reason))
            else:
                keep.append(d)
        dirs[:] = keep
        names = set(files)
        for name in sorted(files):
            if name == IGNORE_FILE:
                continue
            path = base / name
            reason = (skip_reason(name) or _sidecar(name, names)
                      or _excluded(path, top, cli_spec, ignores, is_dir=False))
            if reason is None and path.is_symlink():
                if not path.exists():
                    reason = "broken_link"
                elif not _inside(path, roots):
                    reason = "link_outside"
            if reason:
                out.skipped.append(Skipped(escape_path(path), reason))
            elif path.is_file():  # a regular file, or a link to one inside the folders
                by_dir[path.parent].add(path)


def _sidecar(name: str, siblings: set[str]) -> str | None:
    stem, suffix = os.path.splitext(name)
    suffix = suffix.lower()
    if suffix in _SIDECAR_FULL_SUFFIXES and stem in siblings and os.path.splitext(stem)[1]:
        return "sidecar"  # x.pdf.json beside x.pdf
    if suffix in _SIDECAR_SUFFIXES:
        for s in siblings:
            base, ext = os.path.splitext(s)
            if base == stem and ext.lower() in _DOCUMENT_SUFFIXES:
                return "sidecar"  # x.xml beside x.pdf
    return None


def _siblings(folder: Path) -> set[str]:
    try:
        return set(os.listdir(folder))
    except OSError:
        return set()


def _spec(lines: Sequence[str]) -> Any:
    lines = [ln for ln in lines if ln.strip()]
    if not lines:
        return None
    from pathspec import GitIgnoreSpec

    return GitIgnoreSpec.from_lines(lines)


def _read_ignore(path: Path) -> Any:
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None
    return _spec(text.splitlines())


def _excluded(path: Path, top: Path, cli_spec: Any, ignores: dict[str, Any], *,
              is_dir: bool) -> str | None:
    tail = "/" if is_dir else ""
    if cli_spec is not None and cli_spec.match_file(_rel(path, top) + tail):
        return "excluded"
    # the deepest .evidenceignore with an opinion decides (gitignore's precedence)
    folder = path.parent
    while True:
        spec = ignores.get(str(folder))
        if spec is not None:
            res = spec.check_file(_rel(path, folder) + tail)
            if res.include is not None:
                return "excluded" if res.include else None
        if folder == top or folder.parent == folder:
            return None
        folder = folder.parent


def _rel(path: Path, base: Path) -> str:
    return path.relative_to(base).as_posix()


def _inside(path: Path, roots: list[str]) -> bool:
    target = _key(path)
    return any(target == r or target.startswith(r.rstrip(os.sep) + os.sep) for r in roots)


def _os_message(exc: OSError) -> str:
    if exc.errno in (errno.EACCES, errno.EPERM):
        return "không có quyền đọc thư mục này"
    return f"không đọc được thư mục: {exc.strerror or exc}"


def _group_images(images: list[Path]) -> list[list[Path]]:
    if not images:
        return []
    if len(images) == 1:
        return [images]
    from evidence.ingest.split import group_page_images

    groups = [list(g) for g in group_page_images(images) if g]
    seen = {p for g in groups for p in g}
    # every image is ingested exactly once, grouped or not
    groups.extend([p] for p in images if p not in seen)
    return groups


def _key(p: Path) -> str:
    try:
        return str(p.resolve())
    except OSError:
        return str(p)
