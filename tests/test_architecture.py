"""The shape of the code (``docs/architecture.md``): the layers import only what they may, and
each piece of knowledge the document lists has one home."""

from __future__ import annotations

import ast
import re
from functools import cache
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parent.parent
PACKAGES = ("ingest", "extract", "index", "check", "web")


@cache
def _modules() -> dict[str, ast.Module]:
    """repo-relative path -> syntax tree, for every module of the package (not tests,
    benchmarks or the corpus generator)."""
    paths = [p for p in REPO.glob("*.py")]
    for pkg in PACKAGES:
        paths += sorted((REPO / pkg).rglob("*.py"))
    return {p.relative_to(REPO).as_posix(): ast.parse(p.read_text(encoding="utf-8"))
            for p in paths}


def _layer(path: str) -> str:
    return path.split("/")[0] if "/" in path else path.removesuffix(".py")


def _imports(tree: ast.Module, path: str) -> set[str]:
    """The top-level parts of ``evidence`` a module imports (``model``, ``index``...)."""
    out: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            if node.level == 1:  # relative: the module's own package
                out.add(_layer(path))
            elif node.level > 1:  # from ..model import ...
                out |= {node.module.split(".")[0]} if node.module else {a.name for a in node.names}
            elif node.module and node.module.split(".")[0] == "evidence":
                parts = node.module.split(".")
                out |= {parts[1]} if len(parts) > 1 else {a.name for a in node.names}
        elif isinstance(node, ast.Import):
            for a in node.names:
                parts = a.name.split(".")
                if parts[0] == "evidence" and len(parts) > 1:
                    out.add(parts[1])
    return out


# leaves: shared by the layers, importing nothing of evidence
_LEAVES = {"model", "errors", "messages", "fspath"}
_MAY_IMPORT = {
    **{leaf: set() for leaf in _LEAVES},
    "extract": {"model", "extract"},
    "index": _LEAVES | {"extract", "index"},
    "check": _LEAVES | {"extract", "index", "check"},
    "renderers": _LEAVES | {"extract", "index", "check", "ingest"},
}
# the web pages, like the command line, only wire the library (and are never imported);
# the renderers read the library's results and are read by cli (and web) only
_NEVER = {"ingest": {"check", "cli", "web", "renderers"}, "web": {"cli"},
          "renderers": {"cli", "web"}}


@pytest.mark.parametrize("path", sorted(_modules()))
def test_layering(path: str) -> None:
    layer = _layer(path)
    got = _imports(_modules()[path], path) - {layer}
    # cli wires everything (web included); the web pages wire the library; neither is imported
    if layer != "cli":
        assert "cli" not in got, f"{path} imports cli (it only wires the library)"
    if layer not in ("cli", "web"):
        assert "web" not in got, f"{path} imports web (it only wires the library)"
    if layer in _MAY_IMPORT:
        extra = got - _MAY_IMPORT[layer]
        assert not extra, f"{path} ({layer}/) imports {sorted(extra)}"
    bad = got & _NEVER.get(layer, set())
    assert not bad, f"{path} imports {sorted(bad)}"


def test_the_layers_are_there() -> None:
    # the rules above hold on something: each layer has modules that import
    layers = {_layer(p) for p in _modules()}
    assert {"extract", "index", "check", "ingest", "cli", "model", "errors", "renderers"} <= layers
    assert "model" in _imports(_modules()["extract/document.py"], "extract/document.py")


# ---- one home ---------------------------------------------------------------------------------


def _assigned(tree: ast.Module) -> dict[str, ast.expr]:
    """Module-level names bound by an assignment, and their values."""
    out: dict[str, ast.expr] = {}
    for node in tree.body:
        if isinstance(node, ast.Assign):
            for t in node.targets:
                if isinstance(t, ast.Name):
                    out[t.id] = node.value
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name) and node.value:
            out[node.target.id] = node.value
    return out


def _strings(node: ast.AST) -> list[str]:
    return [n.value for n in ast.walk(node) if isinstance(n, ast.Constant) and isinstance(n.value, str)]


def _homes(predicate) -> set[str]:  # type: ignore[no-untyped-def]
    return {path for path, tree in _modules().items() if predicate(path, tree)}


def test_one_engine_registry() -> None:
    def defines(path: str, tree: ast.Module) -> bool:
        names = _assigned(tree)
        if {"ENGINES", "DEFAULT_ENGINE"} & set(names):
            return True
        # a literal collection naming the engines is a second registry
        return any(isinstance(n, ast.Tuple | ast.List | ast.Set | ast.Dict)
                   and {"whoosh", "tantivy"} <= set(_strings(n))
                   for n in ast.walk(tree))

    assert _homes(defines) == {"index/search/engine.py"}


