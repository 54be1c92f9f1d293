"""Reads, one module per question the console and the CLI ask; none of them writes."""
