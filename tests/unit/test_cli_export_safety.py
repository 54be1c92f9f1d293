"""`walkthrough export --out` never writes over the open book, an existing file (without --force) or a symlink."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from store.core import Store
from tests.unit.conftest import one_error_line, snapshot
from tests.unit.test_store_walkthrough import full_story


@pytest.mark.sqlite_only  # a book on a server has no file here to overwrite
def test_export_refuses_the_open_book_even_with_force(run, story_store: Store, db_path: Path):
    run_id = full_story(story_store)
    before = snapshot(db_path)
    for extra in ((), ("--force",)):
        line = one_error_line(run("walkthrough", "export", run_id, "--out", db_path, *extra), code=1)
        assert "is the book itself" in line and str(db_path) in line
    assert snapshot(db_path) == before


def test_export_refuses_an_existing_file_unless_forced(run, story_store: Store, tmp_path: Path):
    run_id = full_story(story_store)
    out = tmp_path / "ticket.md"
    out.write_text("keep me\n", encoding="utf-8")
    line = one_error_line(run("walkthrough", "export", run_id, "--out", out), code=1)
    assert "already exists" in line and "--force" in line
    assert out.read_text(encoding="utf-8") == "keep me\n"
    done = run("walkthrough", "export", run_id, "--out", out, "--force")
    assert done.exit_code == 0, done.stderr
    assert out.read_text(encoding="utf-8").startswith("# Margin walkthrough run")
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []  # no temp file left


def test_export_never_follows_a_symlink(run, story_store: Store, tmp_path: Path):
    run_id = full_story(story_store)
    target = tmp_path / "target.txt"
    target.write_text("precious\n", encoding="utf-8")
    dangling = tmp_path / "dangling.md"
    os.symlink(tmp_path / "nowhere.txt", dangling)
    linked = tmp_path / "link.md"
    os.symlink(target, linked)
    for out in (linked, dangling):
        for extra in ((), ("--force",)):
            assert "symbolic link" in one_error_line(run("walkthrough", "export", run_id, "--out", out, *extra))
    assert target.read_text(encoding="utf-8") == "precious\n"
    assert not (tmp_path / "nowhere.txt").exists() and linked.is_symlink()


@pytest.mark.sqlite_only  # a book on a server has no file here to overwrite
def test_export_refuses_a_link_to_the_book_and_its_wal(run, story_store: Store, db_path: Path, tmp_path: Path):
    run_id = full_story(story_store)
    hard = tmp_path / "hard.md"
    os.link(db_path, hard)
    assert "is the book itself" in one_error_line(run("walkthrough", "export", run_id, "--out", hard, "--force"))
    wal = Path(f"{db_path}-wal")
    line = one_error_line(run("walkthrough", "export", run_id, "--out", wal, "--force"))
    assert "is the book itself" in line
