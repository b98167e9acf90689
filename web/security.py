"""The workspace's safety rules, in one place.

- Loopback by default; any other address needs an access token (checked here).
- Every state-changing request (POST) carries the page's CSRF token: a random secret of
  this server process, written into each form and the ``X-CSRF-Token`` header of htmx
  requests. Another site's page cannot read it, so it cannot forge a form.
- Folders may be ingested only under the ``--root`` folders given at start.
- Uploaded names are reduced to a plain file name inside the upload folder.
"""

from __future__ import annotations

import hmac
import ipaddress
import re
import secrets
import unicodedata
from pathlib import Path, PurePosixPath, PureWindowsPath

__all__ = ["Guard", "is_loopback", "safe_upload_name", "under_roots"]

TOKEN_COOKIE = "evidence_token"


def is_loopback(host: str) -> bool:
    if host in ("localhost", ""):
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


class Guard:
    """The process's CSRF secret and the optional access token."""

    def __init__(self, token: str | None = None) -> None:
        self.token = token or None
        self.csrf = secrets.token_urlsafe(32)

    def csrf_ok(self, value: str | None) -> bool:
        return bool(value) and hmac.compare_digest(str(value), self.csrf)

    def token_ok(self, value: str | None) -> bool:
        if self.token is None:
            return True
        return bool(value) and hmac.compare_digest(str(value), self.token)


def under_roots(folder: Path, roots: list[Path]) -> bool:
    """True when ``folder`` (resolved, links followed) lies inside one of ``roots``."""
    try:
        real = folder.resolve(strict=True)
    except OSError:
        return False
    for root in roots:
        try:
            base = root.resolve(strict=True)
        except OSError:
            continue
        if real == base or base in real.parents:
            return True
    return False


_UNSAFE = re.compile(r"[\x00-\x1f<>:\"|?*\\/]")


def safe_upload_name(name: str) -> str | None:
    """A plain, NFC file name from an uploaded name, or None when nothing safe is left.
    Folder parts (``../x``, ``C:\\x``) are dropped: an upload never escapes its folder."""
    name = unicodedata.normalize("NFC", name or "")
    base = PureWindowsPath(PurePosixPath(name).name).name
    base = _UNSAFE.sub("_", base).strip(" .")
    if not base or base in (".", ".."):
        return None
    return base[:200]
