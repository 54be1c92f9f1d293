"""The demo book generator: deterministic, valid against calc's models, and showing every diagnostic."""
from __future__ import annotations

import json
from datetime import date, timedelta
from decimal import Decimal

import pytest

from calc import (
    DIAGNOSTIC_CODES,
    Account,
    Model,
    Price,
    build_acr,
    diagnose,
    diagnostic_codes,
    invested_ratio,
    price_map,
)
from store.demo import (
    demo_models,
    demo_prices,
    demo_rates,
    generate_book,
    iter_accounts,
    iter_accounts_with_intent,
)
from store.demo_data import DEFAULT_TODAY, SHOWCASE, SHOWCASE_SIZE, STALE_SYMBOLS
from tests.unit.book_values import checked

BOOK_SIZE = 300
# The demo prices every symbol it holds, so MISSING_PRICE (issue 12) is not one of its states yet: adding a
# showcase account for it changes every demo book and snapshot, left for a follow-up. Every other code shows.
DEMO_CODES = frozenset(DIAGNOSTIC_CODES) - {"MISSING_PRICE"}

# The codes calc.diagnose finds on each showcase account (the intended state plus its consequences).
SHOWCASE_CODES: dict[str, tuple[str, ...]] = {
    "A-000001": (),
    "A-000002": ("PENDING_LEVERAGE", "DRIFT"),
    "A-000003": ("PENDING_LEVERAGE", "MARGIN_NOT_ENABLED"),
    "A-000004": ("MARGIN_NOT_ENABLED",),
    "A-000005": ("NEGATIVE_APM",),
    "A-000006": ("NEGATIVE_APM",),
    "A-000007": ("MARGIN_CALL", "DRIFT"),
    "A-000008": ("LOW_CALL_DISTANCE",),
    "A-000009": ("TACTICAL_TRACK_OFF",),
    "A-000010": ("DRIFT",),
    "A-000011": ("STALE_PRICES",),
    "A-000012": (),
    "A-000013": ("PENDING_LEVERAGE",),
    "A-000014": (),
    "A-000015": (),
    "A-000016": (),
    "A-000017": ("DRIFT",),
    "A-000018": ("NEGATIVE_APM",),
    "A-000019": ("PENDING_LEVERAGE", "TACTICAL_TRACK_OFF"),
    "A-000020": ("OUT_OF_SYNC",),
}


def _diagnosed(book: dict, today: date = DEFAULT_TODAY) -> dict[str, tuple[str, ...]]:
    prices = price_map([checked(Price, p) for p in book["prices"]])
    models = {m["id"]: checked(Model, m) for m in book["models"]}
    return {
        a["id"]: tuple(diagnostic_codes(diagnose(checked(Account, a), prices, models, today)))
        for a in book["accounts"]
    }


@pytest.fixture(scope="module")
def book() -> dict:
    return generate_book(BOOK_SIZE)


@pytest.fixture(scope="module")
def codes(book: dict) -> dict[str, tuple[str, ...]]:
    return _diagnosed(book)


@pytest.fixture(scope="module")
def intents() -> dict[str, tuple[str, ...]]:
    return {a["id"]: intent for intent, a in iter_accounts_with_intent(BOOK_SIZE)}


# ---------------------------------------------------------------------------------------------- determinism

def test_same_seed_gives_the_same_book():
    assert generate_book(60, seed=7) == generate_book(60, seed=7)


def test_a_different_seed_gives_a_different_book():
    a, b = generate_book(60, seed=7), generate_book(60, seed=8)
    assert a != b
    assert a["accounts"][SHOWCASE_SIZE:] != b["accounts"][SHOWCASE_SIZE:]


def test_an_account_does_not_depend_on_the_book_size():
    assert generate_book(40)["accounts"] == generate_book(120)["accounts"][:40]


def test_iter_accounts_streams_the_same_accounts_as_generate_book(book: dict):
    assert list(iter_accounts(BOOK_SIZE)) == book["accounts"]
    assert [a for _, a in iter_accounts_with_intent(BOOK_SIZE)] == book["accounts"]


def test_today_moves_the_price_dates():
    later = DEFAULT_TODAY + timedelta(days=3)
    rows = {p["symbol"]: p for p in generate_book(5, today=later)["prices"]}
    assert rows["SPY"]["as_of"] == later.isoformat()


def test_book_is_plain_json(book: dict):
    assert json.loads(json.dumps(book)) == book
    assert set(book) == {"prices", "models", "accounts", "rates"}


