"""Drill 3: fuzzed command lines, book files and fill files through the CLI (click's CliRunner, in process).

Every case must end with exit 0, 1, 2 (or 3, an ACR recorded as failed), never a traceback or the last-resort
"unexpected error" (exit 70), a refusal must say so on stderr, and a refused case (exit 1 or 2) must leave
every table of the book exactly as it was. Cases are seeded: `--seed S` replays the same ones.
"""
from __future__ import annotations

import json
import random
import shutil
from collections import Counter
from pathlib import Path
from typing import Any

from bench.common import copy_book, fixed_clock
from bench.stress.common import DrillResult, digest, open_store

STORY = Path(__file__).resolve().parents[2] / "tests" / "data" / "story_book.json"
SLEEVES = ["A-1001-M1", "A-1001-APM", "A-1002-M1", "A-1003-M1", "A-1003-APM", "Z-0000-M1", "a-1001-m1", ""]
ACCOUNTS = ["A-1001", "A-1002", "A-1003", "A-9999", "a-1001", "", "%", "A-1001' OR 1=1 --"]
NUMBERS = ["0", "1", "1.5", "2", "2.0001", "-1", "0.001", "1e3", "1e999", "nan", "inf", "-inf", "1,5", "1_000",
           "9" * 40, "0x10", " 1 ", "", "abc", "١", "1.005", "99999999999999999999.99", "-0", "1e-999"]
JUNK = ["", "-", "--", "--nope", "-x", "--json", "--csv", "--help", "\x00", "é", "\u202e", "x" * 5000, "'", "%s",
        "../../etc/passwd", "--db", "--operator", "🙂", "\n", "--ack=all", "--kind=deposit"]
VALUES: dict[str, list[str]] = {
    "--kind": ["rebalance", "one-dollar", "deposit", "withdrawal", "allocation", "liquidation", "REBALANCE", "x"],
    "--ack": ["all", "", "price-age", "all,all", ",", "nope", " all "],
    "--request-key": ["k1", "k1", "", "K" * 300, "é", "\x00"],
    "--symptom": ["nope", "", "not-leveraging"],
    "--operator": ["bob", "", " ", "a\x1bb", "\u202eevil", "x" * 400],
    "--state": ["on", "off", "enabled", "disabled", "ON", ""],
}


def commands(tmp: Path) -> dict[str, tuple[list[list[str]], list[str]]]:
    """Each command's positional candidates (in order) and its options."""
    files = [str(tmp / "book.json"), str(tmp / "fills.csv"), str(tmp), str(tmp / "missing.json"), str(STORY)]
    return {
        "accounts": ([], ["--filter", "--limit", "--offset", "--json"]),
        "show": ([ACCOUNTS], ["--json"]),
        "set-leverage": ([SLEEVES, NUMBERS], ["--expect-version", "--json"]),
        "track-manager": ([SLEEVES, VALUES["--state"]], ["--expect-version", "--json"]),
        "confirm-margin": ([ACCOUNTS, VALUES["--state"]], ["--reference", "--json"]),
        "acr": ([SLEEVES], ["--kind", "--amount", "--ack", "--request-key", "--expect-version", "--all-pending",
                            "--json"]),
        "orders": ([], ["--acr", "--account", "--csv", "--json"]),
        "fills": ([files], ["--simulate", "--json"]),
        "doctor": ([], ["--limit", "--integrity", "--json"]),
        "audit": ([], ["--account", "--limit", "--verify", "--json"]),
        "troubleshoot": ([ACCOUNTS], ["--symptom", "--json"]),
        "whatif": ([], ["--equity", "--leverage", "--lmv", "--debit", "--maintenance", "--rate", "--model-cash",
                        "--track-manager", "--reserve", "--json"]),
        "import": ([files], ["--json"]),
        "demo": ([], ["--accounts", "--seed", "--json"]),
        "walkthrough": ([["list", "export", "nope"], NUMBERS], ["--account", "--limit", "--out", "--force",
                                                                 "--json"]),
    }


FLAGS = {"--json", "--csv", "--all-pending", "--integrity", "--verify", "--force"}


