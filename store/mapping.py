"""Rows <-> calc models and views: the one place that knows how a table row becomes a value (and back)."""
from __future__ import annotations

import json
import sqlite3
from datetime import date
from decimal import Decimal
from functools import lru_cache
from typing import TYPE_CHECKING, Any

import calc
from calc import views
from calc.lifecycle import LIFECYCLE_FIXES
from calc.money import ONE, ZERO, cents_int, dec, from_cents
from calc.vocabulary import DIAGNOSTIC_CODES

if TYPE_CHECKING:
    from calc.acr_views import AcrRecord, OrderRecord
    from calc.models import Account, CustodianReport, Model, Price, Sleeve
    from calc.page_views import AccountRow
    from calc.report_views import AuditRecord
    from calc.run_views import StepRecord

# The calc models are reached through `calc.` (its names load on first use): the browser's first page and the
# audit trail map rows to plain views, and need no model class built. The views are reached through `views.` for
# the same reason (each dataclass ~1 ms to build): `acr` and `show` map no page row.


def price_from_row(row: dict[str, Any]) -> Price:
    return _price(row["symbol"], row["price"], row["as_of"], row["marginable"], row["maintenance"],
                  row["leverage_factor"])


@lru_cache(maxsize=4096)
def _price(symbol: str, price: str, as_of: str, marginable: int, maintenance: str | None,
           leverage_factor: str | None) -> Price:
    """One Price per distinct row: Price is frozen, and validating it is most of the cost of loading prices,
    which every detail, ACR and summary refresh does."""
    return calc.Price(
        symbol=symbol,
        price=Decimal(price),
        as_of=date.fromisoformat(as_of),
        marginable=bool(marginable),
        maintenance=Decimal(maintenance) if maintenance is not None else None,
        leverage_factor=Decimal(leverage_factor) if leverage_factor is not None else None,
    )


def price_to_row(price: Price) -> dict[str, Any]:
    return {
        "symbol": price.symbol,
        "price": str(price.price),
        "as_of": price.as_of.isoformat(),
        "marginable": int(price.marginable),
        "maintenance": None if price.maintenance is None else str(price.maintenance),
        "leverage_factor": None if price.leverage_factor is None else str(price.leverage_factor),
    }


def model_from_row(row: dict[str, Any]) -> Model:
    return _model(row["id"], row["name"], row["manager"], row["tactical"], row["cash"], row["weights"])


@lru_cache(maxsize=1024)
def _model(id: str, name: str, manager: str, tactical: int, cash: str, weights: str) -> Model:
    """One Model per distinct row (frozen, and never mutated by its readers), like `_price`."""
    return calc.Model(
        id=id, name=name, manager=manager, tactical=bool(tactical),
        cash=Decimal(cash), weights={k: Decimal(v) for k, v in json.loads(weights).items()},
    )


def model_to_row(model: Model) -> dict[str, Any]:
    return {
        "id": model.id, "name": model.name, "manager": model.manager, "tactical": int(model.tactical),
        "cash": str(model.cash), "weights": json.dumps({k: str(v) for k, v in model.weights.items()}),
    }


def sleeve_to_row(sleeve: Sleeve, account_id: str, seq: int) -> dict[str, Any]:
    return {
        "id": sleeve.id, "account_id": account_id, "seq": seq, "kind": sleeve.kind, "model": sleeve.model,
        "cash_cents": cents_int(sleeve.cash), "leverage": str(sleeve.leverage),
        "applied_leverage": str(sleeve.applied), "track_manager": int(sleeve.track_manager),
        "cash_reserve": str(sleeve.cash_reserve),
    }


def account_to_row(account: Account) -> dict[str, Any]:
    return {
        "id": account.id, "name": account.name, "custodian": account.custodian, "type": account.type,
        "margin_enabled": int(account.margin_enabled), "house_maintenance": str(account.house_maintenance),
        "max_leverage": str(account.max_leverage),
    }


def load_prices(conn: sqlite3.Connection) -> dict[str, Price]:
    return {r[0]: _price(*r) for r in conn.execute(
        "SELECT symbol, price, as_of, marginable, maintenance, leverage_factor FROM prices").fetchall()}


