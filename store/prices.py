"""Prices in: a price file upserts the symbols it names and recomputes the summaries of the accounts they touch.

All or nothing: every bad line is listed (store/price_file.py parses; the move band against the stored price is
checked here). The prices, every affected account's summary and one audit row are written in one transaction.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from store.core import Store
from store.errors import InvalidInput
from store.input_file import read_text
from store.mapping import load_models
from store.price_file import PriceLine, parse_price_file
from store.summary import refresh_accounts

CHUNK = 500  # ids per IN (...) query, well under SQLite's variable limit


@dataclass
class PriceLoad:
    """What a price file changed."""

    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    accepted_moves: list[str] = field(default_factory=list)
    accounts: int = 0

    def to_json(self) -> dict[str, Any]:
        return {"added": self.added, "changed": self.changed, "unchanged": self.unchanged,
                "accepted_moves": self.accepted_moves, "accounts_refreshed": self.accounts}


def file_kind(path: Path | str) -> str:
    """`csv` or `json`, from the file's extension."""
    suffix = Path(path).suffix.lower().lstrip(".")
    if suffix not in ("csv", "json"):
        raise InvalidInput(f"{Path(path).name}: a price file ends in .csv or .json")
    return suffix


def load_price_file(store: Store, path: Path | str, operator: str, accept_moves: bool = False) -> PriceLoad:
    """Read a .csv or .json price file and load it (see `load_prices_text`)."""
    kind = file_kind(path)
    text = read_text(path)
    return load_prices_text(store, text, kind, operator, accept_moves, source=Path(path).name)


def load_prices_text(store: Store, text: str, kind: str, operator: str, accept_moves: bool = False,
                     source: str = "") -> PriceLoad:
    """Upsert the file's prices and refresh every account holding or targeting a changed symbol; all or nothing.

    A price that moves more than Settings.price_move_band from the stored one is a problem unless accept_moves.
    """
    problems: list[str] = []
    lines = parse_price_file(text, kind, store.today(), problems)
    band = store.settings.price_move_band
    with store.transaction():
        stored = _stored(store, [line.symbol for line in lines])
        load = PriceLoad()
        rows = []
        for line in lines:
            old = stored.get(line.symbol)
            move = _move(line, old, band)
            if move and not accept_moves:
                problems.append(f"{line.where}: {move}; rerun with --accept-moves if it is right")
                continue
            if move:
                load.accepted_moves.append(line.symbol)
            row = _row(line, old)
            if old is None:
                load.added.append(line.symbol)
            elif _margin_inputs(row) == _margin_inputs(old) and row["as_of"] == old["as_of"]:
                load.unchanged.append(line.symbol)
                continue
            else:
                load.changed.append(line.symbol)
            rows.append(row)
        if problems:
            problems.sort(key=_position)  # parse problems and move problems, in file order
            raise InvalidInput(f"the price file has {len(problems)} problem(s); nothing was written", problems)
        if not lines:
            raise InvalidInput("the price file has no prices")
        store.conn.executemany(
            "INSERT INTO prices (symbol, price, as_of, marginable, maintenance, leverage_factor) "
            "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (symbol) DO UPDATE SET price = excluded.price, "
            "as_of = excluded.as_of, marginable = excluded.marginable, maintenance = excluded.maintenance, "
            "leverage_factor = excluded.leverage_factor",
            [(r["symbol"], r["price"], r["as_of"], r["marginable"], r["maintenance"], r["leverage_factor"])
             for r in rows])
        # A new date on an unchanged price moves no stored summary (STALE_PRICES is computed live).
        repriced = [r["symbol"] for r in rows if _margin_inputs(r) != _margin_inputs(stored.get(r["symbol"]))]
        accounts = accounts_for_symbols(store, repriced)
        load.accounts = refresh_accounts(store.conn, accounts, store.today(), store.calc_settings())
        store.audit(operator, "prices", None, None, {
            "source": source, "rows": len(lines), "added": load.added, "changed": load.changed,
            "unchanged": len(load.unchanged), "accepted_moves": load.accepted_moves,
            "accounts_refreshed": load.accounts})
    return load


def accounts_for_symbols(store: Store, symbols: list[str]) -> list[str]:
    """Accounts holding any of the symbols (positions' symbol index) or following a model that targets one
    (the few models are read in Python, then sleeves by model through the sleeves_model index); sorted."""
    if not symbols:
        return []
    wanted = set(symbols)
    found: set[str] = set()
    for start in range(0, len(symbols), CHUNK):
        chunk = symbols[start:start + CHUNK]
        found.update(r[0] for r in store.execute(
            "SELECT DISTINCT account_id FROM sleeves WHERE id IN "
            f"(SELECT sleeve_id FROM positions WHERE symbol IN ({', '.join('?' * len(chunk))}))", chunk))
    found.update(accounts_following(store, [m.id for m in load_models(store.conn).values()
                                            if wanted & set(m.weights)]))
    return sorted(found)


def accounts_following(store: Store, models: list[str]) -> set[str]:
    """Accounts with a sleeve following any of the models (the sleeves_model index)."""
    found: set[str] = set()
    models = sorted(models)
    for start in range(0, len(models), CHUNK):
        chunk = models[start:start + CHUNK]
        found.update(r[0] for r in store.execute(
            f"SELECT DISTINCT account_id FROM sleeves WHERE model IN ({', '.join('?' * len(chunk))})", chunk))
    return found


def _stored(store: Store, symbols: list[str]) -> dict[str, dict[str, Any]]:
    """The stored rows of the file's symbols."""
    stored: dict[str, dict[str, Any]] = {}
    for start in range(0, len(symbols), CHUNK):
        chunk = symbols[start:start + CHUNK]
        for row in store.rows("SELECT symbol, price, as_of, marginable, maintenance, leverage_factor FROM prices "
                              f"WHERE symbol IN ({', '.join('?' * len(chunk))})", chunk):
            stored[row["symbol"]] = row
    return stored


def _move(line: PriceLine, old: dict[str, Any] | None, band: Decimal) -> str:
    """Why the new price moves too far from the stored one ('' when it does not, or nothing is stored)."""
    if old is None:
        return ""
    before = Decimal(old["price"])
    change = (line.price - before) / before
    if abs(change) <= band:
        return ""
    return (f"{line.symbol} moves {change * 100:+.1f}% ({before.normalize():f} to {line.price.normalize():f}), "
            f"beyond the ±{(band * 100).normalize():f}% band")


def _row(line: PriceLine, old: dict[str, Any] | None) -> dict[str, Any]:
    """The row to store: the line's values, and for what it leaves out the stored value (or the default)."""
    keep = old or {"marginable": 1, "maintenance": None, "leverage_factor": None}
    return {
        "symbol": line.symbol, "price": str(line.price), "as_of": line.as_of.isoformat(),
        "marginable": keep["marginable"] if line.marginable is None else int(line.marginable),
        "maintenance": keep["maintenance"] if line.maintenance is None else str(line.maintenance),
        "leverage_factor": keep["leverage_factor"] if line.leverage_factor is None else str(line.leverage_factor),
    }


def _margin_inputs(row: dict[str, Any] | None) -> tuple[Any, ...] | None:
    """What of a price row the stored summaries depend on (everything but its date)."""
    if row is None:
        return None
    return Decimal(row["price"]), row["marginable"], row["maintenance"], row["leverage_factor"]


def _position(problem: str) -> int:
    """A problem's place in the file: N of `line N`, i of `$[i]`."""
    where = problem.split(":", 1)[0]
    return int("".join(c for c in where if c.isdigit()) or 0)