def test_one_ranking_spec() -> None:
    def defines(path: str, tree: ast.Module) -> bool:
        names = _assigned(tree)
        funcs = {n.name for n in tree.body if isinstance(n, ast.FunctionDef)}
        field_table = "FIELDS" in names and "FieldSpec" in ast.unparse(names["FIELDS"])
        return bool({"LEVELS", "TIER_BONUS"} & set(names) or field_table
                    or any(n.startswith("W_") for n in names) or "tiers" in funcs)

    assert _homes(defines) == {"index/search/ranking.py"}


def test_one_format_dispatch() -> None:
    """``ingest/formats/`` holds exactly the parsers of the one dispatch table, each with
    its ``parse``; the helpers they share live beside it in ``ingest/``."""
    from evidence.ingest.formats import FORMATS

    parsers = {p.stem for p in (REPO / "ingest" / "formats").glob("*.py") if p.stem != "__init__"}
    assert {m.rsplit(".", 1)[-1] for m in FORMATS.values()} == parsers
    assert all(m.startswith("evidence.ingest.formats.") for m in FORMATS.values())
    for name in parsers:
        tree = _modules()[f"ingest/formats/{name}.py"]
        assert any(isinstance(n, ast.FunctionDef) and n.name == "parse" for n in tree.body), name


def test_one_type_code_table() -> None:
    def defines(path: str, tree: ast.Module) -> bool:
        for node in ast.walk(tree):
            if isinstance(node, ast.Dict):
                pairs = {k.value: v.value for k, v in zip(node.keys, node.values, strict=True)
                         if isinstance(k, ast.Constant) and isinstance(v, ast.Constant)}
                if pairs.get("KH") == "Kế hoạch" or pairs.get("BC") == "Báo cáo":
                    return True
        return False

    assert _homes(defines) == {"extract/doctypes.py"}


def test_one_message_catalogue() -> None:
    def defines(path: str, tree: ast.Module) -> bool:
        return bool({"TEXTS", "LIBRARY", "HINTS", "CLICK"} & set(_assigned(tree)))

    assert _homes(defines) == {"messages.py"}


def test_one_symbol_key() -> None:
    """``normalize_symbol`` / ``symbol_key`` are computed in ``extract/symbols.py``; a function
    of that name elsewhere only delegates to it."""
    for path, tree in _modules().items():
        if path == "extract/symbols.py":
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef) and re.search(r"symbol_key$|^normalize_symbol", node.name):
                calls = {getattr(c.func, "id", getattr(c.func, "attr", ""))
                         for c in ast.walk(node) if isinstance(c, ast.Call)}
                assert calls & {"symbol_key", "key", "normalize_symbol", "normalize_symbol_key"}, (
                    f"{path}: {node.name} computes a symbol key of its own")


def test_one_reference_resolver() -> None:
    def defines(path: str, tree: ast.Module) -> bool:
        return any(isinstance(n, ast.FunctionDef) and n.name == "resolve" for n in tree.body)

    assert _homes(defines) == {"index/resolve.py"}


# a grammar of written dates: a four-digit year with day/month digits of one or two figures
# (31/1/2023, 2023-1-31) or the word "tháng" (fixed-width machine formats such as ISO checks
# or the PDF's D:YYYYMMDDHHmmSS are not written dates)
_DATE_REGEX = re.compile(r"\\d\{4\}.*(\\d\{1,2\}|tháng)|(\\d\{1,2\}|tháng).*\\d\{4\}")
# modules that still parse written dates with their own pattern, and why (strict: a module
# that no longer does fails until it is taken off this list)
_OWN_DATE_PATTERN = {
    "extract/layoutcheck.py": "'ngày … tháng … năm' with unsure (handwritten) digits",
}


def test_one_date_grammar() -> None:
    def defines(path: str, tree: ast.Module) -> bool:
        return any(_DATE_REGEX.search(s) for s in _strings(tree))

    assert _homes(defines) == {"extract/dates.py", *_OWN_DATE_PATTERN}


# the V/v line of a công văn, as OCR prints it too ("W⁄v", "V /v"): whoever matches it
# reads the trích yếu
_VV_LINE = "[VW]\\s?[/⁄|]\\s?"
# modules that look at a V/v line without reading the trích yếu, and why (strict)
_OWN_VV_PATTERN = {
    "check/matching.py": "tells a stored title block's V/v line from its printed type line",
}


def test_one_trich_yeu_reader() -> None:
    """The subject and the title block are read by one reader: ``extract/header.py``
    (``_subject_after``); ``extract/title.py`` only renders its lines."""
    def defines(path: str, tree: ast.Module) -> bool:
        return any(_VV_LINE in s for s in _strings(tree))

    assert _homes(defines) == {"extract/header.py", *_OWN_VV_PATTERN}
    import evidence.extract.title as title

    assert "parse_header" in title.__dict__ and "re" not in title.__dict__


def _abbreviation_tables() -> set[str]:
    homes = {path for path, tree in _modules().items()
             if any("ABBREV" in name and isinstance(value, ast.Dict)
                    for name, value in _assigned(tree).items())}
    for data in sorted(REPO.glob("*/data/*.yaml")):
        doc = yaml.safe_load(data.read_text(encoding="utf-8"))
        if isinstance(doc, dict) and isinstance(doc.get("abbreviations"), dict):
            homes.add(data.relative_to(REPO).as_posix())
    return homes