@pytest.mark.parametrize("bad", [-1, 10_000_000, 2.5, "10", True])
def test_refuses_a_bad_account_count(bad):
    with pytest.raises(ValueError):
        generate_book(bad)


# ---------------------------------------------------------------------------------------------- validity

def test_every_row_validates_with_calc(book: dict):
    for row in book["prices"]:
        checked(Price, row)
    for row in book["models"]:
        checked(Model, row)
    for row in book["accounts"]:
        checked(Account, row)


def test_prices_are_realistic(book: dict):
    rows = {p["symbol"]: p for p in book["prices"]}
    assert 30 <= len(rows) <= 45
    for symbol in ("SPY", "QQQ", "IWM", "EFA", "AGG", "TLT", "LQD", "HYG", "VNQ", "GLD"):
        assert symbol in rows
    assert rows["SWVXX"]["price"] == 1.0 and rows["SWVXX"]["marginable"] is False
    assert sorted(p["leverage_factor"] for p in rows.values() if p["leverage_factor"]) == [2, 3]
    assert any(p["maintenance"] == 0.40 for p in rows.values())
    today = DEFAULT_TODAY.isoformat()
    assert sum(p["as_of"] == today for p in rows.values()) >= len(rows) - 4
    stale = [s for s, p in rows.items() if date.fromisoformat(p["as_of"]) <= DEFAULT_TODAY - timedelta(days=10)]
    assert stale and sorted(stale) == sorted(STALE_SYMBOLS)
    for p in rows.values():
        assert p["price"] == round(p["price"], 2) > 0


def test_models_sum_to_one_with_four_decimals(book: dict):
    models = book["models"]
    assert 10 <= len(models) <= 16
    assert any(m["tactical"] and m["cash"] > 0 for m in models)
    by_id = {m["id"]: m for m in models}
    assert by_id["CORE6040"]["weights"] == {"SPY": 0.6, "AGG": 0.4}
    for m in models:
        assert abs(sum(m["weights"].values()) + m["cash"] - 1) < 1e-6
        for w in [*m["weights"].values(), m["cash"]]:
            assert w == round(w, 4)
        assert set(m["weights"]) <= {p["symbol"] for p in book["prices"]}
        assert not set(m["weights"]) & set(STALE_SYMBOLS)


def test_account_ids_are_unique_sorted_and_sleeves_well_formed(book: dict):
    ids = [a["id"] for a in book["accounts"]]
    assert ids == sorted(ids) and len(set(ids)) == len(ids) == BOOK_SIZE
    assert ids[0] == "A-000001" and ids[-1] == f"A-{BOOK_SIZE:06d}"
    for a in book["accounts"]:
        apm, *models = a["sleeves"]
        assert apm["id"] == f"{a['id']}-APM" and apm["kind"] == "apm"
        assert 1 <= len(models) <= 3
        assert [s["id"] for s in models] == [f"{a['id']}-M{k}" for k in range(1, len(models) + 1)]
        assert 0.25 <= a["house_maintenance"] <= 0.35
        assert a["max_leverage"] in (1.5, 2.0)
        assert all(max(s["leverage"], s["applied_leverage"]) <= a["max_leverage"] for s in models)
        for s in a["sleeves"]:
            assert s["cash"] == round(s["cash"], 2)
            assert all(isinstance(q, int) and q > 0 for q in s["positions"].values())


def test_book_mix_is_realistic(book: dict):
    accounts = book["accounts"]
    margin = [a for a in accounts if a["type"] == "margin"]
    assert len(margin) > len(accounts) / 2
    assert sum(a["margin_enabled"] for a in margin) > 0.8 * len(margin)
    assert any(not a["margin_enabled"] for a in margin)
    assert {a["type"] for a in accounts} == {"margin", "cash", "ira"}
    assert len({a["custodian"] for a in accounts}) >= 4
    assert any(a["max_leverage"] == 1.5 for a in accounts)
    assert len({a["name"] for a in accounts}) > 0.9 * len(accounts)


def test_rates_cover_every_custodian_in_use(book: dict):
    rates = book["rates"]
    assert rates
    used = {a["custodian"] for a in book["accounts"]}
    for custodian in used:
        tiers = [r for r in rates if r["custodian"] == custodian]
        assert len(tiers) >= 2
        floors = [r["min_debit"] for r in tiers]
        assert floors[0] == 0 and floors == sorted(floors)
        assert all(0 < r["annual_rate"] < 0.2 for r in tiers)
        assert [r["annual_rate"] for r in tiers] == sorted((r["annual_rate"] for r in tiers), reverse=True)
    assert demo_rates() == rates


