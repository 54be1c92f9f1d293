"""How an audit row's detail reads in the history screen and `audit` (one format, so they never disagree)."""
from __future__ import annotations

from decimal import Decimal
from typing import Any

from calc.formatting import lev, money
from calc.vocabulary import ACR_KIND_SHORT


def audit_summary(detail: dict[str, Any]) -> str:
    """An audit row's detail as an operator reads it: known fields in their formats, nothing that is empty."""
    d = detail
    parts: list[str] = []
    if "acr" in d:
        parts.append(f"ACR {d['acr']}")
    if "kind" in d:
        parts.append(ACR_KIND_SHORT.get(d["kind"], d["kind"]))
    if d.get("amount") is not None and "kind" in d:
        from calc.build import cash_movement  # the ACR rules and their models: only for a row with an amount

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
