"""Benchmarks at book scale: `python -m bench.run` writes docs/PERFORMANCE.md."""
