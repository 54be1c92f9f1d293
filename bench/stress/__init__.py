"""Reliability drills: concurrent writers, kill -9 mid-write, fuzzed CLI input (`python -m bench.stress`)."""
