"""Writing planned ACRs (store.acrs.plan): the ACR rows, their orders, the sleeves' cash and applied leverage, the
accounts' summaries and the audit rows, one prepared statement per table for a whole batch chunk.

One ACR (`store.acrs.fire`) and a chunk of 200 (`store.batch`) go through the same writer, so they write the same
rows: the batch equals one fire per sleeve (tests/unit/test_store_batch.py).
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from calc import Account, Checklist
from calc.approvals import previewed_build
from calc.build import cash_movement
from calc.checklist import ChecklistItem
from calc.models import updated
from calc.money import cents_int, from_cents
from calc.views import AcrPreview
from store.chain import AuditRow, append_audit
from store.core import Store
from store.summary import summarize, write_summaries

if TYPE_CHECKING:
    from store.acrs import BookState

INSERT_ACRS = ("INSERT INTO acrs (request_key, account_id, sleeve_id, kind, amount_cents, leverage, status, code, "
               "reason, checklist, operator, created_at, updated_at, walkthrough_run, requesters, preview, "
               "resubmit_of, prior_applied) VALUES")
ACR_VALUES = "(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)"
INSERT_ORDER = "INSERT INTO orders (acr_id, seq, sleeve_id, symbol, side, quantity, price) VALUES (?,?,?,?,?,?,?)"
MOVE_SLEEVE = ("UPDATE sleeves SET applied_leverage = ?, cash_cents = cash_cents + ?, version = version + 1, "
               "updated_by = ?, updated_at = ? WHERE id = ?")
MOVE_APM = ("UPDATE sleeves SET cash_cents = cash_cents + ?, version = version + 1, updated_by = ?, updated_at = ? "
            "WHERE id = ?")


@dataclass(frozen=True)
class Fired:
    """What one fire wrote (or, replayed, what the first fire of its request key wrote): the ACR and its outcome."""

    acr_id: int
    status: str
    code: str | None
    orders: int
    replayed: bool = False


@dataclass(frozen=True)
class Planned:
    """One ACR checked and built, nothing written yet (store.acrs.plan): what AcrWrites writes."""

    key: str
    row: dict[str, Any]  # the sleeve's row as read before the write
    preview: AcrPreview
    operator: str
    now: str
    code: str | None
    status: str
    reason: str
    four_eyes: list[str]  # why the book's policy holds it for a second person (empty: it goes through alone)
    walkthrough_run: int | None
    requesters: tuple[str, ...]
    resubmit_of: int | None
    acknowledged: frozenset[str]

    @property
    def built(self) -> bool:
        return self.status in ("built", "complete")


class AcrWrites:
    """The writes of planned ACRs inside the caller's write transaction, the rows of each table sent together.

    `add` queues a planned ACR and hands back its account as it will stand once written (a second ACR on the same
    account builds on it); `flush` writes the queue: the ACR rows in one INSERT (their ids, returned by request key,
    key the orders and the audit rows), then orders, sleeve moves, each touched account's summary (from the account
    as last written, once per account) and the audit rows, chained in the order the ACRs were added.
    """

    def __init__(self, store: Store, state: BookState) -> None:
        self.store, self.state = store, state
        self._clear()

    def _clear(self) -> None:
        self.planned: list[Planned] = []
        self.builds: list[tuple[int | None, Planned | None, dict[str, Any], AcrPreview, str, str]] = []
        self.accounts: dict[str, Account] = {}

    def add(self, planned: Planned) -> Account:
        """Queue one planned ACR (built: its build applied); the account as it stands once it is written."""
        self.planned.append(planned)
        if not planned.built:
            return planned.preview.account
        return self._queue_build(None, planned, planned.row, planned.preview, planned.operator, planned.now)

    def apply(self, acr_id: int, row: dict[str, Any], preview: AcrPreview, operator: str, now: str) -> Account:
        """Queue the build of an ACR row that exists (an approval): its orders, its cash, its leverage made the
        applied one; the account as it stands once written."""
        return self._queue_build(acr_id, None, row, preview, operator, now)

    def _queue_build(self, acr_id: int | None, planned: Planned | None, row: dict[str, Any], preview: AcrPreview,
                     operator: str, now: str) -> Account:
        self.builds.append((acr_id, planned, row, preview, operator, now))
        # The summary is computed from the previewed account with these writes applied, not from a reload: the
        # same values a reload would read (positions do not move until fills; cash moves in whole cents).
        sleeve_delta, apm_delta = cash_movement(preview.kind, preview.amount)
        apm = preview.account.apm
        moved = {row["id"]: (sleeve_delta, preview.build.leverage),
                 **({apm.id: (apm_delta, None)} if apm_delta and apm else {})}
        account = updated(preview.account, sleeves=[
            s if s.id not in moved else updated(
                s, cash=from_cents(cents_int(s.cash) + cents_int(moved[s.id][0])),
                applied_leverage=moved[s.id][1] if moved[s.id][1] is not None else s.applied_leverage)
            for s in preview.account.sleeves])
        self.accounts[account.id] = account
        return account

    def flush(self) -> list[Fired]:
        """Write what is queued (inside the caller's transaction) and start empty; what each added ACR wrote."""
        ids = self._insert_acrs()
        fired, audit = [], []
        for p in self.planned:
            acr_id, orders = ids[p.key], len(p.preview.build.orders) if p.built else 0
            fired.append(Fired(acr_id, p.status, p.code, orders))
            audit.append(_audit_row(acr_id, p, orders))
        self._write_builds(ids)
        if self.accounts:
            state, today = self.state, self.store.today()
            write_summaries(self.store.conn, {i: summarize(a, state.prices, state.models, today,
                                                           state.settings(self.store))
                                              for i, a in self.accounts.items()})
        if audit:
            append_audit(self.store.conn, audit)
        self._clear()
        return fired

    def _insert_acrs(self) -> dict[str, int]:
        """The queued ACR rows (one prepared INSERT), then their ids by request key.

        Not one multi-row INSERT ... RETURNING: SQLite has RETURNING from 3.35 only and, before 3.32, 999 parameters
        per statement (a chunk's rows have 3,600), and an ops host's Python may link an older system SQLite.
        """
        if not self.planned:
            return {}
        rows: list[tuple[Any, ...]] = []
        for p in self.planned:
            build, row = p.preview.build, p.row
            # A built ACR keeps the applied leverage it replaces (prior_applied), for a cancel or an expiry to restore.
            rows.append((p.key, row["account_id"], row["id"], p.preview.kind, cents_int(p.preview.amount),
                         str(build.leverage), p.status, p.code, p.reason, checklist_text(p.preview.checklist),
                         p.operator, p.now, p.now, p.walkthrough_run, json.dumps(list(p.requesters)),
                         json.dumps(previewed_build(build, p.four_eyes)) if p.four_eyes else None, p.resubmit_of,
                         row["applied_leverage"] if p.built else None))
        conn = self.store.conn
        conn.executemany(f"{INSERT_ACRS} {ACR_VALUES}", rows)
        keys = [p.key for p in self.planned]
        written = conn.execute(f"SELECT id, request_key FROM acrs WHERE request_key IN ({', '.join('?' * len(keys))})",
                               keys).fetchall()
        return {key: int(acr_id) for acr_id, key in written}

    def _write_builds(self, ids: dict[str, int]) -> None:
        """Orders, sleeve cash and applied leverage of the queued builds, one statement per table."""
        orders, sleeves, apms = [], [], []
        for acr_id, planned, row, preview, operator, now in self.builds:
            acr_id = acr_id if planned is None else ids[planned.key]
            build = preview.build
            orders += [(acr_id, seq, o.sleeve_id, o.symbol, o.side, str(o.quantity), str(o.price))
                       for seq, o in enumerate(build.orders)]
            sleeve_delta, apm_delta = cash_movement(preview.kind, preview.amount)
            sleeves.append((str(build.leverage), cents_int(sleeve_delta), operator, now, row["id"]))
            if apm_delta:
                apm = preview.account.apm
                assert apm is not None  # the build refuses APM-funded kinds without an APM
                apms.append((cents_int(apm_delta), operator, now, apm.id))
        conn = self.store.conn
        for sql, rows in ((INSERT_ORDER, orders), (MOVE_SLEEVE, sleeves), (MOVE_APM, apms)):
            if rows:
                conn.executemany(sql, rows)


def _audit_row(acr_id: int, p: Planned, orders: int) -> AuditRow:
    """The audit row of a fired ACR."""
    detail: dict[str, Any] = {"acr": acr_id, "kind": p.preview.kind, "amount": str(p.preview.amount),
                              "leverage": str(p.preview.build.leverage), "code": p.code, "orders": orders,
                              "acknowledged": sorted(p.acknowledged)}
    if p.walkthrough_run is not None:
        detail["walkthrough_run"] = p.walkthrough_run
    if p.resubmit_of is not None:
        detail["resubmit_of"] = p.resubmit_of
    if p.four_eyes:
        detail["four_eyes"] = p.four_eyes
    action = "acr-failed" if p.code else "acr-requested" if p.four_eyes else "acr-built"
    return p.now, p.operator, action, p.row["account_id"], p.row["id"], detail


def checklist_text(checklist: Checklist) -> str:
    """The checklist as stored with the ACR (what the operator was shown and acknowledged): a JSON list of its items,
    the bytes json.dumps writes for it."""
    return "[" + ", ".join(_item_text(i) for i in checklist.items) + "]"


@lru_cache(maxsize=1024)
def _item_text(item: ChecklistItem) -> str:
    """One item's JSON object: most items are the same on every ACR of a batch (the acknowledgements, the activation
    action), so each distinct item is encoded once."""
    return json.dumps({"id": item.id, "title": item.title, "evaluated": item.evaluated, "status": item.status,
                       "detail": item.detail, "fix": item.fix, "code": item.code})
