"""Drill 1: N processes write one book at once; every success a writer was told is in the book exactly once.

Each writer (its own process, its own operator name) loops for the given seconds over: set-leverage (half of
them with the version it just read, so racing writers conflict), fire_acr with a request key (a key shared by
every writer for one intent, the same key now and then for another intent, its own key retried, or a fresh
key) and simulated fills of an ACR it built. Every success is one JSON line in the writer's log. Afterwards
the parent checks the logs against the book: each reported audit row, version, ACR and fill exactly once, one
ACR per request key, nothing written that nobody was told about, the audit chain and `doctor --integrity`.
"""
from __future__ import annotations

import json
import multiprocessing
import random
import sqlite3
import time
from collections import Counter, defaultdict
from decimal import Decimal
from pathlib import Path
from typing import Any

from bench.stress.common import DrillResult, integrity, make_demo, open_store
from store.engines import book_location

LEVERAGES = [Decimal(x) / 10 for x in range(10, 21)]
SHARED_KEYS = 40


def shared_intent(k: int, sleeves: list[str]) -> tuple[str, str, Decimal]:
    return sleeves[k % len(sleeves)], "one-dollar", Decimal(0)


def worker(db: str, index: int, seconds: float, seed: int, log: str, sleeves: list[str]) -> None:
    """One writer process: write until the deadline, logging each success it was told."""
    from calc.checklist import ACK_IDS
    from store.acrs import fire_acr
    from store.errors import StoreError
    from store.fills import simulate_fills
    from store.sleeves import set_leverage

    rng = random.Random(seed * 1000 + index)
    operator = f"w{index}"
    acks = set(ACK_IDS)
    built: list[int] = []
    own_keys: list[tuple[str, str, str, Decimal]] = []
    errors: Counter[str] = Counter()
    deadline = time.monotonic() + seconds
    with open_store(book_location(db), operator) as store, open(log, "w", encoding="utf-8") as out:
        def say(**entry: Any) -> None:
            out.write(json.dumps(entry, default=str) + "\n")
            out.flush()

        n = 0
        while time.monotonic() < deadline:
            n += 1
            roll = rng.random()
            op = "set-leverage" if roll < 0.35 else "acr" if roll < 0.85 else "fills"
            try:
                if roll < 0.35:
                    sleeve, lev = rng.choice(sleeves), rng.choice(LEVERAGES)
                    expected = None
                    if rng.random() < 0.5:
                        expected = store.scalar("SELECT version FROM sleeves WHERE id = ?", [sleeve])
                    version = set_leverage(store, sleeve, lev, operator, expected)
                    audit_id = store.scalar("SELECT max(id) FROM audit WHERE operator = ? AND sleeve_id = ? "
                                            "AND action = 'set-leverage'", [operator, sleeve])
                    say(op="set-leverage", sleeve=sleeve, to=str(lev), version=version, audit=audit_id)
                    continue
                if roll < 0.85:
                    pick = rng.random()
                    if pick < 0.4:  # a key every writer fires for the same intent
                        k = rng.randrange(SHARED_KEYS)
                        key, (sleeve, kind, amount) = f"shared-{k}", shared_intent(k, sleeves)
                    elif pick < 0.5:  # the same shared key for another intent: KeyReused unless it came first
                        k = rng.randrange(SHARED_KEYS)
                        key, sleeve, kind, amount = f"shared-{k}", rng.choice(sleeves), "deposit", Decimal(100 + k)
                    elif pick < 0.65 and own_keys:  # a retry of this writer's own earlier request
                        key, sleeve, kind, amount = rng.choice(own_keys)
                    else:
                        key = f"{operator}-{n}"
                        sleeve, kind, amount = rng.choice(sleeves), rng.choice(["rebalance", "one-dollar"]), Decimal(0)
                        own_keys.append((key, sleeve, kind, amount))
                    record = fire_acr(store, sleeve, kind, operator, amount, acks, key)
                    if record.status == "built" and not record.replayed:
                        built.append(record.id)
                    say(op="acr", key=key, acr=record.id, sleeve=sleeve, kind=kind, amount=str(amount),
                        replayed=record.replayed, status=record.status)
                    continue
                if built:
                    acr_id = built.pop(rng.randrange(len(built)))
                    simulate_fills(store, acr_id, operator)
                    say(op="fills", acr=acr_id)
            except StoreError as error:
                errors[type(error).__name__] += 1
            except sqlite3.OperationalError as error:
                errors[f"locked in {op}" if "locked" in str(error) else f"sqlite: {error}"] += 1
            except Exception as error:  # noqa: BLE001 (anything else is a defect the parent reports)
                errors[f"unexpected {type(error).__name__}: {error}"] += 1
        say(op="done", attempts=n, errors=dict(errors))


