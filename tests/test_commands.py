"""The ``@command`` decorator of ``cli.py``: ``--json`` prints the result's ``to_dict()`` and
nothing else; the renderer prints on stdout; notes go to stderr, hidden by ``--quiet`` and
``--json``; the library results carry the JSON of the contract."""

from __future__ import annotations

import json
from pathlib import Path

from evidence.index.decisions import review_list
from evidence.index.refs import refs_report, task_list
from evidence.index.store import Store


def test_json_is_the_results_to_dict(officer_store: tuple[Path, Path], ev) -> None:  # type: ignore[no-untyped-def]
    _, home = officer_store
    with Store.open(home, create=False) as store:
        expected = {"refs": refs_report(store).to_dict(),
                    "refs --missing": refs_report(store, missing_only=True).to_dict(),
                    "tasks": task_list(store).to_dict(), "review": review_list(store).to_dict()}
    for name, want in expected.items():
        r = ev.run(home, *name.split(), "--json")
        assert r.exit_code == 0, r.stderr
        assert json.loads(r.stdout) == want, name
        assert r.stderr == ""
    assert set(expected["refs --missing"]) == {"total", "missing"}
    assert {"edges", "missing_documents"} <= set(expected["refs"])


def test_notes_go_to_stderr_and_quiet_hides_them(officer_store: tuple[Path, Path], ev) -> None:  # type: ignore[no-untyped-def]
    _, home = officer_store
    said = ev.run(home, "unlink", "1.3-a", "111/KH-UBND")
    assert said.exit_code == 0, said.stderr
    assert said.stdout == "" and "111/KH-UBND không được tính" in said.stderr
    quiet = ev.run(home, "link", "1.3-a", "111/KH-UBND", "--remove", "-q")
    assert quiet.exit_code == 0, quiet.stderr
    assert quiet.stdout == "" and quiet.stderr == ""
    as_json = ev.run(home, "link", "1.1-a", "111/KH-UBND", "--json")
    assert as_json.exit_code == 0 and as_json.stderr == ""
    assert [lk["requirement"] for lk in json.loads(as_json.stdout)["links"]] == ["1.1-a"]


def test_quiet_hides_the_table_of_a_fix_not_the_list(officer_store: tuple[Path, Path], ev) -> None:  # type: ignore[no-untyped-def]
    _, home = officer_store
    fixed = ev.run(home, "fix", "111/KH-UBND", "--date", "18/01/2023", "-q")
    assert fixed.exit_code == 0, fixed.stderr
    assert fixed.stdout == ""
    listed = ev.run(home, "fix", "--list", "-q")
    assert listed.exit_code == 0 and "111/KH-UBND" in listed.stdout
    shown = ev.run(home, "fix", "111/KH-UBND", "--undo")
    assert shown.exit_code == 0 and "Sửa đổi của 111/KH-UBND" in shown.stdout


def test_a_missing_store_is_one_error_line_for_every_reading_command(tmp_path: Path, ev) -> None:  # type: ignore[no-untyped-def]
    for args in (["status"], ["show", "111/KH-UBND"], ["refs"], ["tasks"], ["review"],
                 ["list"], ["fix", "--list"], ["link", "--list"], ["remove", "111/KH-UBND"]):
        r = ev.run(tmp_path / "none", *args)
        assert r.exit_code == 2, (args, r.output)
        lines = r.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("error: "), (args, r.stderr)
        assert not (tmp_path / "none").exists()
