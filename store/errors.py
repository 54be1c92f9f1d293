"""One hierarchy of store errors, each with a message written for an operator."""
from __future__ import annotations


class StoreError(Exception):
    """Base of every error the store raises on purpose."""


class NotFound(StoreError):
    """No such account, sleeve, ACR or run."""


class Conflict(StoreError):
    """Someone else changed the row since it was read (optimistic concurrency)."""


class Refused(StoreError):
    """The request is valid but a rule forbids it (e.g. leverage on the APM, open checklist items)."""


class InvalidInput(StoreError):
    """The input is malformed; nothing was written."""

    def __init__(self, message: str, problems: list[str] | None = None) -> None:
        super().__init__(message)
        self.problems = problems or []


class KeyReused(InvalidInput):
    """A request key already named another intent (sleeve, kind or amount); the command line exits 2."""


class NewerSchema(Refused, RuntimeError):
    """The book was written by a newer margin-console; refused before anything changed (a RuntimeError as before)."""


class Busy(StoreError):
    """Another writer held the book for the whole busy timeout; nothing was written and a retry may pass."""
