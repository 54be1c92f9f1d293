"""Writing planned ACRs (store.acrs.plan): the ACR rows, their orders, the sleeves' cash and applied leverage, the
accounts' summaries and the audit rows, one prepared statement per table for a whole batch chunk.

One ACR (`store.acrs.fire`) and a chunk of 200 (`store.batch`) go through the same writer, so they write the same
rows: the batch equals one fire per sleeve (tests/unit/test_store_batch.py).
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from calc import Account, Checklist
from calc.approvals import previewed_build
from calc.build import cash_movement
from calc.money import cents_int, from_cents
from calc.views import AcrPreview
from store.chain import AuditRow, append_audit
from store.core import Store
from store.summary import summarize, write_summaries

if TYPE_CHECKING:
    from store.acrs import BookState

INSERT_ACR = ("INSERT INTO acrs (request_key, account_id, sleeve_id, kind, amount_cents, leverage, status, code, "
              "reason, checklist, operator, created_at, updated_at, walkthrough_run, requesters, preview, "
              "resubmit_of, prior_applied) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)")
INSERT_ORDER = "INSERT INTO orders (acr_id, seq, sleeve_id, symbol, side, quantity, price) VALUES (?,?,?,?,?,?,?)"
MOVE_SLEEVE = ("UPDATE sleeves SET applied_leverage = ?, cash_cents = cash_cents + ?, version = version + 1, "
               "updated_by = ?, updated_at = ? WHERE id = ?")
MOVE_APM = ("UPDATE sleeves SET cash_cents = cash_cents + ?, version = version + 1, updated_by = ?, updated_at = ? "
            "WHERE id = ?")


@dataclass(frozen=True)
class Fired:
    """What one fire wrote: the ACR and its outcome, and the account as it stands after the write."""

    acr_id: int
    status: str
    code: str | None
    orders: int
    replayed: bool = False
    account: Account | None = None  # None when replayed: nothing was written, the caller's account still holds


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

    `add` inserts the ACR row at once (its id keys its orders and its audit row) and queues the rest; `flush`
    writes what is queued: orders, sleeve moves, each touched account's summary (from the account as last written,
    once per account) and the audit rows, chained in the order the ACRs were added.
    """

    def __init__(self, store: Store, state: BookState) -> None:
        self.store, self.state = store, state
        self._clear()

    def _clear(self) -> None:
        self.orders: list[tuple[Any, ...]] = []
        self.sleeves: list[tuple[Any, ...]] = []
        self.apms: list[tuple[Any, ...]] = []
        self.accounts: dict[str, Account] = {}
        self.audit: list[AuditRow] = []

    def add(self, planned: Planned) -> Fired:
        """Write one planned ACR (built: its build applied) and queue its audit row; what was written."""
        p, build = planned, planned.preview.build
        row, built = p.row, p.built
        # A built ACR keeps the applied leverage it replaces (prior_applied), for a cancel or an expiry to restore.
        cursor = self.store.execute(INSERT_ACR, [
            p.key, row["account_id"], row["id"], p.preview.kind, cents_int(p.preview.amount), str(build.leverage),
            p.status, p.code, p.reason, json.dumps(checklist_json(p.preview.checklist)), p.operator, p.now, p.now,
            p.walkthrough_run, json.dumps(list(p.requesters)),
            json.dumps(previewed_build(build, p.four_eyes)) if p.four_eyes else None, p.resubmit_of,
            row["applied_leverage"] if built else None])
        acr_id = int(cursor.lastrowid or 0)
        account = self.apply(acr_id, row, p.preview, p.operator, p.now) if built else p.preview.account
        orders = len(build.orders) if built else 0
        detail: dict[str, Any] = {"acr": acr_id, "kind": p.preview.kind, "amount": str(p.preview.amount),
                                  "leverage": str(build.leverage), "code": p.code, "orders": orders,
                                  "acknowledged": sorted(p.acknowledged)}
        if p.walkthrough_run is not None:
            detail["walkthrough_run"] = p.walkthrough_run
        if p.resubmit_of is not None:
            detail["resubmit_of"] = p.resubmit_of
        if p.four_eyes:
            detail["four_eyes"] = p.four_eyes
        action = "acr-failed" if p.code else "acr-requested" if p.four_eyes else "acr-built"
        self.audit.append((p.now, p.operator, action, row["account_id"], row["id"], detail))
        return Fired(acr_id, p.status, p.code, orders, account=account)

    def apply(self, acr_id: int, row: dict[str, Any], preview: AcrPreview, operator: str, now: str) -> Account:
        """Queue a build's orders and cash and make its leverage the applied one; the account as written."""
        build = preview.build
        self.orders.extend((acr_id, seq, o.sleeve_id, o.symbol, o.side, str(o.quantity), str(o.price))
                           for seq, o in enumerate(build.orders))
        sleeve_delta, apm_delta = cash_movement(preview.kind, preview.amount)
        self.sleeves.append((str(build.leverage), cents_int(sleeve_delta), operator, now, row["id"]))
        apm = preview.account.apm
        if apm_delta:
            assert apm is not None  # the build refuses APM-funded kinds without an APM
            self.apms.append((cents_int(apm_delta), operator, now, apm.id))
        # The summary is computed from the previewed account with these writes applied, not from a reload: the
        # same values a reload would read (positions do not move until fills; cash moves in whole cents).
        moved = {row["id"]: (sleeve_delta, build.leverage),
                 **({apm.id: (apm_delta, None)} if apm_delta and apm else {})}
        account = preview.account.model_copy(update={"sleeves": [
            s if s.id not in moved else s.model_copy(update={
                "cash": from_cents(cents_int(s.cash) + cents_int(moved[s.id][0])),
                "applied_leverage": moved[s.id][1] if moved[s.id][1] is not None else s.applied_leverage})
            for s in preview.account.sleeves]})
        self.accounts[account.id] = account
        return account

    def flush(self) -> None:
        """Write what is queued (inside the caller's transaction), then start empty."""
        conn, state = self.store.conn, self.state
        if self.orders:
            conn.executemany(INSERT_ORDER, self.orders)
        if self.sleeves:
            conn.executemany(MOVE_SLEEVE, self.sleeves)
        if self.apms:
            conn.executemany(MOVE_APM, self.apms)
        if self.accounts:
            today, settings = self.store.today(), state.settings(self.store)
            write_summaries(conn, {i: summarize(a, state.prices, state.models, today, settings)
                                   for i, a in self.accounts.items()})
        if self.audit:
            append_audit(conn, self.audit)
        self._clear()


def checklist_json(checklist: Checklist) -> list[dict[str, Any]]:
    """The checklist as stored with the ACR (what the operator was shown and acknowledged)."""
    return [{"id": i.id, "title": i.title, "evaluated": i.evaluated, "status": i.status, "detail": i.detail,
             "fix": i.fix, "code": i.code} for i in checklist.items]
