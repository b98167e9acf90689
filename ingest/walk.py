"""Which files an ``ingest`` run reads, and how page photos are grouped.

:func:`walk` expands the paths given on the command line recursively (sorted, so runs are
reproducible), skipping hidden files and folders, Office lock files (``~$name.docx``),
Windows/macOS folder litter and the store folder itself. Image files of one folder are
handed to :func:`evidence.ingest.split.group_page_images`, which groups consecutive page
photos (``scan_001.jpg``, ``scan_002.jpg``) into one unit; every other file is a unit of
its own. The pipeline ingests unit by unit.
"""

from __future__ import annotations

import logging
import os
from collections import defaultdict
from collections.abc import Iterable, Sequence
from pathlib import Path

__all__ = ["IMAGE_SUFFIXES", "is_skipped_name", "walk"]

log = logging.getLogger(__name__)

#: suffixes of files that may be page photos (grouping candidates)
IMAGE_SUFFIXES = frozenset({".jpg", ".jpeg", ".png", ".tif", ".tiff", ".bmp", ".webp", ".gif"})
_LITTER = frozenset({"thumbs.db", "desktop.ini", "ehthumbs.db"})


def is_skipped_name(name: str) -> bool:
    """True for names ``ingest`` never reads: hidden (``.x``), Office lock files
    (``~$x``), editor backups (``x~``) and folder litter (``Thumbs.db``, ``desktop.ini``)."""
    return (name.startswith((".", "~$")) or name.endswith("~")
            or name.lower() in _LITTER)


def walk(paths: Iterable[Path | str], *, exclude: Sequence[Path | str] = ()) -> list[list[Path]]:
    """Expand files and folders into ingest units.

    Args:
        paths: files and folders (folders are walked recursively; symlinked folders are
            not followed, so a link loop cannot trap the walk).
        exclude: folders never entered (the store's home).

    Returns:
        Units in path order: each is one file, or a group of page photos of one folder
        (in page order). Paths are absolute.
    """
    excluded = {_key(Path(p)) for p in exclude}
    by_dir: dict[Path, set[Path]] = defaultdict(set)
    for given in paths:
        p = Path(os.path.abspath(Path(given).expanduser()))
        if p.is_dir():
            if _key(p) in excluded:
                continue
            for f in _walk_dir(p, excluded):
                by_dir[f.parent].add(f)
        elif p.is_file():
            by_dir[p.parent].add(p)
        else:
            log.warning("%s: not a file or folder; skipped", p)
    units: list[list[Path]] = []
    for folder in sorted(by_dir):
        files = sorted(by_dir[folder])
        images = [f for f in files if f.suffix.lower() in IMAGE_SUFFIXES]
        units.extend([f] for f in files if f.suffix.lower() not in IMAGE_SUFFIXES)
        units.extend(_group_images(images))
    units.sort(key=lambda u: u[0])
    return units


def _walk_dir(top: Path, excluded: set[str]) -> list[Path]:
    out: list[Path] = []
    for root, dirs, files in os.walk(top, followlinks=False):
        dirs[:] = sorted(
            d for d in dirs
            if not is_skipped_name(d) and _key(Path(root, d)) not in excluded
        )
        for name in sorted(files):
            if is_skipped_name(name):
                continue
            path = Path(root, name)
            if path.is_file():  # regular file, or a symlink to one
                out.append(path)
    return out


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
