"""ACRs: preview (writes nothing) and fire (checklist, build, orders, applied leverage and audit in one transaction).

A request key names one intent (sleeve, kind, amount): firing it again returns the first ACR, and the same key
with another sleeve, kind or amount is refused (KeyReused), the way payment APIs treat an idempotency key.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from calc import (
    ACR_KINDS,
    KINDS_WITH_AMOUNT,
    Account,
    BuildResult,
    Checklist,
    Model,
    Price,
    account_margin,
    build_acr,
    evaluate_checklist,
)
from calc.approvals import Policy, four_eyes_reasons, previewed_build
from calc.build import cash_movement
from calc.checklist import acknowledgement_problem
from calc.formatting import lev, money
from calc.money import cents_int, from_cents
from calc.views import AcrPreview, AcrRecord, Reviewed
from store.core import Store
from store.errors import Conflict, InvalidInput, KeyReused, Refused
from store.mapping import load_account, load_models, load_prices
from store.operators import get_policy
from store.queries.orders import find_acr
from store.queries.walkthrough import open_run
from store.rates import account_settings, annual_rate
from store.sleeves import check_account_version, check_version, refuse_unless_model, sleeve_row
from store.summary import summarize, write_summary


def checked_amount(kind: str, amount: Decimal) -> Decimal:
    """The ACR's amount if it fits its kind (money, positive for the kinds that move cash, else zero)."""
    if kind not in ACR_KINDS:
        raise InvalidInput(f"unknown ACR kind {kind!r}: choose one of {', '.join(ACR_KINDS)}")
    if not amount.is_finite() or amount < 0:
        raise InvalidInput(f"amount must be zero or more, got {amount}")
    if kind in KINDS_WITH_AMOUNT and amount <= 0:
        raise InvalidInput(f"a {kind} ACR needs --amount greater than zero")
    if kind not in KINDS_WITH_AMOUNT and amount:
        raise InvalidInput(f"a {kind} ACR takes no amount")
    if amount != amount.quantize(Decimal("0.01")):
        raise InvalidInput(f"amount is money: at most 2 decimal places, got {amount}")
    return amount


def checked_acknowledgements(acknowledged: frozenset[str] | set[str]) -> frozenset[str]:
    problem = acknowledgement_problem(acknowledged)
    if problem:
        raise InvalidInput(problem)
    return frozenset(acknowledged)


@dataclass(frozen=True)
class BookState:
    """What every ACR reads and no ACR changes: prices, models and the four-eyes policy.

    Read once per transaction: a batch holds the write lock for a chunk of sleeves, so one read serves them all.
    """

    prices: dict[str, Price]
    models: dict[str, Model]
    policy: Policy
    prices_stamp: str  # newest price date and price count: part of a default request key
    open_runs: bool = True  # False: no walkthrough is open anywhere, so no ACR here belongs to one

    @classmethod
    def read(cls, store: Store) -> BookState:
        newest, count = store.execute("SELECT max(as_of), count(*) FROM prices").fetchone()
        open_runs = store.scalar("SELECT 1 FROM walkthrough_runs WHERE status = 'open' LIMIT 1") is not None
        return cls(load_prices(store.conn), load_models(store.conn), get_policy(store), f"{newest}/{count}",
                   open_runs)


@dataclass(frozen=True)
class Fired:
    """What one fire wrote: the ACR and its outcome, and the account as it stands after the write."""

    acr_id: int
    status: str
    code: str | None
    orders: int
    replayed: bool = False
    account: Account | None = None  # None when replayed: nothing was written, the caller's account still holds


def preview_acr(store: Store, sleeve_id: str, kind: str, amount: Decimal = Decimal(0),
                acknowledged: frozenset[str] | set[str] = frozenset(),
                leverage: Decimal | None = None, track_manager: bool | None = None) -> AcrPreview:
    """The build and checklist an ACR would have now (or at another leverage / toggle); writes nothing."""
    amount = checked_amount(kind, amount)
    loaded = load_account(store.conn, sleeve_row(store, sleeve_id)["account_id"])
    assert loaded is not None
    account, sleeve_versions, account_version = loaded
    refuse_unless_model(sleeve_id, account.sleeve(sleeve_id).kind)
    if track_manager is not None:
        sleeve = account.sleeve(sleeve_id).model_copy(update={"track_manager": track_manager})
        account = account.model_copy(update={"sleeves": [sleeve if s.id == sleeve_id else s
                                                         for s in account.sleeves]})
    state = BookState(load_prices(store.conn), load_models(store.conn), Policy(), "")
    return _preview(store, state, account, sleeve_id, kind, amount, acknowledged, leverage,
                    sleeve_versions[sleeve_id], account_version)


