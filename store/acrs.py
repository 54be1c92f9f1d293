"""ACRs: preview (writes nothing) and fire (checklist, build, orders, applied leverage and audit in one transaction).

A request key names one intent (sleeve, kind, amount): firing it again returns the first ACR, and the same key
with another sleeve, kind or amount is refused (KeyReused), the way payment APIs treat an idempotency key.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from calc import (
    ACR_KINDS,
    KINDS_WITH_AMOUNT,
    Account,
    BuildResult,
    CalcSettings,
    Checklist,
    Model,
    Price,
    account_margin,
    build_acr,
    evaluate_checklist,
)
from calc.approvals import Policy, four_eyes_reasons
from calc.build import at_rate
from calc.checklist import acknowledgement_problem
from calc.formatting import lev, money
from calc.models import account_debit, updated
from calc.money import cents_int, from_cents
from calc.views import AcrPreview, AcrRecord, Reviewed
from store.acr_writes import AcrWrites, Fired, Planned
from store.core import Store
from store.errors import Conflict, InvalidInput, KeyReused, Refused
from store.mapping import load_account, load_models, load_prices
from store.operators import get_policy
from store.queries.orders import find_acr
from store.rates import Tiers, rate_tiers, tier_rate
from store.sleeves import check_account_version, check_version, refuse_unless_model, sleeve_row


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
    """What every ACR reads and no ACR changes: prices, models, rate tiers and the four-eyes policy.

    Read once per transaction: a batch holds the write lock for a chunk of sleeves, so one read serves them all.
    """

    prices: dict[str, Price]
    models: dict[str, Model]
    policy: Policy
    prices_stamp: str  # newest price date and price count: part of a default request key
    open_runs: bool = True  # False: no walkthrough is open anywhere, so no ACR here belongs to one
    rates: Tiers = field(default_factory=dict)
    _settings: dict[Decimal, CalcSettings] = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def read(cls, store: Store) -> BookState:
        newest, count = store.execute("SELECT max(as_of), count(*) FROM prices").fetchone()
        open_runs = store.scalar("SELECT 1 FROM walkthrough_runs WHERE status = 'open' LIMIT 1") is not None
        return cls(load_prices(store.conn), load_models(store.conn), get_policy(store), f"{newest}/{count}",
                   open_runs, rate_tiers(store))

    def settings(self, store: Store, annual_rate: Decimal = Decimal(0)) -> CalcSettings:
        """The store's calc settings at this rate, built once per rate (checked each time otherwise)."""
        found = self._settings.get(annual_rate)
        if found is None:
            found = self._settings[annual_rate] = store.calc_settings(annual_rate)
        return found


@dataclass(frozen=True)
class SleeveFacts:
    """What a fire reads before building: the sleeve's row, its account's version and the ACR already fired under
    its default request key (a batch reads them for a whole chunk in three queries)."""

    row: dict[str, Any]
    account_version: int
    existing: int | None


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
        sleeve = updated(account.sleeve(sleeve_id), track_manager=track_manager)
        account = updated(account, sleeves=[sleeve if s.id == sleeve_id else s for s in account.sleeves])
    state = BookState(load_prices(store.conn), load_models(store.conn), Policy(), "",
                      rates=rate_tiers(store, account.custodian))
    return _preview(store, state, account, sleeve_id, kind, amount, acknowledged, leverage,
                    sleeve_versions[sleeve_id], account_version)


def _preview(store: Store, state: BookState, account: Account, sleeve_id: str, kind: str, amount: Decimal,
             acknowledged: frozenset[str] | set[str], leverage: Decimal | None, sleeve_version: int,
             account_version: int) -> AcrPreview:
    """The build at the rate the account's debit pays (at the projected debit's tier) and its checklist."""
    settings = state.settings(store, tier_rate(state.rates, account.custodian, account_debit(account)))
    build = build_acr(account, sleeve_id, kind, state.prices, state.models, store.today(), settings, amount, leverage)
    if build.projected_margin is not None:
        # Interest on the projected debit is charged at that debit's tier, not today's: only the interest moves.
        rate = tier_rate(state.rates, account.custodian, build.projected_margin.debit)
        if rate != settings.annual_rate:
            build = at_rate(build, rate)
    return AcrPreview(account, sleeve_id, kind, amount, build,
                      evaluate_checklist(account, sleeve_id, kind, build, acknowledged), sleeve_version,
                      account_version)


def default_request_key(store: Store, sleeve_id: str, kind: str, amount: Decimal) -> str:
    """The same command against the same saved target, account and prices on the same day is a retry.

    The ACR itself changes cash and applied leverage, so the key rests on what only the operator or a
    price load changes; a retried command returns the first ACR, failed or built.
    """
    row = sleeve_row(store, sleeve_id)
    return default_key(store, row, _account_version(store, row), kind, amount, BookState.read(store).prices_stamp)


