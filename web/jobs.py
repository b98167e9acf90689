"""Ingest jobs started from the web workspace.

Each job runs ``ingest_paths`` in a child process of its own (``python -m
evidence.web.jobs``), so a crash, a memory ceiling or a slow OCR never touches the server,
and searches go on while it works. The child writes its progress to a small JSON file
(replaced atomically) under the store's ``web-jobs/`` folder, which the server reads when
the page polls.
"""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from evidence.ingest.pipeline import IngestResult

__all__ = ["JobFiles", "read_job", "start_job"]

JOBS_DIR = "web-jobs"


@dataclass(frozen=True)
class JobFiles:
    status: Path
    log: Path


def _files(home: Path, job_id: str) -> JobFiles:
    folder = home / JOBS_DIR
    return JobFiles(folder / f"{job_id}.json", folder / f"{job_id}.log")


def _write(path: Path, state: dict[str, Any]) -> None:
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(state, ensure_ascii=False), encoding="utf-8")
    os.replace(tmp, path)


def start_job(home: Path, paths: list[Path]) -> str:
    """Start ingesting ``paths`` into the store in ``home``; returns the job's id."""
    job_id = time.strftime("%Y%m%d-%H%M%S-") + secrets.token_hex(3)
    files = _files(home, job_id)
    files.status.parent.mkdir(parents=True, exist_ok=True)
    _write(files.status, {"id": job_id, "state": "starting", "paths": [str(p) for p in paths],
                          "total": None, "done": 0, "pages": 0, "ocr_pages": 0,
                          "failed": [], "started": time.time()})
    with open(files.log, "ab") as log:
        subprocess.Popen(
            [sys.executable, "-m", "evidence.web.jobs", str(home), job_id,
             *[str(p) for p in paths]],
            stdout=log, stderr=log, stdin=subprocess.DEVNULL, start_new_session=True,
        )
    return job_id


def read_job(home: Path, job_id: str) -> dict[str, Any] | None:
    """The job's last written state, or None for an unknown id."""
    if not job_id.replace("-", "").isalnum():
        return None
    path = _files(home, job_id).status
    try:
        return dict(json.loads(path.read_text(encoding="utf-8")))
    except (OSError, ValueError):
        return None


class _FileProgress:
    """An :class:`~evidence.ingest.progress.IngestProgress` that writes the job file."""

    def __init__(self, path: Path, state: dict[str, Any]) -> None:
        self.path = path
        self.state = state
        self._last = 0.0

    def _flush(self, force: bool = False) -> None:
        now = time.monotonic()
        if force or now - self._last > 0.3:
            _write(self.path, self.state)
            self._last = now

    def start(self, total_files: int) -> None:
        self.state.update(state="running", total=total_files)
        self._flush(force=True)

    def pages(self, pages: int, ocr_pages: int) -> None:
        self.state["pages"] += pages
        self.state["ocr_pages"] += ocr_pages
        self._flush()

    def file_done(self, result: IngestResult) -> None:
        from evidence.messages import translate

        self.state["done"] += 1
        if result.status == "failed":
            self.state["failed"].append({"path": str(result.path),
                                         "error": translate(result.error or "")[1],
                                         "reason": str(getattr(result, "reason", "") or "")})
        self._flush()

    def stop(self) -> None:
        self._flush(force=True)


def _run(home: Path, job_id: str, paths: list[Path]) -> int:
    from evidence.errors import EvidenceError
    from evidence.index.store import Store
    from evidence.ingest.pipeline import ingest_paths
    from evidence.messages import translate

    files = _files(home, job_id)
    state = read_job(home, job_id) or {"id": job_id, "done": 0, "pages": 0, "ocr_pages": 0,
                                       "failed": []}
    progress = _FileProgress(files.status, state)
    try:
        with Store.open(home) as store:
            summary = ingest_paths(paths, store, progress=progress)
        state.update(state="done", summary=summary.to_dict(), finished=time.time())
        code = 0
    except EvidenceError as exc:
        state.update(state="error", error=translate(exc.message)[1], finished=time.time())
        code = 2
    except Exception as exc:  # the job file must say it ended, whatever happened
        state.update(state="error", error=f"{type(exc).__name__}: {exc}", finished=time.time())
        code = 2
    _write(files.status, state)
    return code


if __name__ == "__main__":  # pragma: no cover - run as a child process
    sys.exit(_run(Path(sys.argv[1]), sys.argv[2], [Path(p) for p in sys.argv[3:]]))
