"""One home for the spellings of a flag: the book file, the price file and the settings take the same words."""
from __future__ import annotations

from datetime import date

import pytest

from calc.model_checks import FALSE_WORDS, TRUE_WORDS
from calc.models import Price
from store.book_schema import read_object
from store.price_file import parse_price_file
from store.setting_kinds import parse_boolean

WORDS = sorted((word, True) for word in TRUE_WORDS) + sorted((word, False) for word in FALSE_WORDS)


def test_the_words_are_pydantics_lax_spellings():
    assert TRUE_WORDS == {"true", "t", "yes", "y", "on", "1"} and FALSE_WORDS == {"false", "f", "no", "n", "off", "0"}


@pytest.mark.parametrize("word, flag", WORDS)
def test_every_reader_takes_each_word_in_any_case(word, flag):
    problems: list[str] = []
    price = read_object(Price, {"symbol": "SPY", "price": 1, "as_of": "2024-06-03", "marginable": word.upper()},
                        "$", problems)
    assert problems == [] and price.marginable is flag
    lines = parse_price_file(f"symbol,price,as_of,marginable\nSPY,1,2024-06-03,{word.upper()}\n", "csv",
                             date(2024, 6, 3), problems)
    assert problems == [] and lines[0].marginable is flag
    assert parse_boolean(word.upper()) is flag


def test_the_price_file_says_the_same_words_when_refusing():
    problems: list[str] = []
    parse_price_file("symbol,price,as_of,marginable\nSPY,1,2024-06-03,maybe\n", "csv", date(2024, 6, 3), problems)
    assert problems == ["line 2: marginable must be true or false, got 'maybe'"]