def _preview(store: Store, state: BookState, account: Account, sleeve_id: str, kind: str, amount: Decimal,
             acknowledged: frozenset[str] | set[str], leverage: Decimal | None, sleeve_version: int,
             account_version: int) -> AcrPreview:
    """The build at the rate the account's debit pays (rebuilt at the projected debit's tier) and its checklist."""
    settings = account_settings(store, account)
    build = build_acr(account, sleeve_id, kind, state.prices, state.models, store.today(), settings, amount, leverage)
    if build.projected_margin is not None:
        # Interest on the projected debit is charged at that debit's tier, not today's.
        rate = annual_rate(store, account.custodian, build.projected_margin.debit)
        if rate != settings.annual_rate:
            build = build_acr(account, sleeve_id, kind, state.prices, state.models, store.today(),
                              store.calc_settings(rate), amount, leverage)
    return AcrPreview(account, sleeve_id, kind, amount, build,
                      evaluate_checklist(account, sleeve_id, kind, build, acknowledged), sleeve_version,
                      account_version)


def default_request_key(store: Store, sleeve_id: str, kind: str, amount: Decimal) -> str:
    """The same command against the same saved target, account and prices on the same day is a retry.

    The ACR itself changes cash and applied leverage, so the key rests on what only the operator or a
    price load changes; a retried command returns the first ACR, failed or built.
    """
    row = sleeve_row(store, sleeve_id)
    return _default_key(store, row, _account_version(store, row), kind, amount, BookState.read(store).prices_stamp)


def _default_key(store: Store, row: dict[str, Any], account_version: int, kind: str, amount: Decimal,
                 prices_stamp: str) -> str:
    return (f"auto:{row['id']}:{kind}:{amount}:t{row['target_version']}:a{account_version}:"
            f"p{prices_stamp}:{store.today().isoformat()}")


def _account_version(store: Store, row: dict[str, Any]) -> int:
    return int(store.scalar("SELECT version FROM accounts WHERE id = ?", [row["account_id"]]))


def acr_by_request_key(store: Store, request_key: str) -> AcrRecord | None:
    """The ACR fired with this request key, or None if it never fired."""
    acr_id = store.scalar("SELECT id FROM acrs WHERE request_key = ?", [request_key])
    return find_acr(store, acr_id) if acr_id is not None else None


def _replay(store: Store, key: str, acr_id: int, sleeve_id: str, kind: str, amount: Decimal) -> Fired:
    """The first ACR of this key, if it was fired for the same sleeve, kind and amount; else KeyReused."""
    first = store.rows("SELECT sleeve_id, kind, amount_cents, status, code FROM acrs WHERE id = ?", [acr_id])[0]
    if (first["sleeve_id"], first["kind"], first["amount_cents"]) != (sleeve_id, kind, cents_int(amount)):
        of = f" of ${money(from_cents(first['amount_cents']))}" if first["amount_cents"] else ""
        raise KeyReused(f"request key {key} was used for the {first['kind']} ACR {acr_id}{of} on "
                        f"{first['sleeve_id']}; use a new key")
    orders = store.scalar("SELECT count(*) FROM orders WHERE acr_id = ?", [acr_id])
    return Fired(acr_id, first["status"], first["code"], int(orders), replayed=True)


def fire_acr(store: Store, sleeve_id: str, kind: str, operator: str, amount: Decimal = Decimal(0),
             acknowledged: frozenset[str] | set[str] = frozenset(), request_key: str | None = None,
             expected_version: int | None = None, walkthrough_run: int | None = None,
             reviewed: Reviewed | None = None, requesters: tuple[str, ...] = (),
             resubmit_of: int | None = None) -> AcrRecord:
    """Checklist, build and write in one transaction; a repeated request key returns the first ACR.

    `reviewed` is what the operator confirmed (AcrPreview.reviewed): the sleeve's and account's versions and
    the build's digest. When any of them moved, the fire is refused with what changed, never written under
    acknowledgements given to another build.

    A build the book's four-eyes policy catches is stored awaiting_approval with its checklist and the previewed
    build, and moves no cash and applies no leverage until a second person approves it (store/approvals.py).
    `requesters` are the people behind the request (default: `operator`): none of them may approve it.
    """
    fired = fire(store, sleeve_id, kind, operator, amount, acknowledged, request_key, expected_version,
                 walkthrough_run, reviewed, requesters, resubmit_of)
    return find_acr(store, fired.acr_id, replayed=fired.replayed)


