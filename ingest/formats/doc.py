"""Word 97-2003 ``.doc`` (and RTF, and HTML/XML "Word" exports) via LibreOffice headless.

The file is copied into a private temporary folder and converted with
``soffice --headless --convert-to docx``; the result is read by
:func:`evidence.ingest.formats.docx.parse`, so legacy ``.VnTime``/``VNI-*`` runs, tables and text
boxes are handled the same way. Each call uses its own LibreOffice profile
(``-env:UserInstallation=file:///tmp/...``): two instances sharing a profile block each
other, and ingest runs several workers at once. The converter runs in its own process
group and is killed as a group when it exceeds the time limit.

No network, no macros: a file may reference remote images, style sheets or frames (a
beacon to whoever wrote it, a request forged from the officer's machine). Before
conversion every external reference of an HTML/XML file (``src=``, ``href=``, CSS
``url()``/``@import`` with a scheme or ``//``) and every RTF ``INCLUDEPICTURE``/
``INCLUDETEXT`` field target is blanked, and the private profile sets a proxy on a closed
local port for every protocol, the highest macro security and no update checks, so what
the scrub misses (a linked image in a binary ``.doc``) goes nowhere either.

Without LibreOffice: :class:`~evidence.errors.ConverterMissing` ("install
libreoffice-writer-nogui to read .doc files"). ``$EVIDENCE_SOFFICE`` overrides the binary.
"""

from __future__ import annotations

import logging
import os
import re
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path

from evidence.errors import ConverterMissing, CorruptFile, FailReason, FileError
from evidence.ingest.base import ParsedFile, ParseOptions
from evidence.ingest.formats import docx

__all__ = ["CONVERT_TIMEOUT", "convert", "convert_to_docx", "find_soffice", "parse", "scrub_external"]

log = logging.getLogger(__name__)

CONVERT_TIMEOUT = 120.0  # seconds; a .doc that LibreOffice cannot open in 2 minutes won't
_KEEP_SUFFIX = {".doc", ".dot", ".rtf", ".htm", ".html", ".xml", ".docx", ".xlsx"}
# LibreOffice's output filter for each target
_FILTERS = {"docx": "docx:MS Word 2007 XML", "pdf": "pdf"}


def find_soffice() -> str | None:
    """Path of the LibreOffice binary (``$EVIDENCE_SOFFICE``, ``soffice``, ``libreoffice``)."""
    env = os.environ.get("EVIDENCE_SOFFICE")
    if env:
        return env if shutil.which(env) else None
    return shutil.which("soffice") or shutil.which("libreoffice")


def convert_to_docx(path: Path, out_dir: Path, *, timeout: float = CONVERT_TIMEOUT) -> Path:
    """Convert ``path`` to a DOCX inside ``out_dir`` (see :func:`convert`)."""
    return convert(path, out_dir, to="docx", timeout=timeout)


def convert(path: Path, out_dir: Path, *, to: str, timeout: float = CONVERT_TIMEOUT) -> Path:
    """Convert ``path`` to ``to`` (``docx`` or ``pdf``) inside ``out_dir`` with a private,
    offline LibreOffice profile (no network, no macros; external references scrubbed).

    Returns:
        The converted file.

    Raises:
        ConverterMissing: LibreOffice is not installed.
        FileError: ``reason=TIMEOUT`` when LibreOffice runs longer than ``timeout``.
        CorruptFile: LibreOffice produced nothing (damaged or password-protected file).
    """
    soffice = find_soffice()
    if soffice is None:
        raise ConverterMissing("install libreoffice-writer-nogui to read .doc files",
                               subject=str(path))
    suffix = path.suffix.lower() if path.suffix.lower() in _KEEP_SUFFIX else ".doc"
    # a fixed ASCII name: no option-like or odd characters reach the command line
    src = out_dir / f"input{suffix}"
    src.write_bytes(scrub_external(path.read_bytes()))
    result_dir = out_dir / "out"
    result_dir.mkdir()
    profile = out_dir / "profile"
    _write_offline_profile(profile)
    cmd = [soffice, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--invisible",
           "--norestore", "--nolockcheck", "--nodefault", "--nologo",
           "--convert-to", _FILTERS[to], "--outdir", str(result_dir), str(src)]
    log.debug("converting %s: %s", path, " ".join(cmd))
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            stdin=subprocess.DEVNULL, start_new_session=True, cwd=out_dir)
    try:
        _, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired as exc:
        _kill_group(proc)
        raise FileError(f"LibreOffice did not finish converting within {timeout:.0f} s",
                        subject=str(path), reason=FailReason.TIMEOUT) from exc
    finally:
        if proc.poll() is None:
            _kill_group(proc)
    out = result_dir / f"input.{to}"
    if not out.is_file() or out.stat().st_size == 0:
        detail = err.decode("utf-8", "replace").strip().splitlines()
        reason = detail[-1][:200] if detail else f"exit status {proc.returncode}"
        raise CorruptFile(f"LibreOffice could not read it (damaged or password-protected?): "
                          f"{reason}", subject=str(path))
    return out


