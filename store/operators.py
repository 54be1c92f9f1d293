"""Operators, their roles and the four-eyes policy: who the writer is, and what the book lets them do.

The identity is the login name of the process's user (store.settings.login_name, from the OS). A claimed name
(`--operator`, MARGIN_CONSOLE_OPERATOR, `operator` in the config file) is accepted only while the book has no
operators, or from an admin acting for another operator; every change here is audited.
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from calc.approvals import Actor, Policy
from calc.vocabulary import ROLES
from store.core import Store
from store.errors import InvalidInput, NotFound, Refused
from store.settings import operator_name_problem


@dataclass(frozen=True)
class OperatorRecord:
    """One line of `operators list`."""

    name: str
    role: str
    active: bool
    added_by: str
    added_at: str
    updated_by: str
    updated_at: str

    def to_json(self) -> dict[str, Any]:
        return dict(self.__dict__)


def has_operators(store: Store) -> bool:
    return store.scalar("SELECT 1 FROM operators LIMIT 1") is not None


def _role(store: Store, name: str) -> str | None:
    """An active operator's role (None: unknown or disabled)."""
    return store.scalar("SELECT role FROM operators WHERE name = ? AND active = 1", [name])


def resolve_actor(store: Store, login: str, claim: str | None = None) -> Actor:
    """Who is writing. While the book has no operators the claim (else the login) is taken as given; after,
    the login is the identity, and a claim of another name is refused unless the login is an active admin and
    the claimed name an active operator."""
    if not has_operators(store):
        return Actor(claim or login, login, None, open_book=True)
    role = _role(store, login)
    if claim is None or claim == login:
        return Actor(login, login, role)
    if role != "admin":
        raise Refused(f"only an admin may act for another operator: {login} claimed to be {claim} "
                      f"(--operator / MARGIN_CONSOLE_OPERATOR); {login} is {_a(role)}")
    claimed_role = _role(store, claim)
    if claimed_role is None:
        raise Refused(f"{claim} is not an active operator of this book: an admin acts only for one")
    return Actor(claim, login, claimed_role)


def _a(role: str | None) -> str:
    return "not an operator of this book" if role is None else f"a {role}"


def require(actor: Actor, role: str, doing: str) -> None:
    """Refuse, naming the role it needs, what this actor may not do."""
    refusal = actor.refusal(role, doing)
    if refusal:
        raise Refused(refusal)


def list_operators(store: Store) -> list[OperatorRecord]:
    return [OperatorRecord(r["name"], r["role"], bool(r["active"]), r["added_by"], r["added_at"], r["updated_by"],
                           r["updated_at"]) for r in store.rows("SELECT * FROM operators ORDER BY name")]


def add_operator(store: Store, actor: Actor, name: str, role: str) -> OperatorRecord:
    """Add an operator with a role, or give an existing one this role (and enable it again); audited.

    The first operator of a book without operators must be an admin, so the book always has someone to manage it.
    """
    problem = operator_name_problem(name)
    if problem:
        raise InvalidInput(problem)
    if role not in ROLES:
        raise InvalidInput(f"unknown role {role!r}: choose one of {', '.join(ROLES)}")
    with store.transaction():
        first = not has_operators(store)
        if first and role != "admin":
            raise Refused(f"the first operator of a book must be an admin (so someone can manage it): "
                          f"add {name} with --role admin")
        if not first:
            require(actor, "admin", "managing operators")
        old = store.rows("SELECT role, active FROM operators WHERE name = ?", [name])
        if old and old[0]["role"] == "admin" and role != "admin":
            _keep_an_admin(store, name)
        now = store.now()
        store.execute(
            "INSERT INTO operators (name, role, active, added_by, added_at, updated_by, updated_at) "
            "VALUES (?, ?, 1, ?, ?, ?, ?) ON CONFLICT (name) DO UPDATE SET role = excluded.role, active = 1, "
            "updated_by = excluded.updated_by, updated_at = excluded.updated_at",
            [name, role, actor.recorded, now, actor.recorded, now])
        detail: dict[str, Any] = {"name": name, "role": role}
        if old:
            detail.update(previous_role=old[0]["role"], was_active=bool(old[0]["active"]))
        store.audit(actor.recorded, "operator-added" if not old else "operator-changed", None, None, detail)
        return next(o for o in list_operators(store) if o.name == name)


def disable_operator(store: Store, actor: Actor, name: str) -> OperatorRecord:
    """Disable an operator (kept for the audit trail, refused from then on); never the last active admin."""
    with store.transaction():
        require(actor, "admin", "managing operators")
        found = store.rows("SELECT role, active FROM operators WHERE name = ?", [name])
        if not found:
            raise NotFound(f"no operator {name}")
        if not found[0]["active"]:
            raise Refused(f"{name} is already disabled")
        if found[0]["role"] == "admin":
            _keep_an_admin(store, name)
        store.execute("UPDATE operators SET active = 0, updated_by = ?, updated_at = ? WHERE name = ?",
                      [actor.recorded, store.now(), name])
        store.audit(actor.recorded, "operator-disabled", None, None, {"name": name, "role": found[0]["role"]})
        return next(o for o in list_operators(store) if o.name == name)


def _keep_an_admin(store: Store, name: str) -> None:
    others = store.scalar("SELECT count(*) FROM operators WHERE role = 'admin' AND active = 1 AND name != ?", [name])
    if not others:
        raise Refused(f"{name} is the book's last active admin: add another admin first")


def get_policy(store: Store) -> Policy:
    """The book's four-eyes policy (no row: no rule, every ACR goes through alone)."""
    found = store.rows("SELECT * FROM policy WHERE id = 1")
    if not found:
        return Policy()
    r = found[0]
    return Policy(Decimal(r["leverage_above"]) if r["leverage_above"] is not None else None,
                  Decimal(r["notional_above"]) if r["notional_above"] is not None else None,
                  bool(r["in_call"]), bool(r["withdrawals"]), r["updated_by"], r["updated_at"])


def set_policy(store: Store, actor: Actor, leverage_above: Decimal | None, notional_above: Decimal | None,
               in_call: bool, withdrawals: bool) -> Policy:
    """Replace the four-eyes policy (an option left out turns its rule off); admins only, audited."""
    if leverage_above is not None and leverage_above < 1:
        raise InvalidInput(f"--four-eyes-leverage-above must be 1.0 or more, got {leverage_above}")
    if notional_above is not None and notional_above < 0:
        raise InvalidInput(f"--four-eyes-notional-above must be zero or more, got {notional_above}")
    with store.transaction():
        require(actor, "admin", "setting the four-eyes policy")
        before = get_policy(store)
        now = store.now()
        store.execute(
            "INSERT INTO policy (id, leverage_above, notional_above, in_call, withdrawals, updated_by, updated_at) "
            "VALUES (1, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET leverage_above = excluded.leverage_above, "
            "notional_above = excluded.notional_above, in_call = excluded.in_call, "
            "withdrawals = excluded.withdrawals, updated_by = excluded.updated_by, updated_at = excluded.updated_at",
            [_text(leverage_above), _text(notional_above), int(in_call), int(withdrawals), actor.recorded, now])
        after = get_policy(store)
        store.audit(actor.recorded, "policy-set", None, None, {"before": _rules(before), "after": _rules(after)})
        return after


def _text(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def _rules(policy: Policy) -> dict[str, Any]:
    return {k: v for k, v in policy.to_json().items() if k.startswith("four_eyes")}