def test_public_helpers_return_fresh_copies():
    demo_prices()[0]["price"] = -1
    demo_models()[0]["weights"]["SPY"] = 2
    assert demo_prices()[0]["price"] > 0
    assert demo_models()[0]["weights"]["SPY"] == 0.6


# ---------------------------------------------------------------------------------------------- diagnostics

def test_every_diagnostic_occurs_in_a_300_account_book(codes: dict):
    found = {c for cs in codes.values() for c in cs}
    assert found == DEMO_CODES


def test_every_diagnostic_occurs_after_the_showcase_too(codes: dict):
    found = {c for i, cs in codes.items() if int(i[2:]) > SHOWCASE_SIZE for c in cs}
    assert found == DEMO_CODES


def test_the_showcase_alone_has_every_diagnostic():
    book = generate_book(SHOWCASE_SIZE)
    codes = _diagnosed(book)
    assert {c for cs in codes.values() for c in cs} == DEMO_CODES
    assert codes == SHOWCASE_CODES
    assert [i for i, _ in SHOWCASE] == list(SHOWCASE_CODES)


@pytest.mark.parametrize("seed", [1, 99])
def test_showcase_states_hold_for_other_seeds(seed: int):
    assert _diagnosed(generate_book(SHOWCASE_SIZE, seed=seed)) == SHOWCASE_CODES


def test_each_account_shows_the_state_it_was_built_for(codes: dict, intents: dict):
    for account_id, intent in intents.items():
        assert set(intent) <= set(codes[account_id]), account_id
        if not intent:
            assert codes[account_id] == (), account_id


def test_most_accounts_are_healthy(codes: dict):
    healthy = sum(1 for cs in codes.values() if not cs)
    assert 0.6 * BOOK_SIZE <= healthy <= 0.9 * BOOK_SIZE


def test_healthy_sleeves_are_built_to_their_applied_leverage(book: dict, intents: dict):
    prices = price_map([checked(Price, p) for p in book["prices"]])
    models = {m["id"]: checked(Model, m) for m in book["models"]}
    for row in book["accounts"]:
        if intents[row["id"]]:
            continue
        account = checked(Account, row)
        for s in account.sleeves:
            if s.kind != "model":
                continue
            assert s.leverage == s.applied
            assert s.leverage == 1 or account.can_margin
            value = sum(q * prices[sym].price for sym, q in s.positions.items())
            equity = value + s.cash
            assert Decimal(24_000) <= equity <= Decimal(2_100_000)
            expected = invested_ratio(s.applied, models[s.model], s.track_manager, s.cash_reserve)
            assert abs(value / equity - expected) <= Decimal("0.025")


def test_the_source_document_story_builds_to_150k_exposure(book: dict):
    row = book["accounts"][1]
    sleeve = row["sleeves"][1]
    assert row["id"] == "A-000002"
    assert (sleeve["model"], sleeve["cash"], sleeve["positions"]) == ("CORE6040", 100_000.0, {})
    assert (sleeve["leverage"], sleeve["applied_leverage"]) == (1.5, 1.0)
    prices = price_map([checked(Price, p) for p in book["prices"]])
    models = {m["id"]: checked(Model, m) for m in book["models"]}
    result = build_acr(checked(Account, row), sleeve["id"], "rebalance", prices, models, DEFAULT_TODAY)
    assert result.ok, result.reason
    exposure = sum(o.notional for o in result.orders)
    assert Decimal(149_000) < exposure <= Decimal(150_000)
    assert Decimal(-50_000) <= result.projected_sleeve_cash < Decimal(-49_000)


def test_stale_symbols_are_only_held_by_stale_accounts(book: dict, codes: dict):
    for row in book["accounts"]:
        held = {sym for s in row["sleeves"] for sym in s["positions"]}
        assert bool(held & set(STALE_SYMBOLS)) == ("STALE_PRICES" in codes[row["id"]])


# ---------------------------------------------------------------------------------------------- scale

def test_a_2000_account_book_completes():
    book = generate_book(2000)
    assert len(book["accounts"]) == 2000
    assert book["accounts"][-1]["id"] == "A-002000"


def test_a_book_of_a_million_pads_ids_to_seven_digits_so_they_still_sort():
    """Issue 17: `demo --accounts 1000000` was accepted by the CLI and refused by the generator (limit 999,999)."""
    first = next(iter_accounts(1_000_000))
    assert first["id"] == "A-0000001" and first["sleeves"][0]["id"] == "A-0000001-APM"
    assert next(iter_accounts(999_999))["id"] == "A-000001"
