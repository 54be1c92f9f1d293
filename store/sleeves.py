"""Sleeve and account edits that trade nothing: leverage target, track manager, the custodian's margin answer.

Every write takes the version the operator saw (optimistic concurrency) and goes through `editable_sleeve`,
the one guard for what a console may change.
"""
from __future__ import annotations

from decimal import Decimal
from typing import Any

from calc.formatting import lev
from calc.models import leverage_problem
from calc.vocabulary import apm_refusal, read_only_refusal
from store.core import Store
from store.errors import Conflict, InvalidInput, NotFound, Refused
from store.summary import refresh


def sleeve_row(store: Store, sleeve_id: str) -> dict[str, Any]:
    found = store.rows("SELECT * FROM sleeves WHERE id = ?", [sleeve_id])
    if not found:
        raise NotFound(f"no sleeve {sleeve_id}")
    return found[0]


def sleeve_account_id(store: Store, sleeve_id: str) -> str:
    return str(sleeve_row(store, sleeve_id)["account_id"])


def check_version(row: dict[str, Any], expected: int | None) -> None:
    """Refuse when the sleeve moved since the operator reviewed it, saying what it is now and who changed it."""
    if expected is not None and row["version"] != expected:
        raise Conflict(f"{row['id']} changed since you reviewed it: {sleeve_now(row)}; review again "
                       f"(version {expected} -> {row['version']})")


def sleeve_now(row: dict[str, Any]) -> str:
    """The sleeve's target as it stands, and who last changed it (fills move holdings without an operator)."""
    who = f" · changed by {row['updated_by']} at {row['updated_at']}" if row["updated_by"] else ""
    return (f"saved {lev(Decimal(row['leverage']))}, applied {lev(Decimal(row['applied_leverage']))}, "
            f"track manager {'ON' if row['track_manager'] else 'OFF'}{who}")


def check_account_version(row: dict[str, Any], expected: int | None) -> None:
    """Refuse when the account moved since the operator reviewed it, saying what it is now and who changed it."""
    if expected is not None and row["version"] != expected:
        who = f" by {row['updated_by']} at {row['updated_at']}" if row["updated_by"] else ""
        raise Conflict(f"account {row['id']} changed since you reviewed it: margin "
                       f"{'enabled' if row['margin_enabled'] else 'NOT enabled'}{who}; review again "
                       f"(version {expected} -> {row['version']})")


def refuse_unless_model(sleeve_id: str, kind: str) -> None:
    """Leverage, toggles, ACRs and walkthroughs act on model sleeves only."""
    if kind == "apm":
        raise Refused(apm_refusal(sleeve_id))
    if kind != "model":  # transition, protected, funding (READ_ONLY_KINDS) or anything unknown
        raise Refused(read_only_refusal(sleeve_id, kind))


def editable_sleeve(store: Store, sleeve_id: str, expected_version: int | None = None) -> dict[str, Any]:
    """The sleeve's row if this console may change it and it has not moved since `expected_version`."""
    row = sleeve_row(store, sleeve_id)
    refuse_unless_model(sleeve_id, row["kind"])
    check_version(row, expected_version)
    return row


def set_leverage(store: Store, sleeve_id: str, leverage: Decimal, operator: str,
                 expected_version: int | None = None) -> int:
    """Save a model sleeve's leverage target (no trades); returns the sleeve's new version."""
    with store.transaction():
        row = editable_sleeve(store, sleeve_id, expected_version)
        house_cap = Decimal(store.scalar("SELECT max_leverage FROM accounts WHERE id = ?", [row["account_id"]]))
        problem = leverage_problem(leverage, house_cap)
        if problem:
            raise InvalidInput(problem)
        store.execute("UPDATE sleeves SET leverage = ?, version = version + 1, target_version = target_version + 1, "
                      "updated_by = ?, updated_at = ? WHERE id = ?", [str(leverage), operator, store.now(), sleeve_id])
        store.audit(operator, "set-leverage", row["account_id"], sleeve_id,
                    {"from": row["leverage"], "to": str(leverage), "applied": row["applied_leverage"]})
        refresh(store, row["account_id"])
        return int(row["version"]) + 1


def revert_target(store: Store, sleeve_id: str, operator: str,
                  expected_version: int | None = None) -> tuple[int, Decimal]:
    """Put a pending saved leverage back to the applied one (no trades): the undo before an ACR.

    Returns the sleeve's new version and the leverage it now has; refused when nothing is pending.
    """
    with store.transaction():
        row = editable_sleeve(store, sleeve_id, expected_version)
        saved, applied = Decimal(row["leverage"]), Decimal(row["applied_leverage"])
        if saved == applied:
            raise Refused(f"{sleeve_id} has nothing pending to revert: saved = applied = {lev(applied)}")
        store.execute("UPDATE sleeves SET leverage = applied_leverage, version = version + 1, "
                      "target_version = target_version + 1, updated_by = ?, updated_at = ? WHERE id = ?",
                      [operator, store.now(), sleeve_id])
        store.audit(operator, "revert-target", row["account_id"], sleeve_id,
                    {"from": row["leverage"], "to": row["applied_leverage"], "applied": row["applied_leverage"]})
        refresh(store, row["account_id"])
        return int(row["version"]) + 1, applied


def set_track_manager(store: Store, sleeve_id: str, on: bool, operator: str,
                      expected_version: int | None = None) -> int:
    """Save the track-manager toggle (no trades); returns the sleeve's new version."""
    with store.transaction():
        row = editable_sleeve(store, sleeve_id, expected_version)
        store.execute("UPDATE sleeves SET track_manager = ?, version = version + 1, "
                      "target_version = target_version + 1, updated_by = ?, updated_at = ? WHERE id = ?",
                      [int(on), operator, store.now(), sleeve_id])
        store.audit(operator, "track-manager", row["account_id"], sleeve_id,
                    {"from": bool(row["track_manager"]), "to": on})
        refresh(store, row["account_id"])
        return int(row["version"]) + 1


def confirm_custodian_margin(store: Store, account_id: str, enabled: bool, operator: str, reference: str = "",
                             expected_version: int | None = None) -> int:
    """Record what the custodian confirmed about margin on the account; returns the account's new version."""
    with store.transaction():
        found = store.rows("SELECT * FROM accounts WHERE id = ?", [account_id])
        if not found:
            raise NotFound(f"no account {account_id}")
        row = found[0]
        check_account_version(row, expected_version)
        if enabled and row["type"] != "margin":
            raise Refused(f"{account_id} is a {row['type']} account: a custodian cannot enable margin on it")
        store.execute("UPDATE accounts SET margin_enabled = ?, version = version + 1, updated_by = ?, "
                      "updated_at = ? WHERE id = ?", [int(enabled), operator, store.now(), account_id])
        store.audit(operator, "custodian-margin", account_id, None,
                    {"from": bool(row["margin_enabled"]), "to": enabled, "reference": reference})
        refresh(store, account_id)
        return int(row["version"]) + 1