def load_models(conn: sqlite3.Connection) -> dict[str, Model]:
    return {r[0]: _model(*r) for r in conn.execute(
        "SELECT id, name, manager, tactical, cash, weights FROM models").fetchall()}


def load_account(conn: sqlite3.Connection, account_id: str) -> tuple[Account, dict[str, int], int] | None:
    """The account as a calc model, its sleeves' versions, and its own version; None if absent."""
    rows = _rows(conn, "SELECT * FROM accounts WHERE id = ?", [account_id])
    if not rows:
        return None
    acc = rows[0]
    sleeves = _rows(conn, "SELECT * FROM sleeves WHERE account_id = ? ORDER BY seq", [account_id])
    positions: dict[str, dict[str, Decimal]] = {s["id"]: {} for s in sleeves}
    for p in _rows(conn, "SELECT p.sleeve_id, p.symbol, p.quantity FROM positions p JOIN sleeves s "
                       "ON s.id = p.sleeve_id WHERE s.account_id = ?", [account_id]):
        positions[p["sleeve_id"]][p["symbol"]] = Decimal(p["quantity"])
    account = calc.Account(
        id=acc["id"], name=acc["name"], custodian=acc["custodian"], type=acc["type"],
        margin_enabled=bool(acc["margin_enabled"]), house_maintenance=Decimal(acc["house_maintenance"]),
        max_leverage=Decimal(acc["max_leverage"]),
        custodian_report=load_custodian_reports(conn, [account_id]).get(account_id),
        sleeves=[
            calc.Sleeve(
                id=s["id"], kind=s["kind"], model=s["model"], cash=from_cents(s["cash_cents"]),
                positions=positions[s["id"]], leverage=Decimal(s["leverage"]),
                applied_leverage=Decimal(s["applied_leverage"]), track_manager=bool(s["track_manager"]),
                cash_reserve=Decimal(s["cash_reserve"]),
            )
            for s in sleeves
        ],
    )
    return account, {s["id"]: s["version"] for s in sleeves}, acc["version"]


def load_accounts(conn: sqlite3.Connection, account_ids: list[str]) -> list[Account]:
    """Many accounts as calc models in three queries (the caller chunks the ids under SQLite's variable limit).

    Built without re-checking (`calc.trusted`): the rows were checked when they were written, and checking them
    again would be most of the cost of refreshing a whole book's summaries after a price file.
    """
    marks = ", ".join("?" * len(account_ids))
    sleeves: dict[str, list[tuple[Any, ...]]] = {}
    for s in conn.execute("SELECT account_id, id, kind, model, cash_cents, leverage, applied_leverage, track_manager, "
                          f"cash_reserve FROM sleeves WHERE account_id IN ({marks}) ORDER BY account_id, seq",
                          account_ids):
        sleeves.setdefault(s[0], []).append(s)
    positions: dict[str, dict[str, Decimal]] = {}
    for sleeve_id, symbol, quantity in conn.execute(
            "SELECT p.sleeve_id, p.symbol, p.quantity FROM positions p JOIN sleeves s ON s.id = p.sleeve_id "
            f"WHERE s.account_id IN ({marks})", account_ids):
        positions.setdefault(sleeve_id, {})[symbol] = _decimal(quantity)
    reports = load_custodian_reports(conn, account_ids)
    accounts = []
    for acc_id, name, custodian, type_, margin_enabled, house, max_leverage in conn.execute(
            "SELECT id, name, custodian, type, margin_enabled, house_maintenance, max_leverage FROM accounts "
            f"WHERE id IN ({marks}) ORDER BY id", account_ids):
        accounts.append(calc.trusted(calc.Account,
            id=acc_id, name=name, custodian=custodian, type=type_,
            margin_enabled=bool(margin_enabled), house_maintenance=_decimal(house),
            max_leverage=_decimal(max_leverage), maintenance_exemption=None,
            custodian_report=reports.get(acc_id),
            sleeves=[_trusted_sleeve(s, positions) for s in sleeves.get(acc_id, [])]))
    return accounts


