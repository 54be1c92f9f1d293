"""Four eyes: who may do what (roles), when an ACR needs a second person (the policy), and whether the build an
approver gets is the one the requester previewed. Pure: the store reads and writes, these decide."""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from calc.formatting import lev, money
from calc.vocabulary import ROLES

if TYPE_CHECKING:  # annotations only: Actor and Policy (every start resolves the operator) build no model class
    from calc.build import BuildResult
    from calc.margin import MarginFigures

# A build whose share counts moved by at most this much is the same build (whole-share rounding of a new price).
ROUNDING_SHARES = Decimal(1)


def role_rank(role: str | None) -> int:
    """A role's place in ROLES (-1: no role)."""
    return ROLES.index(role) if role in ROLES else -1


@dataclass(frozen=True)
class Actor:
    """Who is writing: the login name of the process's user, the operator it acts as, and that operator's role.

    `role` is None for a login the book does not know. `open_book` is True while the book has no operators
    (a demo, a fresh import): anyone may do anything, under the name they claim.
    """

    name: str
    login: str
    role: str | None
    open_book: bool = False

    @property
    def acting_for(self) -> bool:
        """An admin writing on another operator's behalf."""
        return self.name != self.login and not self.open_book

    @property
    def recorded(self) -> str:
        """The name the audit log and the ACR keep: both people when an admin acts for another operator."""
        return f"{self.login} (admin for {self.name})" if self.acting_for else self.name

    @property
    def people(self) -> tuple[str, ...]:
        """Everyone behind a write: none may be the second pair of eyes on it. The OS login always counts, so on a
        book without operators one login cannot request under one name and approve under another."""
        return (self.name,) if self.name == self.login else (self.name, self.login)

    def may(self, role: str) -> bool:
        return self.open_book or role_rank(self.role) >= role_rank(role)

    def refusal(self, role: str, doing: str) -> str | None:
        """Why this actor may not do what needs `role` (None: it may)."""
        if self.may(role):
            return None
        if self.role is None:
            return (f"{self.login} is not an operator of this book: {doing} needs the {role} role "
                    "(an admin adds operators with `operators add`)")
        return f"{doing} needs the {role} role; {self.name} is a {self.role}"


@dataclass(frozen=True)
class Policy:
    """The book's four-eyes rule: above these, an ACR waits for a second person (None / False: no such rule)."""

    leverage_above: Decimal | None = None
    notional_above: Decimal | None = None
    in_call: bool = False
    withdrawals: bool = False
    updated_by: str = ""
    updated_at: str = ""

    @property
    def active(self) -> bool:
        return (self.leverage_above is not None or self.notional_above is not None or self.in_call
                or self.withdrawals)

    @property
    def lines(self) -> list[str]:
        """The policy as `policy show` prints it."""
        return [
            f"leverage above     {lev(self.leverage_above) if self.leverage_above is not None else 'off'}",
            f"notional above     {money(self.notional_above) if self.notional_above is not None else 'off'}",
            f"account in a call  {'on' if self.in_call else 'off'}",
            f"withdrawals        {'on' if self.withdrawals else 'off'}",
        ]

    def to_json(self) -> dict[str, Any]:
        return {"four_eyes_leverage_above": self.leverage_above, "four_eyes_notional_above": self.notional_above,
                "four_eyes_in_call": self.in_call, "four_eyes_withdrawals": self.withdrawals,
                "updated_by": self.updated_by or None, "updated_at": self.updated_at or None}


def build_notional(build: BuildResult) -> Decimal:
    """What the build trades, buys and sells together."""
    return sum((o.notional for o in build.orders), Decimal(0))


def four_eyes_reasons(policy: Policy, kind: str, build: BuildResult,
                      margin_now: MarginFigures | None = None) -> list[str]:
    """Why this (successful) build needs a second person under the policy; empty: it does not. `margin_now` is
    the account's margin before the ACR (needed only by the in-call rule)."""
    reasons = []
    if policy.leverage_above is not None and build.leverage > policy.leverage_above:
        reasons.append(f"leverage {lev(build.leverage)} is above {lev(policy.leverage_above)}")
    notional = build_notional(build)
    if policy.notional_above is not None and notional > policy.notional_above:
        reasons.append(f"orders of ${money(notional)} are above ${money(policy.notional_above)}")
    if policy.in_call and margin_now is not None and margin_now.call > 0:
        reasons.append(f"the account is in a margin call of ${money(margin_now.call)}")
    if policy.withdrawals and kind == "withdrawal":
        reasons.append("it is a withdrawal")
    return reasons


def previewed_build(build: BuildResult, reasons: list[str]) -> dict[str, Any]:
    """The build a requester previewed, as an awaiting ACR keeps it (what the approver compares against)."""
    return {"digest": build.digest, "leverage": str(build.leverage), "reasons": reasons,
            "projected_sleeve_cash": str(build.projected_sleeve_cash),
            "orders": [{"side": o.side, "symbol": o.symbol, "quantity": str(o.quantity), "price": str(o.price)}
                       for o in build.orders]}


def orders_text(orders: list[dict[str, Any]]) -> str:
    """`buy 605 AGG, buy 124 SPY` (or `no orders`)."""
    return ", ".join(f"{o['side']} {Decimal(o['quantity']):f} {o['symbol']}" for o in orders) or "no orders"


def build_orders(build: BuildResult) -> list[dict[str, Any]]:
    return previewed_build(build, [])["orders"]


def build_changed(previewed: dict[str, Any], build: BuildResult) -> bool:
    """Whether the build now differs from the previewed one beyond rounding: another outcome or leverage, another
    set of orders, or a share count off by more than ROUNDING_SHARES."""
    if not build.ok or Decimal(previewed["leverage"]) != build.leverage:
        return True
    before = {(o["side"], o["symbol"]): Decimal(o["quantity"]) for o in previewed["orders"]}
    now = {(o.side, o.symbol): o.quantity for o in build.orders}
    return before.keys() != now.keys() or any(abs(before[k] - now[k]) > ROUNDING_SHARES for k in now)


@dataclass(frozen=True)
class AcrLifecycle:
    """What the lifecycle keeps on an ACR besides its build: who asked (both people when an admin acted for
    another), who approved, rejected or cancelled it and why, the previewed build of an awaiting one, and links."""

    requesters: tuple[str, ...] = ()
    decided_by: str | None = None
    decided_at: str | None = None
    decision_reason: str = ""
    preview: dict[str, Any] | None = None
    resubmit_of: int | None = None
    submitted_at: str | None = None

    @property
    def reasons(self) -> list[str]:
        """Why the ACR needed a second person (empty: it did not)."""
        return list((self.preview or {}).get("reasons", []))

    def to_json(self) -> dict[str, Any]:
        return {"requesters": list(self.requesters), "decided_by": self.decided_by, "decided_at": self.decided_at,
                "decision_reason": self.decision_reason, "four_eyes": self.reasons, "previewed": self.preview,
                "resubmit_of": self.resubmit_of, "submitted_at": self.submitted_at}
