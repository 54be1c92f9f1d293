"""Batch services over many sleeves: each item goes through the same single-sleeve checks, build and writer."""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from decimal import Decimal

from calc import Account
from store.acr_writes import AcrWrites, Fired, Planned
from store.acrs import BookState, SleeveFacts, checked_acknowledgements, default_key, plan
from store.core import Progress, Store
from store.errors import StoreError
from store.mapping import load_accounts

CHUNK = 200  # sleeves per commit (~0.05 s of work): a kill -9 or a broken database loses at most one chunk


@dataclass
class BatchResult:
    """What a batch did: one ACR per sleeve (built, failed with a code) or a refusal (no ACR written)."""

    total: int = 0
    built: int = 0
    failed: int = 0
    refused: int = 0
    replayed: int = 0
    awaiting: int = 0  # built but held for a second person's approval (the book's four-eyes policy)
    orders: int = 0
    seconds: float = 0.0
    failures: dict[str, int] = field(default_factory=dict)
    refusals: dict[str, int] = field(default_factory=dict)
    acr_ids: list[int] = field(default_factory=list)
    refused_sleeves: list[tuple[str, str]] = field(default_factory=list)

    @property
    def rate(self) -> float:
        """Sleeves per second."""
        return self.total / self.seconds if self.seconds > 0 else 0.0

    def to_json(self) -> dict[str, object]:
        """The batch as `acr --all-pending --json` prints it."""
        return {"total": self.total, "built": self.built, "awaiting_approval": self.awaiting, "failed": self.failed,
                "refused": self.refused,
                "replayed": self.replayed, "orders": self.orders, "seconds": round(self.seconds, 3),
                "sleeves_per_second": round(self.rate, 1), "failures": dict(sorted(self.failures.items())),
                "refusals": dict(sorted(self.refusals.items())), "acr_ids": self.acr_ids,
                "refused_sleeves": [{"sleeve_id": s, "reason": r} for s, r in self.refused_sleeves]}


def pending_sleeves(store: Store) -> list[str]:
    """Every model sleeve whose saved leverage differs from its applied one (PENDING_LEVERAGE), by sleeve id."""
    return [r[0] for r in store.execute(
        "SELECT DISTINCT d.sleeve_id FROM account_diagnostics d JOIN sleeves s ON s.id = d.sleeve_id "
        "WHERE d.code = 'PENDING_LEVERAGE' AND s.kind = 'model' ORDER BY d.sleeve_id")]


def rebalance_all_pending(store: Store, operator: str, acknowledged: frozenset[str] | set[str],
                          progress: Progress | None = None, requesters: tuple[str, ...] = ()) -> BatchResult:
    """Fire a rebalance ACR on every PENDING_LEVERAGE model sleeve: what one `store.acrs.fire` per sleeve writes.

    The checklist gate is the single-sleeve one: every ACR evaluates its own checklist, a failed evaluated
    item or a failed build records a failed ACR with its code, and the batch's acknowledgements are recorded
    on each ACR. A sleeve the store refuses (open checklist items, a changed sleeve) writes nothing and is
    counted as refused; the batch goes on. Default request keys make a re-run the same day idempotent.

    Sleeves are committed CHUNK at a time. Each sleeve is checked and built first (`plan`: a refusal raises before
    anything of it is written, so it needs no savepoint), then written with the chunk's others through one
    AcrWrites (one statement per table for the chunk, the audit rows chained in order). An error that is not a
    store refusal (a locked or broken database) rolls back the chunk in progress and stops the batch; the chunks
    before it stay written, and a re-run picks up the rest.

    Per chunk, the prices, models, rates and policy are read once (the transaction holds the write lock, and no
    ACR changes them), and so are the chunk's accounts, sleeve rows, account versions and already fired request
    keys; a rebalance writes only its own sleeve, so what was read for one sleeve holds until it is fired. A fired
    ACR hands back its account as written, so a second pending sleeve of the same account is built on it.
    """
    acks = checked_acknowledgements(acknowledged)
    result = BatchResult()
    started = time.perf_counter()
    sleeves = pending_sleeves(store)
    result.total = len(sleeves)
    for start in range(0, len(sleeves), CHUNK):
        chunk = sleeves[start:start + CHUNK]
        with store.transaction():
            state = BookState.read(store)
            facts = chunk_facts(store, chunk, state)
            accounts = _chunk_accounts(store, facts)
            writes = AcrWrites(store, state)
            outcomes = [_plan_one(store, sleeve_id, operator, acks, result, requesters, state, accounts, facts,
                                  writes) for sleeve_id in chunk]
            written = iter(writes.flush())  # in the order the ACRs were queued
            for outcome in outcomes:
                if outcome is not None:
                    _count(result, next(written) if isinstance(outcome, Planned) else outcome)
        if progress is not None:
            progress(len(chunk))
    result.seconds = time.perf_counter() - started
    return result


