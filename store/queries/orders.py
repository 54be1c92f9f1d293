"""ACRs and their orders."""
from __future__ import annotations

from typing import Any

from calc.views import AcrRecord, OrderRecord
from store.core import Store
from store.errors import NotFound
from store.mapping import acr_from_row, order_from_row


def _orders(store: Store, where: str, params: list[Any]) -> list[OrderRecord]:
    return [order_from_row(r) for r in store.rows(
        f"SELECT o.*, a.account_id FROM orders o JOIN acrs a ON a.id = o.acr_id {where} ORDER BY o.acr_id, o.seq",
        params)]


def find_order(store: Store, order_id: int) -> OrderRecord | None:
    found = _orders(store, "WHERE o.id = ?", [order_id])
    return found[0] if found else None


def list_orders(store: Store, acr_id: int | None = None, account_id: str | None = None) -> list[OrderRecord]:
    """One ACR's orders, one account's, or the book's."""
    if acr_id is not None:
        find_acr(store, acr_id)  # NotFound for an unknown ACR, rather than an empty list
        return _orders(store, "WHERE o.acr_id = ?", [acr_id])
    if account_id is not None:
        return _orders(store, "WHERE a.account_id = ?", [account_id])
    return _orders(store, "", [])


def find_acr(store: Store, acr_id: int, replayed: bool = False) -> AcrRecord:
    found = store.rows("SELECT * FROM acrs WHERE id = ?", [acr_id])
    if not found:
        raise NotFound(f"no ACR {acr_id}")
    return acr_from_row(found[0], _orders(store, "WHERE o.acr_id = ?", [acr_id]), replayed)


def list_acrs(store: Store, account_id: str | None = None, limit: int = 100) -> list[AcrRecord]:
    """The newest ACRs first, of one account or of the book."""
    if account_id is not None:
        ids = store.execute("SELECT id FROM acrs WHERE account_id = ? ORDER BY id DESC LIMIT ?",
                            [account_id, limit]).fetchall()
    else:
        ids = store.execute("SELECT id FROM acrs ORDER BY id DESC LIMIT ?", [limit]).fetchall()
    return [find_acr(store, i[0]) for i in ids]
