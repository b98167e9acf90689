"""Where the store lives: ``--home``, else ``$EVIDENCE_HOME``, else the user data folder."""

from __future__ import annotations

import os
from pathlib import Path

__all__ = ["resolve_home"]


def resolve_home(home: str | os.PathLike[str] | None = None) -> Path:
    """The store folder (not created here)."""
    if home:
        return Path(home).expanduser().resolve()
    env = os.environ.get("EVIDENCE_HOME")
    if env:
        return Path(env).expanduser().resolve()
    import platformdirs

    return Path(platformdirs.user_data_dir("evidence", appauthor=False))