def chunk_facts(store: Store, sleeve_ids: list[str], state: BookState) -> dict[str, SleeveFacts]:
    """Each sleeve's row, its account's version and the ACR its default rebalance key already fired, by sleeve id
    (three queries; a sleeve deleted meanwhile is absent, and `plan` then says NotFound)."""
    marks = ", ".join("?" * len(sleeve_ids))
    rows = {r["id"]: r for r in store.rows(f"SELECT * FROM sleeves WHERE id IN ({marks})", sleeve_ids)}
    owners = sorted({r["account_id"] for r in rows.values()})
    versions = dict(store.execute(f"SELECT id, version FROM accounts WHERE id IN ({', '.join('?' * len(owners))})",
                                  owners).fetchall()) if owners else {}
    keys = {i: default_key(store, r, versions[r["account_id"]], "rebalance", Decimal(0), state.prices_stamp)
            for i, r in rows.items()}
    fired = dict(store.execute(f"SELECT request_key, id FROM acrs WHERE request_key IN "
                               f"({', '.join('?' * len(keys))})", list(keys.values())).fetchall()) if keys else {}
    return {i: SleeveFacts(r, versions[r["account_id"]], fired.get(keys[i])) for i, r in rows.items()}


def _chunk_accounts(store: Store, facts: dict[str, SleeveFacts]) -> dict[str, Account]:
    """The chunk's accounts keyed by sleeve id."""
    owners = {sleeve_id: f.row["account_id"] for sleeve_id, f in facts.items()}
    if not owners:
        return {}
    by_id = {a.id: a for a in load_accounts(store.conn, sorted(set(owners.values())))}
    return {sleeve_id: by_id[account_id] for sleeve_id, account_id in owners.items()}


def _plan_one(store: Store, sleeve_id: str, operator: str, acks: frozenset[str], result: BatchResult,
              requesters: tuple[str, ...], state: BookState, accounts: dict[str, Account],
              facts: dict[str, SleeveFacts], writes: AcrWrites) -> Planned | Fired | None:
    """Check and build one sleeve's ACR and queue it on `writes` (Planned), or the replay of its request key
    (Fired); None when the store refused it."""
    try:
        planned = plan(store, sleeve_id, "rebalance", operator, acknowledged=acks, requesters=requesters,
                       state=state, account=accounts.get(sleeve_id), facts=facts.get(sleeve_id))
    except StoreError as error:  # raised before anything of this sleeve was written or queued
        result.refused += 1
        name = type(error).__name__
        result.refusals[name] = result.refusals.get(name, 0) + 1
        result.refused_sleeves.append((sleeve_id, " ".join(str(error).split())))
        return None
    if isinstance(planned, Fired):
        return planned
    written = writes.add(planned)  # the account as written: the next sleeve of it is built on this one
    accounts.update({s.id: written for s in written.sleeves if s.id in accounts})
    return planned


def _count(result: BatchResult, record: Fired) -> None:
    result.acr_ids.append(record.acr_id)
    result.replayed += record.replayed
    if record.status == "failed":
        result.failed += 1
        code = record.code or "FAILED"
        result.failures[code] = result.failures.get(code, 0) + 1
    elif record.status == "awaiting_approval":
        result.awaiting += 1
    else:
        result.built += 1
        result.orders += record.orders
