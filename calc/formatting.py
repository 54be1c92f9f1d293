"""How numbers read everywhere (CLI, widgets, screens, the Markdown export): one place, so they never disagree."""
from __future__ import annotations

from decimal import Decimal
from typing import Any

from calc.build import cash_movement
from calc.vocabulary import ACR_KIND_SHORT


def money(value: Decimal | None) -> str:
    """Dollars with thousands separators and cents, e.g. `1,234.50`; `-` when unknown."""
    return "-" if value is None else f"{value:,.2f}"


def cash(value: Decimal) -> str:
    """Cash with a debit shown as a debit, never as a bare minus sign: `1,234.00 debit`."""
    return f"{-value:,.2f} debit" if value < 0 else f"{value:,.2f}"


def lev(value: Decimal | None) -> str:
    """A leverage multiplier, always two places and an x: `1.50x`; `-` when unknown."""
    return "-" if value is None else f"{value:.2f}x"


def pct(value: Decimal | None, places: int = 1) -> str:
    """A fraction as a percentage, e.g. `0.2` -> `20.0%`; `-` when unknown."""
    return "-" if value is None else f"{value:.{places}%}"


def audit_summary(detail: dict[str, Any]) -> str:
    """An audit row's detail as an operator reads it: known fields in their formats, nothing that is empty."""
    d = detail
    parts: list[str] = []
    if "acr" in d:
        parts.append(f"ACR {d['acr']}")
    if "kind" in d:
        parts.append(ACR_KIND_SHORT.get(d["kind"], d["kind"]))
    if d.get("amount") is not None and "kind" in d:
        parts.append(f"amount {money(abs(cash_movement(d['kind'], Decimal(str(d['amount'])))[0]))}")
    if d.get("leverage") is not None:
        parts.append(f"at {lev(Decimal(str(d['leverage'])))}")
    if d.get("orders") is not None:
        parts.append(f"{d['orders']} order(s)")
    if d.get("code"):
        parts.append(f"code {d['code']}")
    shown = {"acr", "kind", "amount", "leverage", "orders", "code", "acknowledged"}
    parts += [f"{k}={v}" for k, v in d.items() if k not in shown and v not in (None, "")]
    return " · ".join(parts)