def option_value(rng: random.Random, option: str, tmp: Path) -> str:
    if option in VALUES:
        return rng.choice(VALUES[option])
    if option in ("--account", "--filter"):
        return rng.choice(ACCOUNTS)
    if option == "--out":
        return rng.choice([str(tmp / "out.md"), str(tmp), str(tmp / "book.db"), ""])
    if option == "--track-manager":
        return rng.choice(VALUES["--state"])
    return rng.choice(NUMBERS + ["1", "3", "1000000", str(2**63), str(-2**63)])


def argv_case(rng: random.Random, tmp: Path) -> list[str]:
    """A mostly well-formed command line, then a few random mutations."""
    table = commands(tmp)
    name = rng.choice(list(table))
    positionals, options = table[name]
    args = [name] + [rng.choice(p) for p in positionals if rng.random() < 0.9]
    for option in rng.sample(options, rng.randint(0, len(options))):
        args += [option] if option in FLAGS else [option, option_value(rng, option, tmp)]
    for _ in range(rng.choice([0, 0, 1, 2, 3])):
        at, what = rng.randrange(len(args) + 1), rng.random()
        if what < 0.4:
            args.insert(at, rng.choice(JUNK + NUMBERS))
        elif what < 0.6 and len(args) > 1:
            del args[max(1, at - 1)]
        elif what < 0.8:
            args.insert(at, rng.choice(args))
        else:
            args[:0] = ["--operator", rng.choice(VALUES["--operator"])]
    if name == "demo":  # never a large demo into a fresh file: the fuzz is about refusals, not bulk writes
        args = [a if a not in ("1000000",) else "3" for a in args]
    return args


def mutate_json(rng: random.Random, node: Any, depth: int = 0) -> Any:
    """The book with one random change somewhere in its tree."""
    weird = [None, "", -1, 0, 1e308, float("inf"), "nan", [], {}, "x" * 1000, True, 10**30, 0.1 + 0.2, "2026-13-45",
             "A-1001", {"id": "A-1001"}, [[[[[]]]]], "\u202e", -0.0]
    if isinstance(node, dict) and node and rng.random() < 0.8:
        key = rng.choice(list(node))
        copy = dict(node)
        roll = rng.random()
        if roll < 0.2:
            del copy[key]
        elif roll < 0.35:
            copy[key] = rng.choice(weird)
        elif roll < 0.4:
            copy[rng.choice(["extra", "id", "kind", "sleeves", ""])] = rng.choice(weird)
        else:
            copy[key] = mutate_json(rng, node[key], depth + 1)
        return copy
    if isinstance(node, list) and node and rng.random() < 0.8:
        copy = list(node)
        at, roll = rng.randrange(len(copy)), rng.random()
        if roll < 0.2:
            del copy[at]
        elif roll < 0.35:
            copy.append(copy[at])  # a duplicate row
        else:
            copy[at] = mutate_json(rng, copy[at], depth + 1)
        return copy
    return rng.choice(weird)


def book_case(rng: random.Random, story: dict[str, Any]) -> bytes:
    data = json.loads(json.dumps(story))
    if rng.random() < 0.4:  # new ids, so some cases import (and the change is allowed)
        text = json.dumps(data).replace('"A-10', f'"F{rng.randrange(10**6)}-10')
        data = json.loads(text)
    for _ in range(rng.choice([1, 1, 2, 3])):
        data = mutate_json(rng, data)
    raw = json.dumps(data).encode()
    return _byte_mutations(rng, raw)


def fill_case(rng: random.Random, orders: list[tuple[int, str, str]]) -> bytes:
    header = rng.choice(["order_id,status,filled_quantity,fill_price", "order_id,status,filled_quantity,fill_price,reason",
                         "status,order_id,fill_price,filled_quantity", "order_id,status,filled_quantity", "",
                         "order_id,order_id,status,filled_quantity,fill_price"])
    columns = header.split(",")
    lines = [header]
    statuses = ["filled", "partially_filled", "rejected", "cancelled", "FILLED", "", "new"]
    for _ in range(rng.randint(0, len(orders) + 1)):
        order_id, qty, price = rng.choice(orders + [(999999, "1", "1"), (2**70, "1", "1"), (-1, "1", "1")])
        value = {"order_id": str(order_id), "status": rng.choice(statuses[:2] * 3 + statuses),
                 "filled_quantity": rng.choice([qty] * 4 + NUMBERS), "fill_price": rng.choice([price] * 4 + NUMBERS),
                 "reason": rng.choice(["", "late", '"quoted, reason"', "\u202e"])}
        fields = [value.get(c, "") for c in columns]
        if rng.random() < 0.1:
            fields.append("extra")
        lines.append(",".join(fields))
    return _byte_mutations(rng, "\n".join(lines).encode())


