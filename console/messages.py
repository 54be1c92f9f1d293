"""App-level and worker-result messages."""
from __future__ import annotations

from dataclasses import dataclass

from textual.message import Message


@dataclass
class AccountChanged(Message):
    """An account was written: screens showing it reload."""

    account_id: str