def default_key(store: Store, row: dict[str, Any], account_version: int, kind: str, amount: Decimal,
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
         reviewed: Reviewed | None = None, requesters: tuple[str, ...] = (),
         resubmit_of: int | None = None) -> Fired:
    """`fire_acr` without reading the ACR back: `plan` then write it (store/acr_writes.py), in one transaction."""
    with store.transaction():
        state = BookState.read(store)
        planned = plan(store, sleeve_id, kind, operator, amount, acknowledged, request_key, expected_version,
                       walkthrough_run, reviewed, requesters, resubmit_of, state)
        if isinstance(planned, Fired):
            return planned
        writes = AcrWrites(store, state)
        writes.add(planned)
        return writes.flush()[0]


def plan(store: Store, sleeve_id: str, kind: str, operator: str, amount: Decimal = Decimal(0),
         acknowledged: frozenset[str] | set[str] = frozenset(), request_key: str | None = None,
         expected_version: int | None = None, walkthrough_run: int | None = None,
         reviewed: Reviewed | None = None, requesters: tuple[str, ...] = (), resubmit_of: int | None = None,
         state: BookState | None = None, account: Account | None = None,
         facts: SleeveFacts | None = None) -> Planned | Fired:
    """Every check and the build of one ACR, writing nothing: the ACR to write, or the first ACR of a repeated
    request key (Fired, replayed). A refusal raises a StoreError with nothing written, so a batch needs no
    savepoint to keep one refused sleeve out of its chunk.

    `state` is the book's prices, models and policy read in the caller's write transaction (None: read them here);
    `account` the sleeve's account as it stands in that transaction (None: load it here); `facts` the sleeve's row,
    account version and default-key ACR read with the rest of a batch's chunk (None: read them here).
    """
    amount = checked_amount(kind, amount)
    acknowledged = checked_acknowledgements(acknowledged)
    state = state or BookState.read(store)
    row = facts.row if facts is not None else sleeve_row(store, sleeve_id)
    account_version = facts.account_version if facts is not None else _account_version(store, row)
    key = request_key or default_key(store, row, account_version, kind, amount, state.prices_stamp)
    existing = facts.existing if facts is not None and request_key is None else \
        store.scalar("SELECT id FROM acrs WHERE request_key = ?", [key])
    if existing is not None:
        return _replay(store, key, existing, sleeve_id, kind, amount)
    refuse_unless_model(sleeve_id, row["kind"])
    check_version(row, expected_version)
    if walkthrough_run is None and state.open_runs:  # fired while a walkthrough is open on the sleeve: its ACR
        # Imported here: the walkthrough's queries bring its rules, views and the audit trail's (~10-15 ms of `acr`),
        # and only a book with an open run needs them.
        from store.queries.walkthrough import open_run

        walkthrough_run = open_run(store, sleeve_id)
    if account is None:
        loaded = load_account(store.conn, row["account_id"])
        assert loaded is not None
        account = loaded[0]
    preview = _preview(store, state, account, sleeve_id, kind, amount, acknowledged, None, row["version"],
                       account_version)
    if reviewed is not None:
        _check_reviewed(store, row, preview, reviewed)
    checklist = preview.checklist
    if not checklist.failed and checklist.awaiting:
        raise Refused("the checklist has open items: " + "; ".join(
            f"{i.id} ({i.title})" for i in checklist.awaiting) + ". Acknowledge them (--ack all) to fire")
    code, status, reason = outcome(preview.build, checklist)
    reasons = [] if code else four_eyes(state, preview)
    if reasons:
        status = "awaiting_approval"
    return Planned(key, row, preview, operator, store.now(), code, status, reason, reasons, walkthrough_run,
                   tuple(requesters or (operator,)), resubmit_of, acknowledged)


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
                now: str, state: BookState | None = None) -> Account:
    """Write an ACR's build now (an approval: the ACR row exists): its orders, its cash, the saved leverage made the
    applied one (the applied leverage it replaces is kept on the ACR, for a cancel or an expiry to restore) and
    the account's summary; returns the account as written."""
    store.execute("UPDATE acrs SET prior_applied = (SELECT applied_leverage FROM sleeves WHERE id = ?) "
                  "WHERE id = ?", [row["id"], acr_id])
    writes = AcrWrites(store, state or BookState(load_prices(store.conn), load_models(store.conn), Policy(), ""))
    account = writes.apply(acr_id, row, preview, operator, now)
    writes.flush()
    return account