def load_custodian_reports(conn: sqlite3.Connection, account_ids: list[str]) -> dict[str, CustodianReport]:
    """The custodian's last report on each of the accounts that has one (two queries; ids chunked by the caller)."""
    marks = ", ".join("?" * len(account_ids))
    held: dict[str, dict[str, Decimal]] = {}
    for account_id, symbol, quantity in conn.execute(
            f"SELECT account_id, symbol, quantity FROM custodian_positions WHERE account_id IN ({marks})",
            account_ids):
        held.setdefault(account_id, {})[symbol] = _decimal(quantity)
    return {account_id: calc.trusted(calc.CustodianReport,
                as_of=date.fromisoformat(as_of), positions=held.get(account_id, {}),
                cash=None if cash is None else _decimal(cash))
            for account_id, as_of, cash in conn.execute(
                f"SELECT account_id, as_of, cash FROM custodian_reports WHERE account_id IN ({marks})", account_ids)}


def account_from_book(data: dict[str, Any]) -> Account:
    """An account dict our own demo generator made (store/demo.py), as the book file's reader would build it (floats
    through their shortest repr, ints exactly, absent keys the models' defaults) without re-checking it.
    tests/unit/test_demo_write.py proves the demo's book equals the checked import's."""
    report = data.get("custodian_report")
    return calc.trusted(calc.Account,
        id=data["id"], name=data.get("name", ""), custodian=data.get("custodian", ""),
        type=data.get("type", "margin"), margin_enabled=data.get("margin_enabled", False),
        house_maintenance=_given(data, "house_maintenance", _account_default("house_maintenance")),
        maintenance_exemption=data.get("maintenance_exemption"),
        max_leverage=_given(data, "max_leverage", _account_default("max_leverage")),
        sleeves=[_book_sleeve(s) for s in data.get("sleeves", ())],
        custodian_report=None if report is None else calc.trusted(calc.CustodianReport,
            as_of=_date(report["as_of"]), positions=_shares(report.get("positions", {})),
            cash=None if report.get("cash") is None else dec(report["cash"])))


def _book_sleeve(data: dict[str, Any]) -> Sleeve:
    leverage = _given(data, "leverage", ONE)
    applied = data.get("applied_leverage")
    return calc.trusted(calc.Sleeve,
        id=data["id"], kind=data["kind"], model=data.get("model"), cash=_given(data, "cash", ZERO),
        positions=_shares(data.get("positions", {})), leverage=leverage,
        applied_leverage=leverage if applied is None else _number(applied),
        track_manager=data.get("track_manager", True), cash_reserve=_given(data, "cash_reserve", ZERO))


@lru_cache(maxsize=8)
def _account_default(field: str) -> Any:
    return calc.Account.__dataclass_fields__[field].default


# A float and an int that are equal (1.0, 1) are different Decimals ("1.0", "1"): typed, so each keeps its own.
_number = lru_cache(maxsize=4096, typed=True)(dec)
_date = lru_cache(maxsize=64)(date.fromisoformat)


def _given(data: dict[str, Any], key: str, default: Decimal) -> Decimal:
    value = data.get(key)
    return default if value is None else dec(value)


def _shares(positions: dict[str, Any]) -> dict[str, Decimal]:
    return {symbol: _number(quantity) for symbol, quantity in positions.items()}


def custodian_report_rows(account_id: str, report: CustodianReport, loaded_at: str, loaded_by: str,
                          source: str) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """A custodian report as its custodian_reports row and its custodian_positions rows."""
    head = {"account_id": account_id, "as_of": report.as_of.isoformat(),
            "cash": None if report.cash is None else str(report.cash), "loaded_at": loaded_at,
            "loaded_by": loaded_by, "source": source}
    return head, [{"account_id": account_id, "symbol": symbol, "quantity": str(quantity)}
                  for symbol, quantity in sorted(report.positions.items())]


# Stored decimals repeat (share counts, leverages, rates): one immutable Decimal per distinct text.
_decimal = lru_cache(maxsize=65536)(Decimal)