# an attribute or CSS reference whose target is remote (a scheme, or "//host")
_REMOTE = rb"""(?:[a-zA-Z][a-zA-Z0-9+.-]*:|//|\\\\)"""
_ATTR = re.compile(rb"""(?i)(\b(?:src|href|background|data|poster|srcset|action|lowsrc|dynsrc|"""
                   rb"""codebase|cite|longdesc|usemap|profile|xlink:href|content)\s*=\s*)"""
                   rb"""("\s*""" + _REMOTE + rb"""[^"]*"|'\s*""" + _REMOTE + rb"""[^']*'|"""
                   + _REMOTE + rb"""[^\s>]*)""")
_CSS_URL = re.compile(rb"""(?i)url\(\s*["']?\s*""" + _REMOTE + rb"""[^)]*\)""")
_CSS_IMPORT = re.compile(rb"""(?i)@import\s+[^;]*;?""")
_RTF_FIELD = re.compile(rb'(?i)(INCLUDEPICTURE|INCLUDETEXT|HYPERLINK|LINK)(\s+(?:\\[a-z]\s+)*)"[^"]*"')


def scrub_external(data: bytes) -> bytes:
    """Blank every external reference of an HTML/XML or RTF file (see the module
    docstring); other bytes are returned unchanged. Inline ``data:`` images stay."""
    head = data[:4096].lstrip().lower()
    if head.startswith(b"{\\rtf"):
        return _RTF_FIELD.sub(rb'\1\2""', data)
    if b"<" not in head:
        return data  # a binary Word file
    def attr(m: re.Match[bytes]) -> bytes:
        if m.group(2).strip(b"\"' ").lower().startswith(b"data:"):
            return m.group(0)
        return m.group(1) + b'""'
    data = _ATTR.sub(attr, data)
    data = _CSS_URL.sub(lambda m: m.group(0) if b"data:" in m.group(0)[:20].lower() else b"url()",
                        data)
    return _CSS_IMPORT.sub(b"", data)


# the private profile: every protocol through a proxy on a closed local port (port 9,
# "discard"), macros never run, no update or extension checks
_OFFLINE_XCU = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry"
           xmlns:xs="http://www.w3.org/2001/XMLSchema"
           xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
{items}
</oor:items>
"""
_OFFLINE_SETTINGS = [
    ("/org.openoffice.Inet/Settings", "ooInetProxyType", "int", "1"),
    ("/org.openoffice.Inet/Settings", "ooInetHTTPProxyName", "string", "127.0.0.1"),
    ("/org.openoffice.Inet/Settings", "ooInetHTTPProxyPort", "int", "9"),
    ("/org.openoffice.Inet/Settings", "ooInetHTTPSProxyName", "string", "127.0.0.1"),
    ("/org.openoffice.Inet/Settings", "ooInetHTTPSProxyPort", "int", "9"),
    ("/org.openoffice.Inet/Settings", "ooInetFTPProxyName", "string", "127.0.0.1"),
    ("/org.openoffice.Inet/Settings", "ooInetFTPProxyPort", "int", "9"),
    ("/org.openoffice.Inet/Settings", "ooInetNoProxy", "string", ""),
    ("/org.openoffice.Office.Common/Security/Scripting", "MacroSecurityLevel", "int", "3"),
    ("/org.openoffice.Office.Common/Security/Scripting", "DisableMacrosExecution",
     "boolean", "true"),
    ("/org.openoffice.Office.Common/Security/Scripting", "BlockUntrustedRefererLinks",
     "boolean", "true"),
    ("/org.openoffice.Office.Jobs/Jobs/UpdateCheck/Arguments", "AutoCheckEnabled",
     "boolean", "false"),
]


def _write_offline_profile(profile: Path) -> None:
    items = "\n".join(
        f'<item oor:path="{path}"><prop oor:name="{name}" oor:op="fuse">'
        f"<value>{value}</value></prop></item>"
        for path, name, _type, value in _OFFLINE_SETTINGS)
    user = profile / "user"
    user.mkdir(parents=True, exist_ok=True)
    (user / "registrymodifications.xcu").write_text(_OFFLINE_XCU.format(items=items),
                                                    encoding="utf-8")


def _kill_group(proc: subprocess.Popen[bytes]) -> None:
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    proc.wait()


def parse(path: Path, options: ParseOptions) -> ParsedFile:
    """Parse a ``.doc`` (or RTF) file by converting it to DOCX with LibreOffice.

    Args:
        path: the file.
        options: ``options.timeout`` bounds the conversion (at most :data:`CONVERT_TIMEOUT`).

    Raises:
        ConverterMissing, CorruptFile, FileError (timeout), and whatever
        :func:`evidence.ingest.formats.docx.parse` raises on the converted file.
    """
    path = Path(path)
    timeout = min(options.timeout, CONVERT_TIMEOUT) if options.timeout else CONVERT_TIMEOUT
    with tempfile.TemporaryDirectory(prefix="evidence-doc-") as tmp:
        converted = convert_to_docx(path, Path(tmp), timeout=timeout)
        parsed = docx.parse(converted, options)
    return ParsedFile(path=path, format="doc", pages=parsed.pages,
                      warnings=parsed.warnings)