def fire(store: Store, sleeve_id: str, kind: str, operator: str, amount: Decimal = Decimal(0),
         acknowledged: frozenset[str] | set[str] = frozenset(), request_key: str | None = None,
         expected_version: int | None = None, walkthrough_run: int | None = None,
         reviewed: Reviewed | None = None, requesters: tuple[str, ...] = (), resubmit_of: int | None = None,
         state: BookState | None = None, account: Account | None = None) -> Fired:
    """`fire_acr` without reading the ACR back; what a batch calls per sleeve.

    `state` is the book's prices, models and policy read in the caller's transaction (None: read them here);
    `account` is the sleeve's account as it stands in that transaction (None: load it here). The account is
    loaded once: the summary refresh after the write reuses it with the write applied.
    """
    amount = checked_amount(kind, amount)
    acknowledged = checked_acknowledgements(acknowledged)
    with store.transaction():
        state = state or BookState.read(store)
        row = sleeve_row(store, sleeve_id)
        account_version = _account_version(store, row)
        key = request_key or _default_key(store, row, account_version, kind, amount, state.prices_stamp)
        existing = store.scalar("SELECT id FROM acrs WHERE request_key = ?", [key])
        if existing is not None:
            return _replay(store, key, existing, sleeve_id, kind, amount)
        refuse_unless_model(sleeve_id, row["kind"])
        check_version(row, expected_version)
        if walkthrough_run is None and state.open_runs:  # fired while a walkthrough is open on the sleeve: its ACR
            walkthrough_run = open_run(store, sleeve_id)
        if account is None:
            loaded = load_account(store.conn, row["account_id"])
            assert loaded is not None
            account = loaded[0]
        preview = _preview(store, state, account, sleeve_id, kind, amount, acknowledged, None, row["version"],
                           account_version)
        if reviewed is not None:
            _check_reviewed(store, row, preview, reviewed)
        build, checklist = preview.build, preview.checklist
        if not checklist.failed and checklist.awaiting:
            raise Refused("the checklist has open items: " + "; ".join(
                f"{i.id} ({i.title})" for i in checklist.awaiting) + ". Acknowledge them (--ack all) to fire")
        now = store.now()
        code, status, reason = outcome(build, checklist)
        reasons = [] if code else four_eyes(state, preview)
        if reasons:
            status = "awaiting_approval"
        built = status in ("built", "complete")
        # A built ACR keeps the applied leverage it replaces (prior_applied), for a cancel or an expiry to restore.
        cursor = store.execute(
            "INSERT INTO acrs (request_key, account_id, sleeve_id, kind, amount_cents, leverage, status, code, "
            "reason, checklist, operator, created_at, updated_at, walkthrough_run, requesters, preview, "
            "resubmit_of, prior_applied) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            [key, row["account_id"], sleeve_id, kind, cents_int(amount), str(build.leverage), status, code,
             reason, json.dumps(checklist_json(checklist)), operator, now, now, walkthrough_run,
             json.dumps(list(requesters or (operator,))),
             json.dumps(previewed_build(build, reasons)) if reasons else None, resubmit_of,
             row["applied_leverage"] if built else None])
        acr_id = int(cursor.lastrowid or 0)
        if built:
            account = apply_build(store, acr_id, row, preview, operator, now, state, prior_recorded=True)
        detail: dict[str, Any] = {"acr": acr_id, "kind": kind, "amount": str(amount), "leverage": str(build.leverage),
                                  "code": code, "orders": len(build.orders) if built else 0,
                                  "acknowledged": sorted(acknowledged)}
        if walkthrough_run is not None:
            detail["walkthrough_run"] = walkthrough_run
        if resubmit_of is not None:
            detail["resubmit_of"] = resubmit_of
        if reasons:
            detail["four_eyes"] = reasons
        action = "acr-failed" if code else "acr-requested" if reasons else "acr-built"
        store.audit(operator, action, row["account_id"], sleeve_id, detail)
        return Fired(acr_id, status, code, len(build.orders) if built else 0, account=account)


