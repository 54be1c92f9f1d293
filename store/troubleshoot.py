"""Run the troubleshooter on an account's stored state."""
from __future__ import annotations

from calc.troubleshoot import SYMPTOMS, Finding, LastAcr
from calc.troubleshoot import troubleshoot as check
from store.core import Store
from store.errors import InvalidInput, NotFound
from store.mapping import load_account, load_models, load_prices


def last_acrs(store: Store, account_id: str) -> dict[str, LastAcr]:
    """Each sleeve's latest ACR."""
    found = store.rows("SELECT id, sleeve_id, kind, status, code, reason FROM acrs WHERE id IN "
                       "(SELECT max(id) FROM acrs WHERE account_id = ? GROUP BY sleeve_id)", [account_id])
    return {r["sleeve_id"]: LastAcr(r["id"], r["sleeve_id"], r["kind"], r["status"], r["code"], r["reason"])
            for r in found}


def troubleshoot(store: Store, account_id: str, symptom: str, sleeve_id: str | None = None) -> Finding:
    """The likely cause of `symptom` on this account, from its data."""
    if symptom not in SYMPTOMS:
        raise InvalidInput(f"unknown symptom {symptom!r}: choose one of {', '.join(SYMPTOMS)}")
    loaded = load_account(store.conn, account_id)
    if loaded is None:
        raise NotFound(f"no account {account_id}")
    account = loaded[0]
    return check(account, symptom, load_prices(store.conn), load_models(store.conn), store.today(),
                 store.calc_settings(), last_acrs(store, account_id), sleeve_id)


def troubleshoot_all(store: Store, account_id: str) -> list[Finding]:
    """Every symptom checked against the account."""
    return [troubleshoot(store, account_id, symptom) for symptom in SYMPTOMS]


def versions(store: Store, account_id: str) -> tuple[int, dict[str, int]]:
    """The account's version and its sleeves' versions: what a fix carries to be refused if they moved."""
    loaded = load_account(store.conn, account_id)
    if loaded is None:
        raise NotFound(f"no account {account_id}")
    return loaded[2], loaded[1]
