"""Fills: the custodian's fill file or a simulation at order prices moves holdings and cash, all or nothing."""
from __future__ import annotations

from decimal import Decimal
from typing import Any

from calc.formatting import money
from calc.lifecycle import LIFECYCLE_REASONS, ORDERS_REJECTED, fills_status
from calc.money import cents_int
from calc.views import AcrRecord, OrderRecord
from store.core import Store
from store.errors import InvalidInput, Refused
from store.fill_file import FILL_STATUSES, FillLine, parse_fill_file
from store.lifecycle import undo_activation
from store.queries.orders import find_acr, find_order
from store.summary import refresh


def simulate_fills(store: Store, acr_id: int, operator: str) -> AcrRecord:
    """Fill every open order of an ACR at its order price (demo and training)."""
    with store.transaction():
        acr = find_acr(store, acr_id)
        open_orders = [o for o in acr.orders if o.status == "new"]
        if acr.failed:
            raise Refused(f"ACR {acr_id} failed ({acr.code}): it has no orders to fill")
        if not open_orders:
            raise Refused(f"ACR {acr_id} has no open orders (status {acr.status})")
        for order in open_orders:
            _fill(store, order, "filled", order.quantity, order.price, "")
        return _finish_fills(store, [acr_id], operator, {"simulated": len(open_orders)})[0]


def apply_fills_csv(store: Store, text: str, operator: str) -> list[AcrRecord]:
    """Apply a custodian fill file (order_id,status,filled_quantity,fill_price[,reason]); all or nothing.

    Every bad line is listed: malformed lines (store/fill_file.py), then the checks against each stored order.
    """
    problems: list[str] = []
    lines = parse_fill_file(text, problems)
    planned: list[tuple[OrderRecord, FillLine]] = []
    seen: set[int] = set()
    with store.transaction():
        for fill in lines:
            order = find_order(store, fill.order_id)
            problem = _fill_problem(order, fill, seen, store.settings.fill_price_band)
            if order is None or problem:
                problems.append(f"line {fill.line}: {problem}")
                continue
            seen.add(fill.order_id)
            planned.append((order, fill))
        if problems:
            problems.sort(key=_line_number)  # parse problems and order problems, in file order
            raise InvalidInput(f"the fill file has {len(problems)} problem(s); nothing was applied", problems)
        if not planned:
            raise InvalidInput("the fill file has no rows")
        for order, fill in planned:
            _fill(store, order, fill.status, fill.quantity, fill.price, fill.reason)
        return _finish_fills(store, sorted({o.acr_id for o, _ in planned}), operator, {"rows": len(planned)})


def _line_number(problem: str) -> int:
    return int(problem.split(":", 1)[0].removeprefix("line "))


def _fill_problem(order: OrderRecord | None, fill: FillLine, seen: set[int], band: Decimal) -> str:
    """Why this line cannot fill its order ('' when it can); a given price must lie within `band` of the order's."""
    qty, price, status = fill.quantity, fill.price, fill.status
    if order is None:
        return f"no order {fill.order_id}"
    if fill.order_id in seen:
        return f"order {fill.order_id} appears twice"
    if order.status != "new":
        return f"order {fill.order_id} is already {order.status}"
    if status not in FILL_STATUSES:
        return f"status must be one of {', '.join(FILL_STATUSES)}"
    if not qty.is_finite() or qty < 0 or qty > order.quantity:
        return f"filled_quantity must be 0 to {order.quantity}"
    if status in ("filled", "partially_filled") and (not price.is_finite() or price <= 0):
        return "fill_price must be positive"
    if status == "filled" and qty != order.quantity:
        return f"a filled order fills its whole quantity {order.quantity}"
    if price and abs(price - order.price) > band * order.price:
        low, high = money(order.price * (1 - band)), money(order.price * (1 + band))
        return (f"fill_price {price} is not within {(band * 100).normalize():f}% of the order price "
                f"{money(order.price)}: {low} to {high}")
    return ""


def _fill(store: Store, order: OrderRecord, status: str, qty: Decimal, price: Decimal, reason: str) -> None:
    signed = qty if order.side == "buy" else -qty
    if qty:
        held = store.scalar("SELECT quantity FROM positions WHERE sleeve_id = ? AND symbol = ?",
                            [order.sleeve_id, order.symbol])
        new_qty = (Decimal(held) if held is not None else Decimal(0)) + signed
        if new_qty < 0:
            raise Refused(f"order {order.id} would sell more {order.symbol} than {order.sleeve_id} holds")
        if new_qty:
            store.execute("INSERT INTO positions (sleeve_id, symbol, quantity) VALUES (?, ?, ?) "
                          "ON CONFLICT (sleeve_id, symbol) DO UPDATE SET quantity = excluded.quantity",
                          [order.sleeve_id, order.symbol, str(new_qty)])
        else:
            store.execute("DELETE FROM positions WHERE sleeve_id = ? AND symbol = ?", [order.sleeve_id, order.symbol])
        store.execute("UPDATE sleeves SET cash_cents = cash_cents - ?, version = version + 1 WHERE id = ?",
                      [cents_int(signed * price), order.sleeve_id])
    store.execute("UPDATE orders SET status = ?, filled_quantity = ?, fill_price = ?, reason = ? WHERE id = ?",
                  [status, str(qty), str(price) if qty else None, reason, order.id])


def _finish_fills(store: Store, acr_ids: list[int], operator: str, detail: dict[str, Any]) -> list[AcrRecord]:
    """Each ACR's status from its orders, an audit row per ACR, and the accounts' summaries recomputed."""
    done = []
    for acr_id in acr_ids:
        acr = find_acr(store, acr_id)
        status = fills_status({o.status for o in acr.orders}, any(o.filled_quantity for o in acr.orders))
        extra: dict[str, Any] = {}
        if status == "failed":  # nothing traded: the ACR gives back its cash movement and applied leverage
            store.execute("UPDATE acrs SET code = ?, reason = ? WHERE id = ?",
                          [ORDERS_REJECTED, LIFECYCLE_REASONS[ORDERS_REJECTED], acr_id])
            extra["restored"] = undo_activation(store, acr, operator)
        store.execute("UPDATE acrs SET status = ?, updated_at = ? WHERE id = ?", [status, store.now(), acr_id])
        store.audit(operator, "fills", acr.account_id, acr.sleeve_id,
                    {"acr": acr_id, "status": status, **detail, **extra})
        refresh(store, acr.account_id)
        done.append(find_acr(store, acr_id))
    return done
