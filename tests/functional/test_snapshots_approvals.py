"""Snapshots of the approvals screen (key A) at 80x24 and 120x40: oscar's $1 ACR at 1.5x waiting on a 1.25x rule,
seen by the approver petra. Every update of these SVGs is reviewed by eye before it is committed."""
from __future__ import annotations

import pytest

from tests.functional.test_approvals import queued  # noqa: F401 - the fixture: a staffed book with one ACR waiting
from tests.functional.test_snapshots import SIZES, steps

# SQLite only: drawing does not depend on the engine, and the title names the book (a file here): one set of SVGs.
pytestmark = pytest.mark.sqlite_only


@pytest.mark.parametrize("size", SIZES)
class TestApprovals:
    def test_approvals_queue(self, size, queued, make_app, snap_compare):  # noqa: F811
        app = make_app()
        app.login = "petra"
        assert snap_compare(app, terminal_size=size, run_before=steps("A"))
