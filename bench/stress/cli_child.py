"""`python -m bench.stress.cli_child ARGS`: the margin-console command line on the drills' fixed clock."""
from __future__ import annotations

import sys

from bench.common import fixed_clock
from console.cli import cli

if __name__ == "__main__":
    cli.main(sys.argv[1:], obj={"clock": fixed_clock})
