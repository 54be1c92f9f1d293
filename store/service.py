"""The store's services: every write is one transaction plus an audit row; reads return views."""
from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Callable
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import sqlite_utils

from calc import (
    ACR_KINDS, FAILURE_FIXES, KINDS_WITH_AMOUNT, Account, CalcSettings, Checklist, account_margin, actual_leverage,
    build_acr, diagnose, evaluate_checklist, invested_ratio, market_value, sleeve_equity,
)
from calc.build import cash_movement
from calc.checklist import ACK_IDS
from calc.diagnostics import DIAGNOSTIC_CODES
from calc.models import READ_ONLY_KINDS, REGT_MAX_LEVERAGE
from calc.money import cents_int, from_cents
from store.book import Book, parse_book, read_book_file, write_book
from store.db import connect, write
from store.errors import Conflict, InvalidInput, NotFound, Refused
from store.records import load_account, load_models, load_prices, refresh_summary, rows
from store.settings import Settings
from store.views import (
    AccountDetail, AccountPage, AccountRow, AcrPreview, AcrRecord, AuditRecord, DoctorFinding, DoctorReport,
    OrderRecord, SleeveView,
)

Clock = Callable[[], datetime]
Progress = Callable[[int], None]
FILL_STATUSES = ("filled", "partially_filled", "rejected", "cancelled")
PROBE_WALK_LIMIT = 500
FTS_PREFIX_MAX = 3  # accounts_fts is built with prefix="1 2 3"


def utc_now() -> datetime:
    return datetime.now(timezone.utc)


def fts_query(text: str) -> str | None:
    """Each word of the filter becomes a prefix term; all must match (id, name or custodian)."""
    words = re.findall(r"[0-9A-Za-z]+", text)
    if not words:
        return None
    return " AND ".join(f'"{w}"*' for w in words)