def outcome(build: BuildResult, checklist: Checklist) -> tuple[str | None, str, str]:
    """(failure code, status, reason) of a build under its checklist: failed with a code, else built (complete
    when no order survives)."""
    code = None if checklist.can_fire else (checklist.blocking_code or build.code or "CHECKLIST_FAILED")
    status = "failed" if code else ("built" if build.orders else "complete")
    reason = "" if not code else (build.reason if code == build.code else "; ".join(
        f"{i.title}: {i.detail}" for i in checklist.failed))
    return code, status, reason


def four_eyes(state: BookState, preview: AcrPreview) -> list[str]:
    """Why the book's policy wants a second person on this build (empty: it goes through alone)."""
    policy = state.policy
    if not policy.active:
        return []
    margin_now = account_margin(preview.account, state.prices) if policy.in_call else None
    return four_eyes_reasons(policy, preview.kind, preview.build, margin_now)


def _check_reviewed(store: Store, row: dict[str, Any], preview: AcrPreview, reviewed: Reviewed) -> None:
    """Refuse a fire whose sleeve, account or build moved since the operator reviewed it."""
    check_version(row, reviewed.sleeve_version)
    check_account_version(store.rows("SELECT * FROM accounts WHERE id = ?", [row["account_id"]])[0],
                          reviewed.account_version)
    if preview.build.digest != reviewed.digest:
        b = preview.build
        now = f"{len(b.orders)} order(s)" if b.ok else f"failing {b.code}"
        raise Conflict(f"the {preview.kind} ACR on {row['id']} would now build differently (at {lev(b.leverage)}, "
                       f"{now}): prices or holdings moved since you reviewed it; review again")


def apply_build(store: Store, acr_id: int, row: dict[str, Any], preview: AcrPreview, operator: str,
                now: str, state: BookState | None = None, prior_recorded: bool = False) -> Account:
    """Write the orders, move the ACR's cash and make the saved leverage the applied one (the applied leverage it
    replaces is kept on the ACR, for a cancel or an expiry to restore, unless the ACR was written with it);
    returns the account as written."""
    build = preview.build
    if not prior_recorded:
        store.execute("UPDATE acrs SET prior_applied = (SELECT applied_leverage FROM sleeves WHERE id = ?) "
                      "WHERE id = ?", [row["id"], acr_id])
    store.conn.executemany(
        "INSERT INTO orders (acr_id, seq, sleeve_id, symbol, side, quantity, price) VALUES (?,?,?,?,?,?,?)",
        [(acr_id, seq, o.sleeve_id, o.symbol, o.side, str(o.quantity), str(o.price))
         for seq, o in enumerate(build.orders)])
    sleeve_delta, apm_delta = cash_movement(preview.kind, preview.amount)
    store.execute(
        "UPDATE sleeves SET applied_leverage = ?, cash_cents = cash_cents + ?, version = version + 1, "
        "updated_by = ?, updated_at = ? WHERE id = ?",
        [str(build.leverage), cents_int(sleeve_delta), operator, now, row["id"]])
    apm = preview.account.apm
    if apm_delta:
        assert apm is not None  # the build refuses APM-funded kinds without an APM
        store.execute("UPDATE sleeves SET cash_cents = cash_cents + ?, version = version + 1, updated_by = ?, "
                      "updated_at = ? WHERE id = ?", [cents_int(apm_delta), operator, now, apm.id])
    # The summary is computed from the previewed account with these writes applied, not from a reload: the same
    # values a reload would read (positions do not move until fills; cash moves in whole cents).
    moved = {row["id"]: (sleeve_delta, build.leverage), **({apm.id: (apm_delta, None)} if apm_delta and apm else {})}
    account = preview.account.model_copy(update={"sleeves": [
        s if s.id not in moved else s.model_copy(update={
            "cash": from_cents(cents_int(s.cash) + cents_int(moved[s.id][0])),
            "applied_leverage": moved[s.id][1] if moved[s.id][1] is not None else s.applied_leverage})
        for s in preview.account.sleeves]})
    state = state or BookState(load_prices(store.conn), load_models(store.conn), Policy(), "")
    write_summary(store.conn, account.id, summarize(account, state.prices, state.models, store.today(),
                                                     store.calc_settings()))
    return account


def checklist_json(checklist: Checklist) -> list[dict[str, Any]]:
    """The checklist as stored with the ACR (what the operator was shown and acknowledged)."""
    return [{"id": i.id, "title": i.title, "evaluated": i.evaluated, "status": i.status, "detail": i.detail,
             "fix": i.fix, "code": i.code} for i in checklist.items]