def _trusted_sleeve(s: tuple[Any, ...], positions: dict[str, dict[str, Decimal]]) -> Sleeve:
    """A sleeve from its row (account_id, id, kind, model, cash_cents, leverage, applied, track, reserve)."""
    return calc.trusted(calc.Sleeve,
        id=s[1], kind=s[2], model=s[3], cash=from_cents(s[4]), positions=positions.get(s[1], {}),
        leverage=_decimal(s[5]), applied_leverage=_decimal(s[6]), track_manager=bool(s[7]),
        cash_reserve=_decimal(s[8]))


def _rows(conn: sqlite3.Connection, sql: str, params: list[Any] | None = None) -> list[dict[str, Any]]:
    cursor = conn.execute(sql, params or [])
    names = [c[0] for c in cursor.description]
    return [dict(zip(names, row)) for row in cursor.fetchall()]


rows = _rows


# -- views ------------------------------------------------------------------------------------------------


def account_row_from_row(r: dict[str, Any], stale: bool) -> AccountRow:
    """A browser line from the stored summary; STALE_PRICES is live (it depends on the clock, not a write)."""
    stored = r["diag_codes"].split()
    return views.AccountRow(
        id=r["id"], name=r["name"], custodian=r["custodian"], type=r["type"],
        margin_enabled=bool(r["margin_enabled"]), nav=from_cents(r["nav_cents"]),
        max_saved_leverage=Decimal(str(r["max_saved_leverage"])),
        codes=tuple(c for c in DIAGNOSTIC_CODES if c in stored or (c == "STALE_PRICES" and stale)),
        max_applied_leverage=(None if "max_applied" not in r or r["max_applied"] is None
                              else Decimal(str(r["max_applied"]))),
    )


def order_from_row(r: dict[str, Any]) -> OrderRecord:
    return views.OrderRecord(
        id=r["id"], acr_id=r["acr_id"], seq=r["seq"], account_id=r["account_id"], sleeve_id=r["sleeve_id"],
        symbol=r["symbol"], side=r["side"], quantity=Decimal(r["quantity"]), price=Decimal(r["price"]),
        status=r["status"], filled_quantity=Decimal(r["filled_quantity"]),
        fill_price=Decimal(r["fill_price"]) if r["fill_price"] else None, reason=r["reason"],
    )


def acr_from_row(r: dict[str, Any], orders: list[OrderRecord], replayed: bool = False) -> AcrRecord:
    from calc.approvals import AcrLifecycle  # an ACR's: not imported on the browser's path

    return views.AcrRecord(
        id=r["id"], request_key=r["request_key"], account_id=r["account_id"], sleeve_id=r["sleeve_id"],
        kind=r["kind"], amount=from_cents(r["amount_cents"]), leverage=Decimal(r["leverage"]), status=r["status"],
        code=r["code"], reason=r["reason"], fix=calc.FAILURE_FIXES.get(r["code"] or "") or LIFECYCLE_FIXES.get(r["code"] or "", ""),
        checklist=json.loads(r["checklist"]), operator=r["operator"], created_at=r["created_at"],
        orders=orders, replayed=replayed, walkthrough_run=r.get("walkthrough_run"), lifecycle=AcrLifecycle(
            requesters=tuple(json.loads(r.get("requesters") or "[]")) or (r["operator"],),
            decided_by=r.get("decided_by"), decided_at=r.get("decided_at"),
            decision_reason=r.get("decision_reason") or "",
            preview=json.loads(r["preview"]) if r.get("preview") else None, resubmit_of=r.get("resubmit_of"),
            submitted_at=r.get("submitted_at")),
    )


def audit_from_row(r: dict[str, Any]) -> AuditRecord:
    return views.AuditRecord(r["id"], r["at"], r["operator"], r["action"], r["account_id"], r["sleeve_id"],
                             json.loads(r["detail"]))


def step_from_row(r: dict[str, Any]) -> StepRecord:
    from calc.run_views import StepRecord  # the walkthrough's rules: not imported on the browser's path

    return StepRecord(r["id"], r["step"], r["outcome"], r["reason"], r["evaluated"], r["confirmed"], r["acr_id"],
                      r["operator"], r["at"])