class Store:
    """One connection to the book; create one per thread."""

    def __init__(self, path: Path | str, settings: Settings | None = None, clock: Clock | None = None) -> None:
        self.settings = settings or Settings()
        self.path = Path(path)
        self.clock = clock or utc_now
        self.db: sqlite_utils.Database = connect(path, self.settings.busy_timeout_ms)

    def close(self) -> None:
        self.db.conn.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- time and settings ---------------------------------------------------------------------------

    def today(self) -> date:
        return self.clock().date()

    def _now(self) -> str:
        return self.clock().isoformat(timespec="seconds")

    def calc_settings(self, annual_rate: Decimal = Decimal(0)) -> CalcSettings:
        return self.settings.calc_settings(annual_rate)

    def annual_rate(self, custodian: str, debit: Decimal) -> Decimal:
        """The custodian's tiered margin rate for a debit of this size (0 when the book has no table)."""
        row = self.db.execute(
            "SELECT annual_rate FROM rates WHERE custodian = ? AND min_debit_cents <= ? "
            "ORDER BY min_debit_cents DESC LIMIT 1", [custodian, cents_int(debit)]).fetchone()
        return Decimal(row[0]) if row else Decimal(0)

    def _audit(self, operator: str, action: str, account_id: str | None, sleeve_id: str | None,
               detail: dict[str, Any]) -> None:
        self.db.execute(
            "INSERT INTO audit (at, operator, action, account_id, sleeve_id, detail) VALUES (?, ?, ?, ?, ?, ?)",
            [self._now(), operator, action, account_id, sleeve_id, json.dumps(detail, default=str, sort_keys=True)])

    def _refresh(self, account_id: str) -> None:
        loaded = load_account(self.db, account_id)
        assert loaded is not None
        refresh_summary(self.db, loaded[0], self.today(), self.calc_settings())

    # -- book ----------------------------------------------------------------------------------------

    def account_count(self) -> int:
        return self.db.execute("SELECT count(*) FROM accounts").fetchone()[0]

    def parse(self, data: Any) -> Book:
        known_accounts = {r[0] for r in self.db.execute("SELECT id FROM accounts")} if self.account_count() else set()
        known_models = {r[0] for r in self.db.execute("SELECT id FROM models")}
        known_sleeves = {r[0] for r in self.db.execute("SELECT id FROM sleeves")} if known_accounts else set()
        return parse_book(data, known_accounts, known_models, known_sleeves)

    def import_book(self, data: Any, operator: str, progress: Progress | None = None,
                    source: str = "import") -> dict[str, int]:
        """Validate the whole book, then write it in one transaction; any bad row writes nothing."""
        book = self.parse(data)
        with write(self.db):
            write_book(self.db, book, self.today(), self.calc_settings(), progress)
            counts = {"prices": len(book.prices), "models": len(book.models), "rates": len(book.rates),
                      "accounts": len(book.accounts), "sleeves": sum(len(a.sleeves) for a in book.accounts)}
            self._audit(operator, source, None, None, counts)
        return counts

    def import_file(self, path: Path | str, operator: str, progress: Progress | None = None) -> dict[str, int]:
        return self.import_book(read_book_file(path), operator, progress, source=f"import {Path(path).name}")

    def generate_demo(self, accounts: int, seed: int, operator: str, progress: Progress | None = None) -> dict[str, int]:
        """A deterministic demo book written into an empty store."""
        from store.demo import generate_book

        if accounts < 1:
            raise InvalidInput("the demo needs at least 1 account")
        if self.account_count():
            raise Refused(f"{self.path} already holds {self.account_count():,} accounts: use a new --db for the demo")
        return self.import_book(generate_book(accounts, seed, self.today()), operator, progress,
                                source=f"demo seed={seed}")

    # -- sleeves -------------------------------------------------------------------------------------

    def _sleeve_row(self, sleeve_id: str) -> dict[str, Any]:
        found = rows(self.db, "SELECT * FROM sleeves WHERE id = ?", [sleeve_id])
        if not found:
            raise NotFound(f"no sleeve {sleeve_id}")
        return found[0]

    def _check_version(self, row: dict[str, Any], expected: int | None) -> None:
        if expected is not None and row["version"] != expected:
            who = row["updated_by"] or "another operator"
            when = f" at {row['updated_at']}" if row["updated_at"] else ""
            raise Conflict(f"sleeve {row['id']} was changed by {who}{when} since you opened it "
                           f"(version {expected} -> {row['version']}): reload and try again")

    def _editable_sleeve(self, sleeve_id: str, expected_version: int | None) -> dict[str, Any]:
        row = self._sleeve_row(sleeve_id)
        if row["kind"] == "apm":
            raise Refused(f"{sleeve_id} is the APM: leverage belongs on a model sleeve, never the APM")
        if row["kind"] in READ_ONLY_KINDS:
            raise Refused(f"{sleeve_id} is a {row['kind']} sleeve, which this console shows read-only")
        self._check_version(row, expected_version)
        return row

    def set_leverage(self, sleeve_id: str, leverage: Decimal, operator: str,
                     expected_version: int | None = None) -> int:
        """Save a model sleeve's leverage target (no trades); returns the sleeve's new version."""
        if not leverage.is_finite():
            raise InvalidInput(f"leverage must be a number, got {leverage}")
        with write(self.db):
            row = self._editable_sleeve(sleeve_id, expected_version)
            account = rows(self.db, "SELECT max_leverage FROM accounts WHERE id = ?", [row["account_id"]])[0]
            top = min(Decimal(account["max_leverage"]), REGT_MAX_LEVERAGE)
            if not (Decimal(1) <= leverage <= top):
                raise InvalidInput(f"leverage must be between 1.0 and {top} for this account, got {leverage}")
            if leverage.as_tuple().exponent < -4:  # type: ignore[operator]
                raise InvalidInput(f"leverage takes at most 4 decimal places, got {leverage}")
            before = row["leverage"]
            self.db.execute("UPDATE sleeves SET leverage = ?, version = version + 1, target_version = target_version + 1, "
                            "updated_by = ?, updated_at = ? WHERE id = ?", [str(leverage), operator, self._now(), sleeve_id])
            self._audit(operator, "set-leverage", row["account_id"], sleeve_id,
                        {"from": before, "to": str(leverage), "applied": row["applied_leverage"]})
            self._refresh(row["account_id"])
            return row["version"] + 1

    def set_track_manager(self, sleeve_id: str, on: bool, operator: str, expected_version: int | None = None) -> int:
        """Save the track-manager toggle (no trades); returns the sleeve's new version."""
        with write(self.db):
            row = self._editable_sleeve(sleeve_id, expected_version)
            self.db.execute("UPDATE sleeves SET track_manager = ?, version = version + 1, "
                            "target_version = target_version + 1, updated_by = ?, updated_at = ? WHERE id = ?", [int(on), operator, self._now(), sleeve_id])
            self._audit(operator, "track-manager", row["account_id"], sleeve_id,
                        {"from": bool(row["track_manager"]), "to": on})
            self._refresh(row["account_id"])
            return row["version"] + 1

    def confirm_custodian_margin(self, account_id: str, enabled: bool, operator: str, reference: str = "",
                                 expected_version: int | None = None) -> int:
        """Record what the custodian confirmed about margin on the account; returns the account's new version."""
        with write(self.db):
            found = rows(self.db, "SELECT * FROM accounts WHERE id = ?", [account_id])
            if not found:
                raise NotFound(f"no account {account_id}")
            row = found[0]
            if expected_version is not None and row["version"] != expected_version:
                who = row["updated_by"] or "another operator"
                raise Conflict(f"account {account_id} was changed by {who} since you opened it: reload and try again")
            if enabled and row["type"] != "margin":
                raise Refused(f"{account_id} is a {row['type']} account: a custodian cannot enable margin on it")
            self.db.execute("UPDATE accounts SET margin_enabled = ?, version = version + 1, updated_by = ?, "
                            "updated_at = ? WHERE id = ?", [int(enabled), operator, self._now(), account_id])
            self._audit(operator, "custodian-margin", account_id, None,
                        {"from": bool(row["margin_enabled"]), "to": enabled, "reference": reference})
            self._refresh(account_id)
            return row["version"] + 1

    # -- ACRs ----------------------------------------------------------------------------------------

    def _account_of(self, sleeve_id: str) -> tuple[Account, dict[str, int], int]:
        row = self._sleeve_row(sleeve_id)
        loaded = load_account(self.db, row["account_id"])
        assert loaded is not None
        return loaded

    def _checked_kind(self, kind: str, amount: Decimal) -> Decimal:
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

    def preview_acr(self, sleeve_id: str, kind: str, amount: Decimal = Decimal(0),
                    acknowledged: frozenset[str] | set[str] = frozenset(),
                    leverage: Decimal | None = None, track_manager: bool | None = None) -> AcrPreview:
        """The build and checklist an ACR would have now (or at another leverage / toggle); writes nothing."""
        amount = self._checked_kind(kind, amount)
        account, _, _ = self._account_of(sleeve_id)
        sleeve = account.sleeve(sleeve_id)
        if track_manager is not None and sleeve.kind == "model":
            sleeve = sleeve.model_copy(update={"track_manager": track_manager})
            account = account.model_copy(update={"sleeves": [sleeve if s.id == sleeve_id else s
                                                             for s in account.sleeves]})
        if sleeve.kind != "model":
            raise Refused(f"{sleeve_id} is the {sleeve.kind.upper() if sleeve.kind == 'apm' else sleeve.kind} "
                          f"sleeve: ACRs rebuild model sleeves only")
        prices, models = load_prices(self.db), load_models(self.db)
        settings = self._account_settings(account)
        build = build_acr(account, sleeve_id, kind, prices, models, self.today(), settings, amount, leverage)
        if build.projected_margin is not None:
            # Interest on the projected debit is charged at that debit's tier, not today's.
            rate = self.annual_rate(account.custodian, build.projected_margin.debit)
            if rate != settings.annual_rate:
                build = build_acr(account, sleeve_id, kind, prices, models, self.today(),
                                  self.calc_settings(rate), amount, leverage)
        return AcrPreview(account, sleeve_id, kind, amount, build,
                          evaluate_checklist(account, sleeve_id, kind, build, acknowledged))

    def _account_settings(self, account: Account) -> CalcSettings:
        debit = max(Decimal(0), -sum((s.cash for s in account.sleeves), Decimal(0)))
        return self.calc_settings(self.annual_rate(account.custodian, debit))

    def default_request_key(self, sleeve_id: str, kind: str, amount: Decimal) -> str:
        """The same command against the same saved target, account and prices on the same day is a retry.

        The ACR itself changes cash and applied leverage, so the key rests on what only the operator or a
        price load changes; a retried command returns the first ACR, failed or built.
        """
        row = self._sleeve_row(sleeve_id)
        account_version = self.db.execute("SELECT version FROM accounts WHERE id = ?",
                                          [row["account_id"]]).fetchone()[0]
        prices = self.db.execute("SELECT max(as_of), count(*) FROM prices").fetchone()
        return (f"auto:{sleeve_id}:{kind}:{amount}:t{row['target_version']}:a{account_version}:"
                f"p{prices[0]}/{prices[1]}:{self.today().isoformat()}")

    def fire_acr(self, sleeve_id: str, kind: str, operator: str, amount: Decimal = Decimal(0),
                 acknowledged: frozenset[str] | set[str] = frozenset(), request_key: str | None = None,
                 expected_version: int | None = None) -> AcrRecord:
        """Checklist, build and write in one transaction; a repeated request key returns the first ACR."""
        amount = self._checked_kind(kind, amount)
        unknown = set(acknowledged) - set(ACK_IDS)
        if unknown:
            raise InvalidInput(f"unknown acknowledgement(s): {', '.join(sorted(unknown))}; "
                               f"known: {', '.join(ACK_IDS)}")
        key = request_key or self.default_request_key(sleeve_id, kind, amount)
        with write(self.db):
            existing = self.db.execute("SELECT id FROM acrs WHERE request_key = ?", [key]).fetchone()
            if existing:
                return self._acr(existing[0], replayed=True)
            row = self._sleeve_row(sleeve_id)
            if row["kind"] != "model":
                raise Refused(f"{sleeve_id} is a {row['kind']} sleeve: ACRs rebuild model sleeves only")
            self._check_version(row, expected_version)
            preview = self.preview_acr(sleeve_id, kind, amount, acknowledged)
            build, checklist = preview.build, preview.checklist
            if not checklist.failed and checklist.awaiting:
                raise Refused("the checklist has open items: " + "; ".join(
                    f"{i.id} ({i.title})" for i in checklist.awaiting) + ". Acknowledge them (--ack all) to fire")
            now = self._now()
            code = None if checklist.can_fire else (checklist.blocking_code or build.code or "CHECKLIST_FAILED")
            status = "failed" if code else ("built" if build.orders else "complete")
            reason = "" if not code else (build.reason if code == build.code else "; ".join(
                f"{i.title}: {i.detail}" for i in checklist.failed))
            cursor = self.db.execute(
                "INSERT INTO acrs (request_key, account_id, sleeve_id, kind, amount_cents, leverage, status, code, "
                "reason, checklist, operator, created_at, updated_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
                [key, row["account_id"], sleeve_id, kind, cents_int(amount), str(build.leverage), status, code,
                 reason, json.dumps(_checklist_json(checklist)), operator, now, now])
            acr_id = cursor.lastrowid
            if code is None:
                self._apply_build(acr_id, row, preview, operator, now)
            self._audit(operator, "acr-failed" if code else "acr-built", row["account_id"], sleeve_id,
                        {"acr": acr_id, "kind": kind, "amount": str(amount), "leverage": str(build.leverage),
                         "code": code, "orders": len(build.orders) if code is None else 0,
                         "acknowledged": sorted(acknowledged)})
            return self._acr(acr_id)

    def _apply_build(self, acr_id: int, row: dict[str, Any], preview: AcrPreview, operator: str, now: str) -> None:
        build = preview.build
        self.db.conn.executemany(
            "INSERT INTO orders (acr_id, seq, sleeve_id, symbol, side, quantity, price) VALUES (?,?,?,?,?,?,?)",
            [(acr_id, seq, o.sleeve_id, o.symbol, o.side, str(o.quantity), str(o.price))
             for seq, o in enumerate(build.orders)])
        sleeve_delta, apm_delta = cash_movement(preview.kind, preview.amount)
        self.db.execute(
            "UPDATE sleeves SET applied_leverage = ?, cash_cents = cash_cents + ?, version = version + 1, "
            "updated_by = ?, updated_at = ? WHERE id = ?",
            [str(build.leverage), cents_int(sleeve_delta), operator, now, row["id"]])
        if apm_delta:
            apm = preview.account.apm
            assert apm is not None  # the build refuses APM-funded kinds without an APM
            self.db.execute("UPDATE sleeves SET cash_cents = cash_cents + ?, version = version + 1, updated_by = ?, "
                            "updated_at = ? WHERE id = ?", [cents_int(apm_delta), operator, now, apm.id])
        self._refresh(row["account_id"])

    # -- fills ---------------------------------------------------------------------------------------

    def simulate_fills(self, acr_id: int, operator: str) -> AcrRecord:
        """Fill every open order of an ACR at its order price (demo and training)."""
        with write(self.db):
            acr = self._acr(acr_id)
            open_orders = [o for o in acr.orders if o.status == "new"]
            if acr.failed:
                raise Refused(f"ACR {acr_id} failed ({acr.code}): it has no orders to fill")
            if not open_orders:
                raise Refused(f"ACR {acr_id} has no open orders (status {acr.status})")
            for order in open_orders:
                self._fill(order, "filled", order.quantity, order.price, "")
            return self._finish_fills([acr_id], operator, {"simulated": len(open_orders)})[0]

    def apply_fills_csv(self, text: str, operator: str) -> list[AcrRecord]:
        """Apply a custodian fill file (order_id,status,filled_quantity,fill_price[,reason]); all or nothing."""
        reader = csv.DictReader(io.StringIO(text))
        needed = {"order_id", "status", "filled_quantity", "fill_price"}
        if reader.fieldnames is None or not needed <= set(reader.fieldnames):
            raise InvalidInput(f"the fill file needs the columns {', '.join(sorted(needed))}")
        problems: list[str] = []
        planned: list[tuple[OrderRecord, str, Decimal, Decimal, str]] = []
        seen: set[int] = set()
        records = list(reader)
        with write(self.db):
            for line, rec in enumerate(records, start=2):
                try:
                    order_id = int(rec.get("order_id") or "")
                    qty = Decimal(rec.get("filled_quantity") or "0")
                    price = Decimal(rec.get("fill_price") or "0")
                except (ValueError, InvalidOperation):
                    problems.append(f"line {line}: order_id, filled_quantity and fill_price must be numbers")
                    continue
                status = (rec.get("status") or "").strip()
                order = self._order(order_id)
                if order is None:
                    problems.append(f"line {line}: no order {order_id}")
                elif order_id in seen:
                    problems.append(f"line {line}: order {order_id} appears twice")
                elif order.status != "new":
                    problems.append(f"line {line}: order {order_id} is already {order.status}")
                elif status not in FILL_STATUSES:
                    problems.append(f"line {line}: status must be one of {', '.join(FILL_STATUSES)}")
                elif not qty.is_finite() or qty < 0 or qty > order.quantity:
                    problems.append(f"line {line}: filled_quantity must be 0 to {order.quantity}")
                elif status in ("filled", "partially_filled") and (not price.is_finite() or price <= 0):
                    problems.append(f"line {line}: fill_price must be positive")
                elif status == "filled" and qty != order.quantity:
                    problems.append(f"line {line}: a filled order fills its whole quantity {order.quantity}")
                else:
                    seen.add(order_id)
                    planned.append((order, status, qty, price, (rec.get("reason") or "").strip()))
            if problems:
                raise InvalidInput(f"the fill file has {len(problems)} problem(s); nothing was applied", problems)
            if not planned:
                raise InvalidInput("the fill file has no rows")
            for order, status, qty, price, reason in planned:
                self._fill(order, status, qty, price, reason)
            return self._finish_fills(sorted({o.acr_id for o, *_ in planned}), operator, {"rows": len(planned)})

    def _fill(self, order: OrderRecord, status: str, qty: Decimal, price: Decimal, reason: str) -> None:
        signed = qty if order.side == "buy" else -qty
        if qty:
            held = self.db.execute("SELECT quantity FROM positions WHERE sleeve_id = ? AND symbol = ?",
                                   [order.sleeve_id, order.symbol]).fetchone()
            new_qty = (Decimal(held[0]) if held else Decimal(0)) + signed
            if new_qty < 0:
                raise Refused(f"order {order.id} would sell more {order.symbol} than {order.sleeve_id} holds")
            if new_qty:
                self.db.execute("INSERT INTO positions (sleeve_id, symbol, quantity) VALUES (?, ?, ?) "
                                "ON CONFLICT (sleeve_id, symbol) DO UPDATE SET quantity = excluded.quantity",
                                [order.sleeve_id, order.symbol, str(new_qty)])
            else:
                self.db.execute("DELETE FROM positions WHERE sleeve_id = ? AND symbol = ?",
                                [order.sleeve_id, order.symbol])
            self.db.execute("UPDATE sleeves SET cash_cents = cash_cents - ?, version = version + 1 WHERE id = ?",
                            [cents_int(signed * price), order.sleeve_id])
        self.db.execute("UPDATE orders SET status = ?, filled_quantity = ?, fill_price = ?, reason = ? WHERE id = ?",
                        [status, str(qty), str(price) if qty else None, reason, order.id])

    def _finish_fills(self, acr_ids: list[int], operator: str, detail: dict[str, Any]) -> list[AcrRecord]:
        done = []
        for acr_id in acr_ids:
            acr = self._acr(acr_id)
            statuses = {o.status for o in acr.orders}
            if "new" in statuses:
                status = "submitted"
            elif statuses <= {"filled"}:
                status = "complete"
            else:
                status = "complete_with_errors"
            self.db.execute("UPDATE acrs SET status = ?, updated_at = ? WHERE id = ?", [status, self._now(), acr_id])
            self._audit(operator, "fills", acr.account_id, acr.sleeve_id, {"acr": acr_id, "status": status, **detail})
            self._refresh(acr.account_id)
            done.append(self._acr(acr_id))
        return done

    # -- reads ---------------------------------------------------------------------------------------

    def _order(self, order_id: int) -> OrderRecord | None:
        found = self._orders("WHERE o.id = ?", [order_id])
        return found[0] if found else None

    def _orders(self, where: str, params: list[Any]) -> list[OrderRecord]:
        return [
            OrderRecord(
                id=r["id"], acr_id=r["acr_id"], seq=r["seq"], account_id=r["account_id"], sleeve_id=r["sleeve_id"],
                symbol=r["symbol"], side=r["side"], quantity=Decimal(r["quantity"]), price=Decimal(r["price"]),
                status=r["status"], filled_quantity=Decimal(r["filled_quantity"]),
                fill_price=Decimal(r["fill_price"]) if r["fill_price"] else None, reason=r["reason"],
            )
            for r in rows(self.db, "SELECT o.*, a.account_id FROM orders o JOIN acrs a ON a.id = o.acr_id "
                                   f"{where} ORDER BY o.acr_id, o.seq", params)
        ]

    def orders(self, acr_id: int | None = None, account_id: str | None = None) -> list[OrderRecord]:
        if acr_id is not None:
            self._acr(acr_id)
            return self._orders("WHERE o.acr_id = ?", [acr_id])
        if account_id is not None:
            return self._orders("WHERE a.account_id = ?", [account_id])
        return self._orders("", [])

    def _acr(self, acr_id: int, replayed: bool = False) -> AcrRecord:
        found = rows(self.db, "SELECT * FROM acrs WHERE id = ?", [acr_id])
        if not found:
            raise NotFound(f"no ACR {acr_id}")
        r = found[0]
        return AcrRecord(
            id=r["id"], request_key=r["request_key"], account_id=r["account_id"], sleeve_id=r["sleeve_id"],
            kind=r["kind"], amount=from_cents(r["amount_cents"]), leverage=Decimal(r["leverage"]), status=r["status"],
            code=r["code"], reason=r["reason"], fix=FAILURE_FIXES.get(r["code"] or "", ""),
            checklist=json.loads(r["checklist"]), operator=r["operator"], created_at=r["created_at"],
            orders=self._orders("WHERE o.acr_id = ?", [acr_id]), replayed=replayed,
        )

    def acr(self, acr_id: int) -> AcrRecord:
        return self._acr(acr_id)

    def acrs(self, account_id: str | None = None, limit: int = 100) -> list[AcrRecord]:
        if account_id is not None:
            ids = self.db.execute("SELECT id FROM acrs WHERE account_id = ? ORDER BY id DESC LIMIT ?",
                                  [account_id, limit]).fetchall()
        else:
            ids = self.db.execute("SELECT id FROM acrs ORDER BY id DESC LIMIT ?", [limit]).fetchall()
        return [self._acr(i[0]) for i in ids]

    def _stale_cutoff(self) -> str:
        return (self.today() - timedelta(days=self.settings.max_price_age_days)).isoformat()

    def account_page(self, text: str = "", limit: int = 50, offset: int = 0) -> AccountPage:
        """One page of the account browser, filtered in SQL (FTS5 prefix terms) and ordered by id."""
        if limit < 1 or offset < 0:
            raise InvalidInput("limit must be at least 1 and offset at least 0")
        query = fts_query(text)
        stale = ("EXISTS (SELECT 1 FROM sleeves s JOIN positions p ON p.sleeve_id = s.id JOIN prices pr "
                 "ON pr.symbol = p.symbol WHERE s.account_id = a.id AND pr.as_of < :cutoff) AS stale")
        columns = f"a.id, a.name, a.custodian, a.type, a.margin_enabled, a.nav_cents, a.max_saved_leverage, " \
                  f"a.diag_codes, {stale}"
        params: dict[str, Any] = {"cutoff": self._stale_cutoff(), "limit": limit, "offset": offset}
        book_size = self.account_count()
        if query is None:
            where, total = "", book_size
        else:
            params["q"] = query
            total = self.db.execute("SELECT count(*) FROM accounts_fts WHERE accounts_fts MATCH :q", params).fetchone()[0]
            # A broad filter ("s") finds its first page soonest by walking the id index and probing the
            # full-text index per row; a narrow one by collecting its few matches first. Probing is only
            # cheap for prefixes the index stores (1-3 characters): a longer prefix costs ~2 ms a probe.
            rows_walked = (offset + limit) * book_size / max(total, 1)
            short_prefixes = all(len(w) <= FTS_PREFIX_MAX for w in re.findall(r"[0-9A-Za-z]+", text))
            if total and short_prefixes and rows_walked <= PROBE_WALK_LIMIT:
                where = ("WHERE EXISTS (SELECT 1 FROM accounts_fts f WHERE f.accounts_fts MATCH :q "
                         "AND f.rowid = a.rowid)")
            else:
                where = "WHERE a.rowid IN (SELECT rowid FROM accounts_fts WHERE accounts_fts MATCH :q)"
        found = rows(self.db, f"SELECT {columns} FROM accounts a {where} ORDER BY a.id LIMIT :limit OFFSET :offset",
                     params) if total else []
        return AccountPage(
            rows=[
                AccountRow(
                    id=r["id"], name=r["name"], custodian=r["custodian"], type=r["type"],
                    margin_enabled=bool(r["margin_enabled"]), nav=from_cents(r["nav_cents"]),
                    max_saved_leverage=Decimal(str(r["max_saved_leverage"])),
                    codes=tuple(c for c in DIAGNOSTIC_CODES
                                if c in r["diag_codes"].split() or (c == "STALE_PRICES" and r["stale"])),
                )
                for r in found
            ],
            total=total, book_size=book_size, offset=offset, limit=limit,
        )

    def account_detail(self, account_id: str) -> AccountDetail:
        """One account with its sleeves' three leverage numbers, margin figures and live diagnostics."""
        loaded = load_account(self.db, account_id)
        if loaded is None:
            raise NotFound(f"no account {account_id}")
        account, versions, version = loaded
        prices = load_prices(self.db)
        models = load_models(self.db)
        settings = self._account_settings(account)
        figures = account_margin(account, prices, settings.annual_rate, settings.initial_margin)
        views = []
        for s in account.sleeves:
            model = models.get(s.model or "")
            views.append(SleeveView(
                id=s.id, kind=s.kind, model=s.model, model_name=model.name if model else "",
                tactical=bool(model and model.tactical), saved=s.leverage, applied=s.applied,
                actual=actual_leverage(s, prices),
                target_invested=invested_ratio(s.applied, model, s.track_manager, s.cash_reserve) if model else None,
                track_manager=s.track_manager, cash_reserve=s.cash_reserve, cash=s.cash,
                exposure=market_value(s.positions, prices), equity=sleeve_equity(s, prices), version=versions[s.id],
                positions=dict(s.positions),
            ))
        return AccountDetail(
            account=account, version=version, sleeves=views, margin=figures, annual_rate=settings.annual_rate,
            diagnostics=diagnose(account, prices, models, self.today(), settings, figures),
            nav=sum((v.equity for v in views), Decimal(0)),
        )

    def sleeve_account_id(self, sleeve_id: str) -> str:
        return self._sleeve_row(sleeve_id)["account_id"]

    def doctor(self) -> DoctorReport:
        """Every diagnostic across the book, grouped by code (STALE_PRICES computed live)."""
        findings: dict[str, list[DoctorFinding]] = {}
        for code, account_id, sleeve_id, detail in self.db.execute(
                "SELECT code, account_id, sleeve_id, detail FROM account_diagnostics ORDER BY account_id"):
            findings.setdefault(code, []).append(DoctorFinding(account_id, sleeve_id, detail))
        for account_id, symbols in self.db.execute(
                "SELECT s.account_id, group_concat(DISTINCT p.symbol) FROM positions p "
                "JOIN prices pr ON pr.symbol = p.symbol JOIN sleeves s ON s.id = p.sleeve_id "
                "WHERE pr.as_of < ? GROUP BY s.account_id ORDER BY s.account_id", [self._stale_cutoff()]):
            findings.setdefault("STALE_PRICES", []).append(
                DoctorFinding(account_id, None, ", ".join(sorted(symbols.split(",")))))
        ordered = {c: findings[c] for c in DIAGNOSTIC_CODES if c in findings}
        return DoctorReport(ordered, self.account_count())

    def audit(self, account_id: str | None = None, limit: int = 200) -> list[AuditRecord]:
        if account_id is not None:
            if not self.db.execute("SELECT 1 FROM accounts WHERE id = ?", [account_id]).fetchone():
                raise NotFound(f"no account {account_id}")
            found = rows(self.db, "SELECT * FROM audit WHERE account_id = ? ORDER BY id DESC LIMIT ?",
                         [account_id, limit])
        else:
            found = rows(self.db, "SELECT * FROM audit ORDER BY id DESC LIMIT ?", [limit])
        return [AuditRecord(r["id"], r["at"], r["operator"], r["action"], r["account_id"], r["sleeve_id"],
                            json.loads(r["detail"])) for r in found]


def _checklist_json(checklist: Checklist) -> list[dict[str, Any]]:
    return [{"id": i.id, "title": i.title, "evaluated": i.evaluated, "status": i.status, "detail": i.detail,
             "fix": i.fix, "code": i.code} for i in checklist.items]