def _byte_mutations(rng: random.Random, raw: bytes) -> bytes:
    roll = rng.random()
    if roll < 0.05:
        return raw[:rng.randrange(len(raw) + 1)]
    if roll < 0.08:
        at = rng.randrange(len(raw) + 1)
        return raw[:at] + bytes(rng.randrange(256) for _ in range(rng.randint(1, 8))) + raw[at:]
    if roll < 0.1:
        return b"\xef\xbb\xbf" + raw
    if roll < 0.12:
        return raw.replace(b"\n", b"\r\n")
    if roll < 0.13:
        return b"[" * 50000 + b"]" * 50000
    return raw


def run(workdir: Path, cases: int = 200, seed: int = 1) -> DrillResult:
    """Run `cases` fuzz cases against a small book with a built ACR; restore the book after a change."""
    from click.testing import CliRunner

    import console.app
    import console.cli
    from calc.checklist import ACK_IDS
    from store.acrs import fire_acr
    from store.book import import_book

    result = DrillResult("fuzz")
    tmp = workdir / "fuzz"
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    pristine, db = tmp / "pristine.db", tmp / "book.db"
    story = json.loads(STORY.read_text(encoding="utf-8"))
    with open_store(pristine) as store:
        import_book(store, story, "stress")
        acr = fire_acr(store, "A-1001-M1", "one-dollar", "stress", acknowledged=set(ACK_IDS), request_key="k1")
        orders = [(o.id, str(o.quantity), str(o.price)) for o in acr.orders]
    copy_book(pristine, db)
    base = digest(db)
    env = {"MARGIN_CONSOLE_DB": str(db), "MARGIN_CONSOLE_OPERATOR": "fuzz"}
    runner = CliRunner()
    opened: list[int] = []
    console.app.run_console = lambda settings, **_: opened.append(1)  # a case left with no command opens no TUI here
    rng = random.Random(seed)
    exits: Counter[int] = Counter()
    kinds: Counter[str] = Counter()
    changed = 0
    for i in range(cases):
        roll = rng.random()
        if roll < 0.5:
            kind, args = "argv", argv_case(rng, tmp)
        else:
            kind = "book" if roll < 0.75 else "fills"
            path = tmp / ("book.json" if kind == "book" else "fills.csv")
            path.write_bytes(book_case(rng, story) if kind == "book" else fill_case(rng, orders))
            args = ["import" if kind == "book" else "fills", str(path)] + (["--json"] if rng.random() < 0.3 else [])
        kinds[kind] += 1
        res = runner.invoke(console.cli.cli, args, obj={"clock": fixed_clock}, env=env)
        exits[res.exit_code] += 1
        after = digest(db)
        where = f"case {i} ({kind}) {_show(args)}"
        if res.exception is not None and not isinstance(res.exception, SystemExit):
            result.find(f"{where}: raised {type(res.exception).__name__}: {res.exception}")
        if "Traceback" in res.output or "Traceback" in res.stderr:
            result.find(f"{where}: a traceback was printed")
        if res.exit_code not in (0, 1, 2, 3):
            result.find(f"{where}: exit {res.exit_code}: {res.stderr.strip()[:300]}")
        elif res.exit_code in (1, 2) and not res.stderr.startswith("margin-console: "):
            result.find(f"{where}: exit {res.exit_code} without a margin-console error line: {res.stderr[:200]!r}")
        if after != base:
            if res.exit_code in (1, 2):
                result.find(f"{where}: exit {res.exit_code} but the book changed")
            changed += 1
            copy_book(pristine, db)
    result.figures.update(cases=cases, by_kind=dict(kinds), exits={str(k): v for k, v in sorted(exits.items())},
                          changed_the_book=changed, would_open_console=len(opened))
    return result


def _show(args: list[str]) -> str:
    return repr([a if len(a) < 80 else a[:40] + f"...({len(a)} chars)" for a in args])[:400]
