"""The reliability drills: concurrent writers, kill -9 mid-write and fuzzed CLI input, with a summary.

    python -m bench.stress [--seconds 120] [--processes 8] [--kills 40] [--fuzz-cases 5000] [--postgres URL|auto]
                           [--kill-accounts 3000] [--seed 1] [--workdir DIR] [--only writers,kills,fuzz] [--json]

Exit 0 when every check held, 1 when a drill found something (each finding is one line of the summary).
"""
from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
import time
from pathlib import Path

from bench.stress import fuzz, kills, writers

DRILLS = ("writers", "kills", "fuzz")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.stress", description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=3.0, help="How long the writers write.")
    parser.add_argument("--processes", type=int, default=8, help="How many writer processes.")
    parser.add_argument("--kills", type=int, default=4, help="How many kill -9 (demo, import, batch, fills in turn).")
    parser.add_argument("--kill-accounts", type=int, default=1000, help="Book size of the killed operations.")
    parser.add_argument("--fuzz-cases", type=int, default=200, help="How many fuzzed command lines and files.")
    parser.add_argument("--seed", type=int, default=1, help="Seeds the writers' choices, the kill delays and the fuzz.")
    parser.add_argument("--workdir", type=Path, help="Where the books go (default: a temporary directory, removed).")
    parser.add_argument("--only", default=",".join(DRILLS), help="Comma list of drills to run.")
    parser.add_argument("--json", action="store_true", help="Print one JSON document instead of the summary.")
    parser.add_argument("--postgres", metavar="URL|auto",
                        help="Also run the writers on PostgreSQL: an empty database's URL, or `auto` for a "
                             "throwaway cluster from the machine's server binaries (tests/postgres.py).")
    args = parser.parse_args(argv)
    chosen = [d.strip() for d in args.only.split(",") if d.strip()]
    unknown = set(chosen) - set(DRILLS)
    if unknown:
        parser.error(f"unknown drill(s): {', '.join(sorted(unknown))}")
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="margin-stress-"))
    started = time.monotonic()
    results = []
    try:
        for name in chosen:
            print(f"[{name}]", file=sys.stderr, flush=True)
            if name == "writers":
                results.append(writers.run(workdir / "writers", args.processes, args.seconds, seed=args.seed))
                if args.postgres:
                    results.append(postgres_writers(args, workdir))
            elif name == "kills":
                results.append(kills.run(workdir / "kills", args.kills, args.kill_accounts, seed=args.seed))
            else:
                results.append(fuzz.run(workdir / "fuzz", args.fuzz_cases, seed=args.seed))
    finally:
        if args.workdir is None:
            shutil.rmtree(workdir, ignore_errors=True)
    ok = all(r.ok for r in results)
    report = {"ok": ok, "seed": args.seed, "seconds": round(time.monotonic() - started, 1),
              "drills": [r.to_json() for r in results]}
    print(json.dumps(report, indent=2) if args.json else summary(report))
    return 0 if ok else 1


def postgres_writers(args: argparse.Namespace, workdir: Path):  # -> DrillResult
    """The writers drill on one PostgreSQL book: the URL given, or a fresh cluster started and stopped here."""
    if args.postgres != "auto":
        return writers.run(workdir / "writers-pg", args.processes, args.seconds, seed=args.seed, server=args.postgres)
    from tests.postgres import Cluster

    cluster = Cluster()
    try:
        cluster.start()
        return writers.run(workdir / "writers-pg", args.processes, args.seconds, seed=args.seed,
                           server=cluster.url("book_template"))
    finally:
        cluster.stop()


def summary(report: dict) -> str:
    verdict = "every check held" if report["ok"] else "FOUND PROBLEMS"
    lines = [f"reliability drills, seed {report['seed']}, {report['seconds']} s: {verdict}"]
    for drill in report["drills"]:
        figures = ", ".join(f"{k} {v}" for k, v in drill.items() if k not in ("drill", "ok", "findings"))
        lines.append(f"  {drill['drill']}: {'ok' if drill['ok'] else 'FOUND'}; {figures}")
        lines += [f"    ! {f}" for f in drill["findings"]]
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
