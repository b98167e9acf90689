"""Issue 11: a ``pack`` killed while copying never leaves a half-copied file under a
document's name (temporary name, renamed when complete)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path


def test_a_copy_killed_midway_leaves_no_file_under_its_final_name(tmp_path: Path) -> None:
    src = tmp_path / "nguon.pdf"
    os.mkfifo(src)  # the copy reads what we feed it, then waits: killed while it waits
    dest = tmp_path / "ho-so" / "1.1-a KH 55.pdf"
    dest.parent.mkdir()
    code = ("import sys; from pathlib import Path; from evidence.check.pack import _copy; "
            "_copy(Path(sys.argv[1]), Path(sys.argv[2]))")
    proc = subprocess.Popen([sys.executable, "-c", code, str(src), str(dest)])
    with open(src, "wb") as feed:
        feed.write(b"%PDF-1.7\n" + b"0" * (2 << 20))
        feed.flush()
        deadline = time.monotonic() + 30
        while not list(dest.parent.iterdir()) and time.monotonic() < deadline:
            time.sleep(0.05)
        time.sleep(0.3)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
    assert not dest.exists()
    left = [p.name for p in dest.parent.iterdir()]
    assert left and all(n.startswith(".") and n.endswith(".partial") for n in left)


def test_a_complete_copy_is_under_its_final_name_only(tmp_path: Path) -> None:
    from evidence.check.pack import _copy

    src = tmp_path / "nguon.pdf"
    src.write_bytes(b"%PDF-1.7\n" + os.urandom(3 << 20))
    dest = tmp_path / "out.pdf"
    dest.symlink_to(tmp_path / "khong-duoc-ghi-vao.pdf")  # replaced, never followed
    _copy(src, dest)
    assert dest.read_bytes() == src.read_bytes() and not dest.is_symlink()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["nguon.pdf", "out.pdf"]