def test_abbreviation_tables_are_found() -> None:
    # the finder sees the vocabulary file (so the test below holds on something)
    assert "extract/data/abbreviations.yaml" in _abbreviation_tables()


def test_one_abbreviation_vocabulary() -> None:
    assert _abbreviation_tables() == {"extract/data/abbreviations.yaml"}


def test_no_abbreviation_written_in_code() -> None:
    """A literal pair (``UBND`` -> ``Ủy ban nhân dân``, folded or not) or a literal set of
    abbreviations anywhere in the code is a second table, whatever its name."""
    def defines(path: str, tree: ast.Module) -> bool:
        for node in ast.walk(tree):
            if isinstance(node, ast.Dict):
                pairs = {k.value: v.value for k, v in zip(node.keys, node.values, strict=True)
                         if isinstance(k, ast.Constant) and isinstance(v, ast.Constant)}
                if (pairs.get("UBND") == "Ủy ban nhân dân" or pairs.get("ubnd") == "uy ban nhan dan"
                        or pairs.get("cchc") == "cai cach hanh chinh"
                        or pairs.get("CCHC") == "cải cách hành chính"):
                    return True
            if isinstance(node, ast.Set | ast.List | ast.Tuple) and {"UBND", "HĐND"} <= set(_strings(node)):
                return True
        return False

    assert _homes(defines) == set()


def test_abbreviation_views_are_the_vocabulary() -> None:
    from evidence.check import text
    from evidence.extract import doctypes, gazetteer
    from evidence.extract.abbreviations import expansions, folded_expansions

    assert doctypes.ABBREVIATIONS == expansions("header")
    assert doctypes.ABBREVIATIONS["UBND"] == "Ủy ban nhân dân"
    assert text.ABBREVIATIONS == folded_expansions("criteria")
    assert text.ABBREVIATIONS["cchc"] == "cai cach hanh chinh"
    assert gazetteer.load_gazetteer().abbreviations == expansions("unit")
    # the unit-forming abbreviations that match their long form are among the unit words
    assert expansions("unit_name").items() <= expansions("unit").items()


# ---- results and renderers ------------------------------------------------------------------


def _functions(tree: ast.Module) -> dict[str, ast.FunctionDef]:
    return {n.name: n for n in tree.body if isinstance(n, ast.FunctionDef)}


def _calls(node: ast.AST, name: str) -> list[ast.Call]:
    return [n for n in ast.walk(node) if isinstance(n, ast.Call)
            and (getattr(n.func, "id", None) == name or getattr(n.func, "attr", None) == name)]


def test_cli_prints_json_only_from_a_result() -> None:
    # every --json is a library result's to_dict(), printed in one place (the @command
    # decorator's _output): no JSON assembled by hand in cli.py
    tree = _modules()["cli.py"]
    funcs = _functions(tree)
    dumps = {name for name, f in funcs.items() if _calls(f, "dumps")}
    assert dumps == {"emit_json"}
    emitters = {name for name, f in funcs.items() if _calls(f, "emit_json")}
    assert emitters == {"_output"}
    (call,) = _calls(funcs["_output"], "emit_json")
    assert ast.unparse(call) == "emit_json(result.to_dict())"


def test_every_command_goes_through_the_command_decorator() -> None:
    tree = _modules()["cli.py"]
    commands = [f for f in _functions(tree).values()
                if any(isinstance(d, ast.Call) and getattr(d.func, "id", None) == "command"
                       for d in f.decorator_list)]
    assert len(commands) >= 17
    for f in _functions(tree).values():
        for d in f.decorator_list:
            assert "cli.command" not in ast.unparse(d), f"{f.name}: use @command"
            assert "handle_errors" not in ast.unparse(d), f"{f.name}: @command handles errors"


def test_renderers_have_one_home() -> None:
    # rich tables and text, and the render_* functions, live in renderers.py (progress bars
    # on stderr stay with what they show progress of)
    def renders(path: str, tree: ast.Module) -> bool:
        rich = any(isinstance(n, ast.ImportFrom) and n.module in ("rich.table", "rich.text")
                   for n in ast.walk(tree))
        return rich or any(name.startswith("render_") for name in _functions(tree))

    assert _homes(renders) == {"renderers.py"}


def test_the_commands_renderers_exist() -> None:
    import evidence.renderers as renderers

    named = [kw.value.value for n in ast.walk(_modules()["cli.py"]) if isinstance(n, ast.Call)
             and getattr(n.func, "id", None) == "command"
             for kw in n.keywords if kw.arg in ("render", "notes")
             and isinstance(kw.value, ast.Constant)]
    assert len(named) >= 17
    assert not [name for name in named if name not in renderers.__all__]