def run(workdir: Path, processes: int = 8, seconds: float = 5.0, accounts: int = 300, seed: int = 1,
        sleeves: int = 24, server: str | None = None) -> DrillResult:
    """Start the writers on a fresh demo book, wait for them, then check their logs against the book.

    `server`: an empty PostgreSQL database's URL instead of a SQLite file in `workdir` (each writer process then
    has its own server session, as hosts sharing the book have).
    """
    result = DrillResult("writers" if server is None else "writers-postgres")
    workdir.mkdir(parents=True, exist_ok=True)
    db: Path | str = workdir / "writers.db" if server is None else server
    if server is None:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{db}{suffix}").unlink(missing_ok=True)
    make_demo(db, accounts)
    with open_store(db) as store:  # few sleeves, so the writers collide on them
        chosen = [r[0] for r in store.execute(
            "SELECT s.id FROM sleeves s JOIN accounts a ON a.id = s.account_id WHERE s.kind = 'model' "
            "AND a.type = 'margin' AND a.margin_enabled = 1 AND a.max_leverage = '2.0' ORDER BY s.id LIMIT ?",
            [sleeves])]
        audit_before = store.scalar("SELECT max(id) FROM audit")
    ctx = multiprocessing.get_context("spawn")
    logs = [workdir / f"writer-{i}.jsonl" for i in range(processes)]
    procs = [ctx.Process(target=worker, args=(str(db), i, seconds, seed, str(logs[i]), chosen))
             for i in range(processes)]
    started = time.monotonic()
    for p in procs:
        p.start()
    for p in procs:
        p.join(seconds + 120)
        if p.exitcode != 0:
            result.find(f"writer {p.name} exited with {p.exitcode}")
    result.figures["wall_seconds"] = round(time.monotonic() - started, 1)
    entries = [json.loads(line) | {"writer": i} for i, log in enumerate(logs) if log.exists()
               for line in log.read_text(encoding="utf-8").splitlines()]
    check(db, entries, audit_before, result)
    result.figures.update(processes=processes, seconds=seconds, accounts=accounts, sleeves=len(chosen))
    return result


def check(db: Path | str, entries: list[dict[str, Any]], audit_before: int, result: DrillResult) -> None:
    """Every reported success exactly once in the book, and nothing in the book nobody was told about."""
    done = [e for e in entries if e["op"] == "done"]
    errors: Counter[str] = Counter()
    for e in done:
        errors.update(e["errors"])
    for name, n in errors.items():
        if name.startswith(("unexpected", "sqlite", "locked")):
            result.find(f"{n} write(s) failed with {name}")
    sets = [e for e in entries if e["op"] == "set-leverage"]
    acrs = [e for e in entries if e["op"] == "acr"]
    fills = [e for e in entries if e["op"] == "fills"]
    result.figures.update(attempts=sum(e["attempts"] for e in done), successes=len(sets) + len(acrs) + len(fills),
                          set_leverage=len(sets), acrs_reported=len(acrs), fills=len(fills),
                          refusals=dict(sorted(errors.items())))
    with open_store(db) as conn:  # either engine, through the store's connection
        audit = {r[0]: r[1:] for r in conn.execute(
            "SELECT id, operator, action, sleeve_id, detail FROM audit WHERE id > ?", [audit_before])}
        for e in sets:
            row = audit.get(e["audit"])
            if row is None or row[:3] != (f"w{e['writer']}", "set-leverage", e["sleeve"]) \
                    or json.loads(row[3])["to"] != e["to"]:
                result.find(f"set-leverage {e} is not its audit row {row}")
        for sleeve, versions in _group(sets, "sleeve", "version").items():
            for version, n in Counter(versions).items():
                if n > 1:
                    result.find(f"{n} writers were told they saved version {version} of {sleeve} (a lost update)")
        for audit_id, n in Counter(e["audit"] for e in sets).items():
            if n > 1:
                result.find(f"audit row {audit_id} reported by {n} set-leverage successes")
        stored_sets = sum(1 for r in audit.values() if r[1] == "set-leverage")
        if stored_sets != len(sets):
            result.find(f"{stored_sets} set-leverage audit rows for {len(sets)} reported successes")
        stored = {r[0]: r[1:] for r in conn.execute("SELECT id, request_key, sleeve_id, kind, amount_cents FROM acrs")}
        for key, ids in _group(acrs, "key", "acr").items():
            if len(set(ids)) > 1:
                result.find(f"request key {key} was reported as {len(set(ids))} ACRs: {sorted(set(ids))}")
        for e in acrs:
            row = stored.get(e["acr"])
            if row is None or row[:3] != (e["key"], e["sleeve"], e["kind"]) \
                    or row[3] != int(Decimal(e["amount"]) * 100):
                result.find(f"ACR success {e} does not match the stored ACR {row}")
        created = Counter(e["acr"] for e in acrs if not e["replayed"])
        result.figures["acrs_written"] = len(stored)
        for acr_id, n in created.items():
            if n > 1:
                result.find(f"ACR {acr_id} was reported as newly written {n} times")
        if set(stored) != set(created):
            result.find(f"ACRs in the book nobody was told were written: {sorted(set(stored) - set(created))[:10]}; "
                        f"reported but missing: {sorted(set(created) - set(stored))[:10]}")
        acr_audits = Counter(json.loads(r[3])["acr"] for r in audit.values() if r[1] in ("acr-built", "acr-failed"))
        if any(acr_audits[i] != 1 for i in stored) or len(acr_audits) != len(stored):
            result.find("ACRs and their acr-built/acr-failed audit rows do not pair one to one")
        fill_audits = Counter(json.loads(r[3])["acr"] for r in audit.values() if r[1] == "fills")
        for acr_id, n in Counter(e["acr"] for e in fills).items():
            if n > 1 or fill_audits[acr_id] != 1:
                result.find(f"ACR {acr_id}: {n} fill success(es) reported, {fill_audits[acr_id]} fills audit row(s)")
        if sum(fill_audits.values()) != len(fills):
            result.find(f"{sum(fill_audits.values())} fills audit rows for {len(fills)} reported fills")
    for problem in integrity(db):
        result.find(f"integrity: {problem}")


def _group(entries: list[dict[str, Any]], key: str, value: str) -> dict[Any, list[Any]]:
    grouped: dict[Any, list[Any]] = defaultdict(list)
    for e in entries:
        grouped[e[key]].append(e[value])
    return grouped
