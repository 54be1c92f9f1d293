"""Rows <-> calc models, and the per-account summary (NAV, highest saved leverage, diagnostics) kept on writes."""
from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import lru_cache
from typing import Any

import sqlite_utils

from calc import Account, CalcSettings, Diagnostic, Model, Price, Sleeve, diagnose, market_value
from calc.money import cents_int, from_cents

# STALE_PRICES depends on the clock, not on a write, so queries compute it live instead of caching it.
LIVE_CODES = frozenset({"STALE_PRICES"})


def price_from_row(row: dict[str, Any]) -> Price:
    return _price(row["symbol"], row["price"], row["as_of"], row["marginable"], row["maintenance"],
                  row["leverage_factor"])


@lru_cache(maxsize=4096)
def _price(symbol: str, price: str, as_of: str, marginable: int, maintenance: str | None,
           leverage_factor: str | None) -> Price:
    """One Price per distinct row: Price is frozen, and validating it is most of the cost of loading prices,
    which every detail, ACR and summary refresh does."""
    return Price(
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
    return Model(
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


def load_prices(db: sqlite_utils.Database) -> dict[str, Price]:
    return {r[0]: _price(*r) for r in db.execute(
        "SELECT symbol, price, as_of, marginable, maintenance, leverage_factor FROM prices").fetchall()}


def load_models(db: sqlite_utils.Database) -> dict[str, Model]:
    return {r[0]: _model(*r) for r in db.execute(
        "SELECT id, name, manager, tactical, cash, weights FROM models").fetchall()}


def load_account(db: sqlite_utils.Database, account_id: str) -> tuple[Account, dict[str, int], int] | None:
    """The account as a calc model, its sleeves' versions, and its own version; None if absent."""
    rows = _rows(db, "SELECT * FROM accounts WHERE id = ?", [account_id])
    if not rows:
        return None
    acc = rows[0]
    sleeves = _rows(db, "SELECT * FROM sleeves WHERE account_id = ? ORDER BY seq", [account_id])
    positions: dict[str, dict[str, Decimal]] = {s["id"]: {} for s in sleeves}
    for p in _rows(db, "SELECT p.sleeve_id, p.symbol, p.quantity FROM positions p JOIN sleeves s "
                       "ON s.id = p.sleeve_id WHERE s.account_id = ?", [account_id]):
        positions[p["sleeve_id"]][p["symbol"]] = Decimal(p["quantity"])
    account = Account(
        id=acc["id"], name=acc["name"], custodian=acc["custodian"], type=acc["type"],
        margin_enabled=bool(acc["margin_enabled"]), house_maintenance=Decimal(acc["house_maintenance"]),
        max_leverage=Decimal(acc["max_leverage"]),
        sleeves=[
            Sleeve(
                id=s["id"], kind=s["kind"], model=s["model"], cash=from_cents(s["cash_cents"]),
                positions=positions[s["id"]], leverage=Decimal(s["leverage"]),
                applied_leverage=Decimal(s["applied_leverage"]), track_manager=bool(s["track_manager"]),
                cash_reserve=Decimal(s["cash_reserve"]),
            )
            for s in sleeves
        ],
    )
    return account, {s["id"]: s["version"] for s in sleeves}, acc["version"]


@dataclass(frozen=True)
class Summary:
    """What the account browser and the doctor read without loading the account."""

    nav_cents: int
    max_saved_leverage: float
    diagnostics: list[Diagnostic]

    @property
    def cached(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.code not in LIVE_CODES]

    @property
    def codes(self) -> str:
        seen: list[str] = []
        for d in self.cached:
            if d.code not in seen:
                seen.append(d.code)
        return " ".join(seen)


def summarize(account: Account, prices: dict[str, Price], models: dict[str, Model], today: date,
              settings: CalcSettings) -> Summary:
    nav = sum((market_value(s.positions, prices) + s.cash for s in account.sleeves), Decimal(0))
    top = max((s.leverage for s in account.sleeves if s.kind == "model"), default=Decimal(1))
    return Summary(cents_int(nav), float(top), diagnose(account, prices, models, today, settings))


def write_summary(db: sqlite_utils.Database, account_id: str, summary: Summary) -> None:
    """Replace the cached summary and diagnostics of one account (inside the caller's transaction)."""
    db.execute("UPDATE accounts SET nav_cents = ?, max_saved_leverage = ?, diag_codes = ? WHERE id = ?",
               [summary.nav_cents, summary.max_saved_leverage, summary.codes, account_id])
    db.execute("DELETE FROM account_diagnostics WHERE account_id = ?", [account_id])
    db.conn.executemany(
        "INSERT INTO account_diagnostics (account_id, code, sleeve_id, detail) VALUES (?, ?, ?, ?)",
        [(account_id, d.code, d.sleeve_id, d.detail) for d in summary.cached],
    )


def refresh_summary(db: sqlite_utils.Database, account: Account, today: date, settings: CalcSettings) -> None:
    """Recompute and store one account's summary after a write (inside the caller's transaction)."""
    write_summary(db, account.id, summarize(account, load_prices(db), load_models(db), today, settings))


def _rows(db: sqlite_utils.Database, sql: str, params: list[Any] | None = None) -> list[dict[str, Any]]:
    cursor = db.execute(sql, params or [])
    names = [c[0] for c in cursor.description]
    return [dict(zip(names, row)) for row in cursor.fetchall()]


rows = _rows
